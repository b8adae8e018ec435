import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambda, sequential, type WorkflowPrimitive } from '@tta/primitives';
import {
  durable,
  InMemoryDurableStore,
  PostgresDurableStore,
  SqliteDurableStore,
} from '@tta/primitives/durable';
import { startPostgres } from '../../packages/primitives/test-integration/postgres-server.js';

// What durability costs: a 20-step workflow of trivial steps, run plainly and as a durable run;
// the difference per step is the journal write (plus the run's create and finish, spread over the
// steps). Throughput is durable steps per second from one process, runs one after another.

const STEPS = 20;
const RUNS = 300;

function chain(): WorkflowPrimitive<number, number> {
  return sequential(
    { name: 'bench' },
    ...Array.from({ length: STEPS }, () => lambda((n: number) => n + 1)),
  ) as WorkflowPrimitive<number, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

async function measure(name: string, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await run(-1 - i); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 0.5), p95: percentile(times, 0.95), total };
}

export async function durableCost(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tta-bench-durable-'));
  const sqlite = await SqliteDurableStore.open({ path: join(dir, 'bench.db') });
  try {
    const plain = chain();
    const inMemory = durable(chain(), { name: 'bench', store: new InMemoryDurableStore() });
    const onSqlite = durable(chain(), { name: 'bench', store: sqlite });
    const rows = [
      await measure('plain', () => plain.execute(0)),
      await measure('durable, in memory', (i) =>
        inMemory.start(0, { runId: `m${i}` }).then((r) => r.result()),
      ),
      await measure('durable, SQLite (WAL)', (i) =>
        onSqlite.start(0, { runId: `s${i}` }).then((r) => r.result()),
      ),
    ];
    // PostgreSQL on loopback with fsync on, started here when it is installed (skipped otherwise).
    const server = await startPostgres({ fsync: true }).catch(() => undefined);
    if (server !== undefined) {
      const pg = await PostgresDurableStore.open({ connectionString: server.url });
      try {
        await pg.migrate();
        const onPostgres = durable(chain(), { name: 'bench', store: pg });
        rows.push(
          await measure('durable, PostgreSQL (loopback)', (i) =>
            onPostgres.start(0, { runId: `p${i}` }).then((r) => r.result()),
          ),
        );
      } finally {
        await pg.close();
        await server.stop();
      }
    }
    const base = rows[0] as (typeof rows)[number];
    const lines = rows.map((r) => {
      const perStep = (r.p50 - base.p50) / STEPS;
      const stepsPerSecond = (RUNS * STEPS) / (r.total / 1000);
      return `| ${r.name} | ${r.p50.toFixed(3)} | ${r.p95.toFixed(3)} | ${r === base ? '—' : perStep.toFixed(3)} | ${stepsPerSecond.toFixed(0)} |`;
    });
    return [
      `Durable runs (${STEPS}-step workflow, ${RUNS} runs one after another):`,
      '| store | run p50 ms | run p95 ms | added ms per step (p50) | steps/s |',
      '|---|---:|---:|---:|---:|',
      ...lines,
    ].join('\n');
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
