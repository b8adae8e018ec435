#!/usr/bin/env node
// End-to-end release test: version and publish the packages with the real release commands to a
// local Verdaccio registry, then install each package on its own with plain npm in fresh projects
// and run small ESM and CommonJS programs against them, as users would.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const results = [];
const cleanups = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(
      `ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `\n     ${detail}` : ''}`,
    );
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `FAIL ${name}\n     ${String(error?.stderr || error?.message || error)
        .split('\n')
        .slice(0, 30)
        .join('\n     ')}`,
    );
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function run(command, args, options = {}) {
  const { stdout } = await exec(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
  return stdout;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const tmp = await mkdtemp(join(tmpdir(), 'tta-release-'));
cleanups.push(() => rm(tmp, { recursive: true, force: true }));
const upstream =
  (await run('npm', ['config', 'get', 'registry'])).trim() || 'https://registry.npmjs.org/';
const port = await freePort();
const registry = `http://127.0.0.1:${port}/`;

// 1. A local registry with a throwaway storage: our scope is served only from it, the rest proxied.
await step('start Verdaccio on loopback', async () => {
  await writeFile(join(tmp, 'htpasswd'), '');
  await writeFile(
    join(tmp, 'verdaccio.yaml'),
    [
      `storage: ${join(tmp, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(tmp, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks:',
      '  upstream:',
      `    url: ${upstream}`,
      '    timeout: 60s',
      'packages:',
      "  '@tta/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const verdaccio = spawn(
    join(root, 'node_modules/.bin/verdaccio'),
    ['--config', join(tmp, 'verdaccio.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.unshift(async () => {
    if (verdaccio.exitCode === null) {
      const exited = new Promise((resolve) => verdaccio.once('exit', resolve));
      verdaccio.kill('SIGTERM');
      await exited;
    }
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${registry}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return registry;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('Verdaccio did not answer /-/ping');
});

// 2. A publisher account and an .npmrc for the release.
let token;
await step('create a publisher account', async () => {
  const response = await fetch(`${registry}-/user/org.couchdb.user:releaser`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'releaser',
      password: 'release-test-password',
      type: 'user',
      roles: [],
    }),
  });
  const body = await response.json();
  assert(typeof body.token === 'string', `no token: ${JSON.stringify(body)}`);
  token = body.token;
});
const host = registry.replace(/^http:/, '');
const npmrc = `registry=${registry}\n${host}:_authToken=${token}\n`;

// 3. The repository as committed, versioned and released with the real commands.
const repo = join(tmp, 'repo');
const versions = {};
await step('pnpm version-packages (changesets)', async () => {
  await run('git', ['clone', '-q', root, repo]);
  await writeFile(join(repo, '.npmrc'), npmrc);
  await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: repo });
  await run('pnpm', ['version-packages'], { cwd: repo });
  for (const name of ['agent-context', 'primitives', 'observability']) {
    const pkg = JSON.parse(await readFile(join(repo, 'packages', name, 'package.json'), 'utf8'));
    versions[pkg.name] = pkg.version;
    const changelog = await readFile(join(repo, 'packages', name, 'CHANGELOG.md'), 'utf8');
    assert(
      changelog.includes(`## ${pkg.version}`),
      `${pkg.name}: CHANGELOG.md has no ${pkg.version} section`,
    );
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (dep.startsWith('@tta/'))
        assert(
          range === 'workspace:^',
          `${pkg.name}: ${dep} should stay workspace:^ in the repo (got ${range})`,
        );
    }
  }
  assert(versions['@tta/primitives'] !== '0.1.0', 'versions were not bumped');
  return Object.entries(versions)
    .map(([n, v]) => `${n}@${v}`)
    .join(', ');
});

await step('pnpm release (build + changeset publish) to the local registry', async () => {
  await run('pnpm', ['release'], {
    cwd: repo,
    env: { ...process.env, npm_config_registry: registry },
  });
  for (const [name, version] of Object.entries(versions)) {
    const manifest = await (await fetch(`${registry}${name.replace('/', '%2F')}`)).json();
    assert(manifest.versions?.[version] !== undefined, `${name}@${version} was not published`);
  }
});

// 4. What the tarballs hold, and their sizes.
await step('tarballs hold only what they should', async () => {
  const lines = [];
  for (const [name, version] of Object.entries(versions)) {
    const manifest = (await (await fetch(`${registry}${name.replace('/', '%2F')}`)).json())
      .versions[version];
    for (const [dep, range] of Object.entries({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
    })) {
      assert(
        !String(range).startsWith('workspace:'),
        `${name}: published ${dep} range is ${range}`,
      );
      if (dep.startsWith('@tta/'))
        assert(
          range === `^${versions[dep]}`,
          `${name}: ${dep} should be ^${versions[dep]}, got ${range}`,
        );
    }
    const dir = join(tmp, 'tarballs', name.replace('/', '-'));
    await mkdir(dir, { recursive: true });
    const tarball = Buffer.from(await (await fetch(manifest.dist.tarball)).arrayBuffer());
    await writeFile(join(dir, 'package.tgz'), tarball);
    const files = (await run('tar', ['-tzf', join(dir, 'package.tgz')]))
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    const unexpected = files.filter(
      (f) =>
        !/^(dist\/[^/]+\.(js|cjs|d\.ts|d\.cts)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(
          f,
        ),
    );
    assert(unexpected.length === 0, `${name}: unexpected files ${unexpected.join(', ')}`);
    assert(!files.some((f) => f.endsWith('.map')), `${name}: ships source maps`);
    const unpacked = (await run('tar', ['-tvzf', join(dir, 'package.tgz')]))
      .trim()
      .split('\n')
      .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[2] ?? 0), 0);
    lines.push(
      `${name}@${version}: ${files.length} files, ${(tarball.length / 1024).toFixed(1)} KiB packed, ${(unpacked / 1024).toFixed(1)} KiB unpacked`,
    );
  }
  return lines.join('\n     ');
});

