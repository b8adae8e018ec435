import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowContext } from '@tta/agent-context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durable } from '../src/durable/index.js';
import { expenseWorkflow, openStore } from './fixtures/durable-expense.js';
import { type PostgresServer, startPostgres } from './postgres-server.js';

// Issue 14: a durable run killed with SIGKILL inside each of its steps, resumed by another
// process, ends with the same output; completed steps never run again (counted by their side
// effects), the interrupted one runs at most twice; two processes recovering the same runs at once
// drive each once. On SQLite and on PostgreSQL.

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/durable-expense.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tta-durable-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
      const killed = await run(
        process.execPath,
        ['--import', 'tsx', fixture, db, effects, crashIn, crashIn],
        {
          cwd,
        },
      ).catch((error: { signal?: string }) => error);
      expect((killed as { signal?: string }).signal).toBe('SIGKILL');
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
