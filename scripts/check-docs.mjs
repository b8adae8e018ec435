// The docs tell the truth: every ```ts block in README.md, docs/*.md and packages/*/README.md is
// type-checked against the built packages (as users import them), every self-contained block is
// run, and where a block is followed by a ```text or ```mermaid block, that block must be what it
// prints. Fragments (blocks that use names they do not define, such as `ctx` or `callModel`) are
// checked with the declarations of docs/doc-prelude.d.ts. Run after `pnpm build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
// Inside the examples workspace, so `@tta/*` resolve to the built packages like a user's would.
const work = join(root, 'examples', '.doc-check');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'packages')).map((p) => `packages/${p}/README.md`),
];

/** The ```ts blocks of a markdown file, with the output block that follows each, if any. */
function blocksOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const indent = open[1].length;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const body = lines.slice(i + 1, end).map((l) => l.slice(indent));
    if (open[2] === 'ts') {
      let next = end + 1;
      while (next < lines.length && lines[next].trim() === '') next++;
      const output = /^\s*```(text|mermaid)\s*$/.exec(lines[next] ?? '');
      let expected;
      if (output !== null) {
        const close = lines.findIndex((l, j) => j > next && l.trim() === '```');
        expected = lines
          .slice(next + 1, close)
          .map((l) => l.slice(indent))
          .join('\n');
      }
      blocks.push({ file, line: i + 1, code: body.join('\n'), expected });
    }
    i = end;
  }
  return blocks;
}

const blocks = files.flatMap(blocksOf);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
blocks.forEach((b, n) => {
  b.name = `block-${String(n).padStart(3, '0')}.ts`;
  // Every block is a module of its own, so blocks never see each other's names.
  writeFileSync(join(work, b.name), `${b.code}\nexport {};\n`);
});
const compilerOptions = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'ESNext',
  moduleResolution: 'Bundler',
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  noEmit: true,
  // Fragments may leave a name unused; that is not what this check is about.
  noUnusedLocals: false,
};
function typecheck(withPrelude) {
  const include = ['block-*.ts', ...(withPrelude ? ['prelude.d.ts'] : [])];
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, include }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', work], {
    encoding: 'utf8',
  });
  const errors = new Map();
  for (const line of tsc.stdout.split('\n')) {
    const m = /(block-\d+\.ts)\((\d+),\d+\): (error .*)$/.exec(line);
    if (m === null) continue;
    const list = errors.get(m[1]) ?? [];
    list.push({ line: Number(m[2]), message: m[3] });
    errors.set(m[1], list);
  }
  return errors;
}
// The prelude: every value the packages export, as a global (fragments use them without an
// import), then the placeholders of docs/doc-prelude.d.ts.
const entries = [
  '@tta/agent-context',
  '@tta/primitives',
  '@tta/primitives/testing',
  '@tta/primitives/agents',
  '@tta/primitives/llm',
  '@tta/primitives/redis',
  '@tta/observability',
  '@tta/observability/setup',
];
const fromExamples = createRequire(join(root, 'examples', 'package.json'));
const globals = new Map();
for (const entry of entries) {
  for (const name of Object.keys(fromExamples(entry)))
    if (!globals.has(name)) globals.set(name, entry);
}
const generated = [...globals]
  .map(([name, entry]) => `  const ${name}: typeof import('${entry}').${name};`)
  .join('\n');
writeFileSync(
  join(work, 'prelude.d.ts'),
  `export {};\ndeclare global {\n${generated}\n}\n${readFileSync(join(root, 'docs/doc-prelude.d.ts'), 'utf8')}`,
);

const failures = [];
const withPrelude = typecheck(true);
for (const b of blocks) {
  for (const e of withPrelude.get(b.name) ?? [])
    failures.push(`${b.file}:${b.line + e.line}: does not compile: ${e.message}`);
}
// Self-contained blocks compile without the prelude: run them.
const standalone = typecheck(false);
let ran = 0;
for (const b of blocks) {
  if (withPrelude.has(b.name) || standalone.has(b.name)) continue;
  ran++;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(work, b.name)], {
    cwd: work,
    encoding: 'utf8',
    timeout: 30_000,
    // A block that starts a server never exits by itself. It is killed at the timeout (hard: a
    // SIGTERM handler in the block may wait on an exporter that cannot reach its collector) and
    // counts as run if it wrote no error by then.
    killSignal: 'SIGKILL',
    env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
  });
  const keptRunning = run.error?.code === 'ETIMEDOUT' && run.stderr.trim() === '';
  if (keptRunning) {
    console.log(`docs: ${b.file}:${b.line} kept running (a server): started without error`);
    continue;
  }
  if (run.status !== 0) {
    failures.push(
      `${b.file}:${b.line}: failed when run (${run.signal ?? `exit ${run.status}`}):\n${run.stderr.slice(0, 2000)}`,
    );
    continue;
  }
  if (b.expected !== undefined && run.stdout.trim() !== b.expected.trim()) {
    failures.push(
      `${b.file}:${b.line}: prints something else than the doc shows.\n--- the doc\n${b.expected.trim()}\n--- printed\n${run.stdout.trim()}`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
const summary = `docs: ${blocks.length} TypeScript blocks type-checked, ${ran} run`;
if (failures.length > 0) {
  console.error(`${failures.join('\n\n')}\n\n${summary}; ${failures.length} problem(s)`);
  process.exit(1);
}
console.log(`${summary}; all true (${relative(root, work)} removed)`);
