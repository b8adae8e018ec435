// Fails when an exported name has no `@example` in its doc comment (read from TypeDoc's JSON).
// Re-exports point at a documented original and are skipped.
import { readFile } from 'node:fs/promises';

const MODULE = 2;
const PROJECT = 1;
const CLASS = 128;
const REFERENCE = 4194304;
const api = JSON.parse(await readFile(new URL('../docs/api/api.json', import.meta.url), 'utf8'));
const hasExample = (comment) => (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
const missing = [];

function visit(node, path) {
  for (const child of node.children ?? []) {
    if (child.kind === PROJECT || child.kind === MODULE) {
      visit(child, child.name);
      continue;
    }
    if (child.kind === REFERENCE) continue;
    const documented =
      hasExample(child.comment) || (child.signatures ?? []).some((s) => hasExample(s.comment));
    if (!documented) missing.push(`${path}: ${child.name}`);
    // Class members are not exports of their own; only the class needs the example.
    if (child.kind !== CLASS) continue;
  }
}
visit(api, '');
if (missing.length > 0) {
  console.error(
    `Exported names without an @example (${missing.length}):\n  ${missing.join('\n  ')}`,
  );
  process.exit(1);
}
console.log('every exported name has a doc comment with an @example');