// 5. Fresh projects, plain npm, one package at a time. The environment is cleaned of npm settings
// a parent (pnpm) passes down, so nothing overrides the project's registry.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)),
);
async function project(name, deps, files) {
  const dir = join(tmp, 'consumers', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.npmrc'), `registry=${registry}\n`);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${name}`, private: true, version: '0.0.0' }),
  );
  const install = [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `--registry=${registry}`,
  ];
  await run('npm', [...install, ...deps], { cwd: dir, env: cleanEnv });
  for (const [file, source] of Object.entries(files)) await writeFile(join(dir, file), source);
  const outputs = [];
  for (const file of Object.keys(files)) {
    outputs.push((await run(process.execPath, [file], { cwd: dir, env: cleanEnv })).trim());
  }
  return { dir, outputs };
}

const primitivesProgram = (kind) => `
${kind === 'esm' ? "import { lambda, parallel, RetryPrimitive, sequential, WorkflowContext } from '@tta/primitives';\nimport { MockPrimitive } from '@tta/primitives/testing';\nimport { AgentCoordinationPrimitive } from '@tta/primitives/agents';" : "const { lambda, parallel, RetryPrimitive, sequential, WorkflowContext } = require('@tta/primitives');\nconst { MockPrimitive } = require('@tta/primitives/testing');\nconst { AgentCoordinationPrimitive } = require('@tta/primitives/agents');"}
const flaky = new MockPrimitive({ returns: 'ok', failTimes: 1 });
const flow = sequential(lambda((s) => s.trim()), parallel(lambda((s) => s.length), new RetryPrimitive(flaky, { initialDelayMs: 0 })));
const panel = new AgentCoordinationPrimitive({ agents: { a: lambda(() => 1), b: lambda(() => 1) }, strategy: 'consensus' });
const ctx = WorkflowContext.create({ budget: { maxTokens: 100 } });
${kind === 'esm' ? '' : '(async () => {'}
const [length, retried] = await flow.execute('  hello  ', ctx);
const { output } = await panel.execute(null);
if (length !== 5 || retried !== 'ok' || output !== 1 || flaky.callCount !== 2) throw new Error('unexpected results');
console.log('${kind} ok', flow.name, length, retried);
${kind === 'esm' ? '' : '})().catch((e) => { console.error(e); process.exit(1); });'}
`;

