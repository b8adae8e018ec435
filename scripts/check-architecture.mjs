// Checks the import rules of docs/architecture.md against the sources. The rules are read from the
// tables there ("Package rules (checked)", "Folder rules in `@tta/primitives` (checked)"), so the
// document is the one place they are written. Also checks the load-order rule of
// packages/primitives/src/classes.ts and that the observability hooks name attributes only
// through the ATTR/EVENT tables. Exits 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const violations = [];

/** The rows of the first table under `heading`, as arrays of cells without backticks. */
function table(heading) {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "${heading}"`);
  const lines = doc.slice(start).split('\n').slice(2);
  const rows = [];
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('|')) {
      inTable = true;
      rows.push(
        line
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim().replaceAll('`', '')),
      );
    } else if (inTable) break;
  }
  return rows.slice(2); // header and separator
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `import … from`, `export … from` and `import '…'` of a file, with whether it is type-only. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const pattern = /^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gms;
  for (const match of text.matchAll(pattern)) {
    const clause = match[0];
    let typeOnly = match[2] !== undefined;
    const braces = /\{([^}]*)\}/.exec(clause);
    if (!typeOnly && braces !== null && !/^import\s+[\w$]+\s*,/.test(clause)) {
      const names = braces[1]
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      typeOnly = names.length > 0 && names.every((n) => n.startsWith('type '));
    }
    const line = text.slice(0, match.index).split('\n').length;
    found.push({ specifier: match[3], typeOnly, line });
  }
  return found;
}

const packagesDir = join(root, 'packages');

// Package rules.
for (const [pkg, forbidden] of table('## Package rules (checked)')) {
  const src = join(packagesDir, pkg, 'src');
  const rules = forbidden.split(',').map((r) => r.trim());
  for (const file of sourceFiles(src)) {
    const where = relative(root, file);
    for (const { specifier, line } of importsOf(file)) {
      for (const rule of rules) {
        const [target, , exceptDir] = rule.split(/\s+(outside)\s+/);
        const matches = specifier === target || specifier.startsWith(`${target}/`);
        const excepted = exceptDir !== undefined && where.includes(`${pkg}/${exceptDir}/`);
        if (matches && !excepted)
          violations.push(`${where}:${line} imports ${specifier} (${pkg} must not import ${rule})`);
      }
    }
  }
}

// Folder rules inside @tta/primitives.
const primitivesSrc = join(packagesDir, 'primitives', 'src');
const folderRules = new Map(
  table('## Folder rules in `@tta/primitives` (checked)').map(([folder, allowed]) => [
    folder,
    allowed === '(none)'
      ? []
      : allowed.split(',').map((a) => {
          const typesOnly = a.includes('(types only)');
          return { name: a.replace('(types only)', '').trim(), typesOnly };
        }),
  ]),
);
const topFolder = (path) =>
  relative(primitivesSrc, path)
    .split(sep)[0]
    ?.replace(/\.(ts|js)$/, '');
for (const file of sourceFiles(primitivesSrc)) {
  const where = relative(root, file);
  const from = topFolder(file);
  const rules = folderRules.get(from);
  for (const { specifier, typeOnly, line } of importsOf(file)) {
    if (specifier === '@tta/primitives') {
      if (rules !== undefined && !rules.some((r) => r.name === '@tta/primitives'))
        violations.push(
          `${where}:${line} imports @tta/primitives by name (only subpath entries may)`,
        );
      continue;
    }
    if (!specifier.startsWith('.')) continue;
    const target = topFolder(join(dirname(file), specifier));
    // The load-order rule: the base class file is imported by classes.ts alone.
    if (
      specifier.endsWith('workflow-primitive.js') &&
      !typeOnly &&
      !file.endsWith(`${sep}classes.ts`)
    )
      violations.push(`${where}:${line} imports workflow-primitive.js; import it from classes.ts`);
    if (rules === undefined || target === from) continue; // root files (index.ts, classes.ts) may import all
    const rule = rules.find((r) => r.name === target);
    if (rule === undefined)
      violations.push(
        `${where}:${line} imports ${target}/ (${from}/ may import: ${rules.map((r) => r.name).join(', ') || 'nothing'})`,
      );
    else if (rule.typesOnly && !typeOnly)
      violations.push(
        `${where}:${line} imports values from ${target}/ (${from}/ may import only its types)`,
      );
  }
}

// Values of the classes in classes.ts come from classes.ts only.
const classesText = readFileSync(join(primitivesSrc, 'classes.ts'), 'utf8');
const classFiles = [...classesText.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]);
for (const file of sourceFiles(primitivesSrc)) {
  if (file.endsWith(`${sep}classes.ts`) || file.endsWith(`${sep}index.ts`)) continue;
  for (const { specifier, typeOnly, line } of importsOf(file)) {
    if (!specifier.startsWith('.') || typeOnly) continue;
    const target = relative(primitivesSrc, join(dirname(file), specifier))
      .split(sep)
      .join('/');
    if (classFiles.includes(target) && join(primitivesSrc, target.replace(/\.js$/, '.ts')) !== file)
      violations.push(
        `${relative(root, file)}:${line} imports a value from ${target}; import it from classes.ts`,
      );
  }
}

// Observability hooks name span attributes and events only through ATTR / EVENT.
const hooksDir = join(packagesDir, 'observability', 'src', 'hooks');
for (const file of [
  ...sourceFiles(hooksDir),
  join(packagesDir, 'observability', 'src', 'observability-hooks.ts'),
]) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.includes('createContextKey')) return;
      for (const literal of text.matchAll(/'((?:tta|gen_ai|error)\.[a-z_.]+)'/g))
        violations.push(
          `${relative(root, file)}:${index + 1} writes '${literal[1]}'; use ATTR or EVENT`,
        );
    });
}

// A source file over ~300 lines says at its top why it is that long.
for (const pkg of readdirSync(packagesDir)) {
  for (const file of sourceFiles(join(packagesDir, pkg, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (text.split('\n').length > 310 && !text.startsWith('//'))
      violations.push(
        `${relative(root, file)} is over 300 lines without a sentence at its top saying why`,
      );
  }
}

if (violations.length > 0) {
  console.error(
    `architecture: ${violations.length} violation(s) of docs/architecture.md\n${violations.join('\n')}`,
  );
  process.exit(1);
}
console.log('architecture: imports follow docs/architecture.md');
