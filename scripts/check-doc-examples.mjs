// Fails when an exported class or function has no `@example` in its doc comment (TypeDoc JSON).
import { readFile } from 'node:fs/promises';

const CLASS = 128;
const FUNCTION = 64;
const api = JSON.parse(await readFile(new URL('../docs/api/api.json', import.meta.url), 'utf8'));
const missing = [];
const hasExample = (comment) => (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');

function visit(node, path) {
  const name = path ? `${path}.${node.name}` : node.name;
  if (node.kind === CLASS && !hasExample(node.comment)) missing.push(`class ${name}`);
  if (
    node.kind === FUNCTION &&
    !hasExample(node.comment) &&
    !(node.signatures ?? []).some((s) => hasExample(s.comment))
  ) {
    missing.push(`function ${name}`);
  }
  // Modules (entry points) hold the exports; classes' members are not exports.
  if (node.kind !== CLASS)
    for (const child of node.children ?? []) visit(child, node.kind === 1 ? '' : name);
}
visit(api, '');
if (missing.length > 0) {
  console.error(
    `Exported classes and functions without an @example (${missing.length}):\n  ${missing.join('\n  ')}`,
  );
  process.exit(1);
}
console.log('every exported class and function has an @example');
