import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowContext } from '@tta/agent-context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durable } from '../src/durable/index.js';
import type { WorkflowPrimitive } from '../src/index.js';
import { expenseWorkflow, openStore } from './fixtures/durable-expense.js';
import { MATRIX_EFFECTS, matrixWorkflow } from './fixtures/durable-matrix.js';
import { type PostgresServer, startPostgres } from './postgres-server.js';

// Issue 14: a durable run killed with SIGKILL inside each of its steps, resumed by another
// process, ends with the same output; completed steps never run again (counted by their side
// effects), the interrupted one runs at most twice; two processes recovering the same runs at once
// drive each once. On SQLite and on PostgreSQL.

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/durable-expense.ts', import.meta.url));
const matrixFixture = fileURLToPath(new URL('./fixtures/durable-matrix.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tta-durable-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a fixture in a child process that must end killed by SIGKILL (the crash under test). */
async function runUntilKilled(script: string, args: string[]): Promise<void> {
  const killed = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd }).catch(
    (error: { signal?: string }) => error,
  );
  expect((killed as { signal?: string }).signal).toBe('SIGKILL');
}

const STEPS = ['draft', 'review', 'approve', 'pay'];
const EXPECTED = ((1 + 1) * 2 + 100) * 10; // what an uninterrupted run returns

function crashSuite(suite: string, target: (label: string) => string) {
  describe('a durable run survives SIGKILL', () => {
    it('uninterrupted: every step once', async () => {
      const db = target('clean');
      const effects = join(dir, `${suite}-clean.log`);
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', fixture, db, effects, 'clean'],
        { cwd },
      );
      expect(JSON.parse(stdout)).toBe(EXPECTED);
      expect(readFileSync(effects, 'utf8').trim().split('\n')).toEqual(STEPS);
    });

    it.each(STEPS)('killed inside %s, resumed by another process', async (crashIn) => {
      const db = target(crashIn);
      const effects = join(dir, `${suite}-${crashIn}.log`);
      await runUntilKilled(fixture, [db, effects, crashIn, crashIn]);
      const store = await openStore(db);
      try {
        // The same worker, restarted: it takes its run back without waiting for the lease.
        const flow = durable(expenseWorkflow(effects), {
          name: 'expense',
          store,
          workerId: 'expense-worker',
        });
        expect((await flow.get(crashIn)).status).toBe('running');
        expect(await (await flow.resume(crashIn)).result()).toBe(EXPECTED);
        expect((await flow.get(crashIn)).status).toBe('completed');
      } finally {
        await store.close();
      }
      const ran = readFileSync(effects, 'utf8').trim().split('\n');
      const at = STEPS.indexOf(crashIn);
      // Steps before the crash once, the interrupted one twice (it never finished), the rest once.
      expect(ran).toEqual([...STEPS.slice(0, at + 1), ...STEPS.slice(at)]);
    });
  });

  describe('two processes recovering the same runs at once', () => {
    it('each run is driven by one of them: every step of every run ran once', async () => {
      const db = target('race');
      const effects = join(dir, `${suite}-race.log`);
      const store = await openStore(db);
      const labelled = durable(expenseWorkflow(effects), { name: 'expense', store });
      const runIds = Array.from({ length: 12 }, (_, i) => `race-${i}`);
      const now = Date.now();
      // Runs a dead worker left behind: running, lease long expired.
      for (const runId of runIds)
        await store.createRun({
          runId,
          workflow: 'expense',
          version: '1',
          fingerprint: labelled.fingerprint,
          status: 'running',
          input: '1',
          context: JSON.stringify(WorkflowContext.create({ workflowId: runId }).toJSON()),
          owner: 'dead-worker',
          leaseUntil: now - 60_000,
          fence: 1,
          createdAt: now,
          updatedAt: now,
        });
      await store.close();
      const recoverers = ['w-1', 'w-2'].map((worker) =>
        run(process.execPath, ['--import', 'tsx', fixture, db, effects, '--recover', worker], {
          cwd,
        }),
      );
      const outputs = (await Promise.all(recoverers)).map((r) => JSON.parse(r.stdout) as string[]);
      expect(outputs.flat().sort()).toEqual([...runIds].sort()); // each run recovered exactly once
      const check = await openStore(db);
      try {
        const flow = durable(expenseWorkflow(effects), { name: 'expense', store: check });
        for (const runId of runIds) expect((await flow.get(runId)).status).toBe('completed');
      } finally {
        await check.close();
      }
      const lines = readFileSync(effects, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(runIds.length * STEPS.length); // 0 double executions
      expect(new Set(lines).size).toBe(lines.length);
    });
  });
}