await step(
  `@tta/primitives alone (no OpenTelemetry installed): ESM and CommonJS on Node ${process.version}`,
  async () => {
    const { dir, outputs } = await project(
      'primitives',
      [`@tta/primitives@${versions['@tta/primitives']}`],
      {
        'esm.mjs': primitivesProgram('esm'),
        'cjs.cjs': primitivesProgram('cjs'),
      },
    );
    const installed = (
      await run('npm', ['ls', '--all', '--parseable'], { cwd: dir, env: cleanEnv })
    ).split('\n');
    assert(
      !installed.some((p) => p.includes('@opentelemetry')),
      'OpenTelemetry was installed with @tta/primitives',
    );
    assert(
      !installed.some((p) => /node_modules\/(ioredis|openai|prom-client)$/.test(p)),
      'an optional peer was installed',
    );
    return outputs.join(' | ');
  },
);

await step('@tta/agent-context alone: ESM and CommonJS', async () => {
  const program = (kind) => `
${kind === 'esm' ? "import { ConversationMemory, WorkflowContext } from '@tta/agent-context';" : "const { ConversationMemory, WorkflowContext } = require('@tta/agent-context');"}
const ctx = WorkflowContext.fromHeaders({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
const memory = new ConversationMemory({ maxTokens: 50 });
memory.add({ role: 'user', content: 'hello' });
if (ctx.traceId !== '4bf92f3577b34da6a3ce929d0e0e4736' || memory.messages().length !== 1) throw new Error('unexpected');
console.log('${kind} ok', ctx.parentSpanId);
`;
  const { dir, outputs } = await project(
    'agent-context',
    [`@tta/agent-context@${versions['@tta/agent-context']}`],
    {
      'esm.mjs': program('esm'),
      'cjs.cjs': program('cjs'),
    },
  );
  const installed = (await run('npm', ['ls', '--all', '--parseable'], { cwd: dir, env: cleanEnv }))
    .trim()
    .split('\n');
  assert(
    installed.length === 2,
    `@tta/agent-context pulled in dependencies: ${installed.slice(1).join(', ')}`,
  );
  return outputs.join(' | ');
});

await step('@tta/observability with its peers: spans and /metrics, ESM and CommonJS', async () => {
  const program = (kind) => `
${kind === 'esm' ? "import { lambda, sequential } from '@tta/primitives';\nimport { setupObservability } from '@tta/observability/setup';\nimport { tracing } from '@opentelemetry/sdk-node';" : "const { lambda, sequential } = require('@tta/primitives');\nconst { setupObservability } = require('@tta/observability/setup');\nconst { tracing } = require('@opentelemetry/sdk-node');"}
${kind === 'esm' ? '' : '(async () => {'}
const spans = new tracing.InMemorySpanExporter();
const handle = await setupObservability({ serviceName: 'consumer', prometheus: { port: 0, host: '127.0.0.1' }, spanProcessors: [new tracing.SimpleSpanProcessor(spans)] });
await sequential(lambda((x) => x + 1, { name: 'a' }), lambda((x) => x * 2, { name: 'b' })).execute(1);
const text = await (await fetch(handle.metricsUrl)).text();
await handle.forceFlush();
if (!text.includes('tta_primitive_executions_total{primitive_type="lambda",primitive_name="a",status="success"')) throw new Error('metric missing:\\n' + text);
if (spans.getFinishedSpans().length !== 3) throw new Error('expected 3 spans, got ' + spans.getFinishedSpans().length);
const names = spans.getFinishedSpans().map((s) => s.name).sort().join(',');
await handle.shutdown();
console.log('${kind} ok', names);
${kind === 'esm' ? '' : '})().catch((e) => { console.error(e); process.exit(1); });'}
`;
  const { outputs } = await project(
    'observability',
    [
      `@tta/observability@${versions['@tta/observability']}`,
      `@tta/primitives@${versions['@tta/primitives']}`,
      '@opentelemetry/sdk-node@0.223.0',
      '@opentelemetry/exporter-prometheus@0.223.0',
    ],
    { 'esm.mjs': program('esm'), 'cjs.cjs': program('cjs') },
  );
  return outputs.join(' | ');
});

for (const cleanup of cleanups) await cleanup().catch(() => {});
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`release: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
