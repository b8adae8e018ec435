import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../packages/primitives/test-integration/redis-server.js';

const children: ChildProcess[] = [];
let dir: string | undefined;

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Starts a process and resolves once a line of its output matches. */
function start(
  command: string,
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`${command} not ready after 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error(`${command} is not installed (Debian: apt-get install prometheus)`)
          : error,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
}

it('a real Prometheus scrapes the demo and its HTTP API returns tta_primitive_executions_total', async () => {
  const metricsPort = await freePort();
  const prometheusPort = await freePort();
  dir = await mkdtemp(join(tmpdir(), 'tta-prometheus-'));

  const examples = fileURLToPath(new URL('..', import.meta.url));
  await start(
    process.execPath,
    ['--import', 'tsx', 'src/demo.ts', '--observe', '--serve'],
    /Serving:/,
    {
      cwd: examples,
      env: { ...process.env, TTA_METRICS_PORT: String(metricsPort), TTA_METRICS_HOST: '127.0.0.1' },
    },
  );

  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: tta-demo',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${metricsPort}']`,
      '',
    ].join('\n'),
  );
  await start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ],
    /Server is ready to receive web requests/,
  );

  const query = `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent('tta_primitive_executions_total')}`;
  type Result = { metric: Record<string, string>; value: [number, string] };
  let results: Result[] = [];
  const deadline = Date.now() + 30_000;
  while (results.length === 0 && Date.now() < deadline) {
    const body = (await (await fetch(query)).json()) as {
      status: string;
      data: { result: Result[] };
    };
    expect(body.status).toBe('success');
    results = body.data.result;
    if (results.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(results.length).toBeGreaterThan(0);
  const router = results.find(
    (r) => r.metric.primitive_type === 'router' && r.metric.status === 'success',
  );
  expect(router?.metric).toMatchObject({ job: 'tta-demo', primitive_name: 'route-by-intent' });
  expect(Number(router?.value[1])).toBeGreaterThanOrEqual(3);
}, 90_000);
