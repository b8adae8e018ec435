import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableStore, RunRecord } from '../../src/durable/index.js';

/** Two handles on one backend (one store, or two connections to one database), and a cleanup. */
export interface DurableStoreEnv {
  a: DurableStore;
  b: DurableStore;
  cleanup(): Promise<void>;
}

const run = (runId: string, over: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  workflow: 'wf',
  version: '1',
  fingerprint: 'f1',
  status: 'running',
  fence: 0,
  input: '"in"',
  context: '{}',
  createdAt: 1000,
  updatedAt: 1000,
  ...over,
});

/** The behaviour every DurableStore promises. */
export function durableStoreContract(name: string, make: () => Promise<DurableStoreEnv>) {
  describe(`${name} (DurableStore contract)`, () => {
    let env: DurableStoreEnv;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(async () => {
      await env.cleanup();
    });

    it('creates a run once: the same id returns the first run, from any handle', async () => {
      expect(await env.a.createRun(run('r1'))).toEqual({ created: true, run: run('r1') });
      const again = await env.b.createRun(run('r1', { input: '"other"' }));
      expect(again).toEqual({ created: false, run: run('r1') });
      expect(await env.b.getRun('r1')).toEqual(run('r1'));
      expect(await env.a.getRun('missing')).toBeUndefined();
    });

    it('finishes a run with its status and output or error', async () => {
      await env.a.createRun(run('r2'));
      await env.b.finishRun('r2', { status: 'completed', output: '42', updatedAt: 2000 });
      expect(await env.a.getRun('r2')).toMatchObject({
        status: 'completed',
        output: '42',
        updatedAt: 2000,
      });
      await env.b.finishRun('r2', { status: 'failed', error: '"boom"', updatedAt: 3000 });
      const failed = await env.a.getRun('r2');
      expect(failed).toMatchObject({ status: 'failed', error: '"boom"' });
      expect(failed?.output).toBeUndefined();
    });

    it('keeps a journal per run in the order written; the first record of a step wins', async () => {
      await env.a.createRun(run('r3'));
      await env.a.createRun(run('r4'));
      const step = (path: string, seq: number, value: string) => ({
        path,
        seq,
        status: 'completed' as const,
        value,
        startedAt: 1,
        endedAt: 2,
      });
      await env.a.appendStep('r3', step('wf/1', 0, '"a"'));
      await env.b.appendStep('r3', step('wf/2', 0, '"b"'));
      await env.a.appendStep('r3', step('wf/2', 1, '"c"'));
      await env.b.appendStep('r3', step('wf/2', 0, '"duplicate"'));
      await env.a.appendStep('r4', step('wf/1', 0, '"other run"'));
      expect((await env.b.getSteps('r3')).map((s) => [s.path, s.seq, s.value])).toEqual([
        ['wf/1', 0, '"a"'],
        ['wf/2', 0, '"b"'],
        ['wf/2', 1, '"c"'],
      ]);
      expect(await env.a.getSteps('r4')).toHaveLength(1);
      expect(await env.a.getSteps('none')).toEqual([]);
    });

    it('lists runs by workflow and status, a page at a time', async () => {
      for (let i = 0; i < 5; i++) await env.a.createRun(run(`p${i}`, { createdAt: 1000 + i }));
      await env.a.createRun(run('x', { workflow: 'other' }));
      await env.b.finishRun('p1', { status: 'completed', output: '1', updatedAt: 5 });
      const first = await env.b.listRuns({ workflow: 'wf', limit: 2 });
      expect(first.runs.map((r) => r.runId)).toEqual(['p0', 'p1']);
      const second = await env.b.listRuns({ workflow: 'wf', limit: 2, cursor: first.cursor });
      expect(second.runs.map((r) => r.runId)).toEqual(['p2', 'p3']);
      const third = await env.b.listRuns({ workflow: 'wf', limit: 2, cursor: second.cursor });
      expect(third).toMatchObject({ cursor: undefined });
      expect(third.runs.map((r) => r.runId)).toEqual(['p4']);
      const running = await env.a.listRuns({ workflow: 'wf', status: 'running' });
      expect(running.runs.map((r) => r.runId)).toEqual(['p0', 'p2', 'p3', 'p4']);
    });

    it('keeps signals per run and name in arrival order, across handles', async () => {
      await env.a.createRun(run('s1'));
      expect(await env.a.appendSignal('s1', 'approval', '"yes"', 10)).toBe(0);
      expect(await env.b.appendSignal('s1', 'approval', '"again"', 11)).toBe(1);
      expect(await env.b.appendSignal('s1', 'comment', '"hi"', 12)).toBe(0);
      expect(await env.a.getSignals('s1', 'approval')).toEqual(['"yes"', '"again"']);
      expect(await env.a.getSignals('s1', 'comment')).toEqual(['"hi"']);
      expect(await env.a.getSignals('s1', 'none')).toEqual([]);
      expect(await env.a.getSignals('other', 'approval')).toEqual([]);
    });

    it('suspends a run with what it waits for, and lists the ones due to wake', async () => {
      await env.a.createRun(run('w1'));
      await env.a.createRun(run('w2'));
      await env.a.createRun(run('w3'));
      const wait = { waitingFor: 'wf/2#0:approval', waitStartedAt: 100 };
      await env.b.finishRun('w1', { status: 'suspended', ...wait, wakeAt: 500, updatedAt: 100 });
      await env.b.finishRun('w2', { status: 'suspended', ...wait, wakeAt: 900, updatedAt: 100 });
      await env.b.finishRun('w3', { status: 'suspended', ...wait, updatedAt: 100 });
      expect(await env.a.getRun('w1')).toMatchObject({ status: 'suspended', ...wait, wakeAt: 500 });
      const due = await env.a.listRuns({ workflow: 'wf', dueBy: 600 });
      expect(due.runs.map((r) => r.runId)).toEqual(['w1']);
      await env.a.finishRun('w1', { status: 'running', updatedAt: 700 });
      const resumed = await env.b.getRun('w1');
      expect(resumed?.waitingFor).toBeUndefined();
      expect(resumed?.wakeAt).toBeUndefined();
    });

    it('leases: one owner at a time, taken over after expiry, writes fenced by the latest claim', async () => {
      await env.a.createRun(run('l1'));
      const first = await env.a.claimRun('l1', { owner: 'w1', now: 1000, leaseMs: 500 });
      expect(first).toBe(1);
      expect(await env.b.claimRun('l1', { owner: 'w2', now: 1200, leaseMs: 500 })).toBeUndefined();
      expect(await env.a.claimRun('l1', { owner: 'w1', now: 1200, leaseMs: 500 })).toBe(2); // its own
      expect(await env.a.renewLease('l1', 'w1', 2, 2000)).toBe(true);
      expect(await env.b.claimRun('l1', { owner: 'w2', now: 1900, leaseMs: 500 })).toBeUndefined();
      const taken = await env.b.claimRun('l1', { owner: 'w2', now: 2001, leaseMs: 500 });
      expect(taken).toBe(3);
      expect(await env.a.renewLease('l1', 'w1', 2, 3000)).toBe(false);
      const step = {
        path: 'wf/1',
        seq: 0,
        status: 'completed' as const,
        value: '1',
        startedAt: 1,
        endedAt: 2,
      };
      expect(await env.a.appendStep('l1', step, 2)).toBe(false); // the old owner is fenced out
      expect(await env.a.getSteps('l1')).toEqual([]);
      expect(await env.b.appendStep('l1', step, 3)).toBe(true);
      expect(
        await env.a.finishRun('l1', { status: 'completed', output: '1', updatedAt: 5 }, 2),
      ).toBe(false);
      expect(
        await env.b.finishRun('l1', { status: 'completed', output: '1', updatedAt: 5 }, 3),
      ).toBe(true);
      expect(await env.a.getRun('l1')).toMatchObject({ status: 'completed', owner: undefined });
      expect(await env.a.claimRun('l1', { owner: 'w1', now: 9999, leaseMs: 500 })).toBeUndefined(); // ended
    });

    it('lists running runs whose lease expired, and a worker’s own runs', async () => {
      await env.a.createRun(run('o1', { owner: 'dead', leaseUntil: 100, fence: 1 }));
      await env.a.createRun(run('o2', { owner: 'alive', leaseUntil: 10_000, fence: 1 }));
      await env.a.createRun(run('o3'));
      const stale = await env.b.listRuns({ workflow: 'wf', staleBy: 500 });
      expect(stale.runs.map((r) => r.runId).sort()).toEqual(['o1', 'o3']);
      const own = await env.b.listRuns({ workflow: 'wf', owner: 'alive' });
      expect(own.runs.map((r) => r.runId)).toEqual(['o2']);
    });

    it('deletes the runs of a workflow that ended before a time, with their journals and signals', async () => {
      const step = {
        path: 'wf/1',
        seq: 0,
        status: 'completed' as const,
        value: '1',
        startedAt: 1,
        endedAt: 2,
      };
      for (const id of ['d1', 'd2', 'd3', 'd4']) {
        await env.a.createRun(run(id));
        await env.a.appendStep(id, step);
        await env.a.appendSignal(id, 'x', '1', 1);
      }
      await env.a.createRun(run('d5', { workflow: 'other' }));
      await env.a.finishRun('d1', { status: 'completed', output: '1', updatedAt: 100 });
      await env.a.finishRun('d2', { status: 'failed', error: '1', updatedAt: 100 });
      await env.a.finishRun('d3', { status: 'completed', output: '1', updatedAt: 900 });
      await env.a.finishRun('d5', { status: 'completed', output: '1', updatedAt: 100 });
      expect(await env.b.deleteRuns('wf', 500)).toBe(2);
      expect(await env.a.getRun('d1')).toBeUndefined();
      expect(await env.a.getSteps('d1')).toEqual([]);
      expect(await env.a.getSignals('d2', 'x')).toEqual([]);
      expect(await env.a.getRun('d3')).toBeDefined(); // ended later
      expect(await env.a.getRun('d4')).toBeDefined(); // still running
      expect(await env.a.getRun('d5')).toBeDefined(); // another workflow
    });
  });
}