describe('on SQLite', () => {
  crashSuite('sqlite', (label) => join(dir, `${label}.db`));
});

describe('on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  // One database for the suite: the tests' run ids differ.
  crashSuite('postgres', () => (server as PostgresServer).url);
});

// The crash matrix: the 10-leaf workflow (sequence, parallel, router, retry around a flaky step,
// saga pair, cache) killed at every leaf boundary and inside every leaf, then resumed by the same
// worker restarted. Completed steps (journaled before the kill) never run again; a step in flight
// at the kill runs at most twice; the output is the uninterrupted one.
function matrixSuite(suite: string, target: (label: string) => string) {
  const UNINTERRUPTED = 'R101:101:true';
  const count = (effects: string[], run: string) => {
    const counts = new Map<string, number>();
    for (const line of effects) {
      const [who, step] = line.split(':') as [string, string];
      if (who === run) counts.set(step, (counts.get(step) ?? 0) + 1);
    }
    return counts;
  };
  const expected = count(
    MATRIX_EFFECTS.map((s) => `x:${s}`),
    'x',
  );
  const names = new Map<string, string>(); // leaf path → name
  const visit = (p: WorkflowPrimitive<unknown, unknown>) => {
    if (p.isLeaf) names.set(p.path, p.name);
    for (const child of p.children) visit(child);
  };
  visit(matrixWorkflow('/dev/null') as WorkflowPrimitive<unknown, unknown>);

  const points = Array.from({ length: MATRIX_EFFECTS.length }, (_, i) => [
    `before:${i + 1}`,
    `inside:${i + 1}`,
  ]).flat();
  it.each(points)(
    'killed %s, resumed: same output, completed steps not run again',
    async (kill) => {
      const runId = `m-${kill.replace(':', '-')}`;
      const db = target(runId);
      const effects = join(dir, `${suite}-${runId}.log`);
      await runUntilKilled(matrixFixture, [db, effects, runId, kill]);
      const store = await openStore(db);
      try {
        const flow = durable(matrixWorkflow(effects), {
          name: 'matrix',
          store,
          workerId: 'matrix-worker',
        });
        const journaled = new Set(
          (await flow.get(runId)).steps
            .filter((s) => s.status === 'completed')
            .map((s) => names.get(s.path)),
        );
        expect(await (await flow.resume(runId)).result()).toBe(UNINTERRUPTED);
        const counts = count(readFileSync(effects, 'utf8').split('\n').filter(Boolean), runId);
        for (const [step, times] of expected) {
          const got = counts.get(step) ?? 0;
          if (journaled.has(step) && step !== 'flaky')
            expect(got, `${step} (completed before the kill)`).toBe(times);
          else {
            expect(got, `${step}`).toBeGreaterThanOrEqual(1);
            expect(got, `${step} ran at most twice per execution`).toBeLessThanOrEqual(times + 1);
          }
        }
      } finally {
        await store.close();
      }
    },
  );
}

describe('crash matrix on SQLite', () => {
  matrixSuite('sqlite', (label) => join(dir, `${label}.db`));
});

describe('crash matrix on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  matrixSuite('postgres', () => (server as PostgresServer).url);
});
