import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONVERSATION, ConversationMemory } from '@tta/agent-context';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApprovalRejectedError,
  approval,
  CorruptJournalError,
  DurableRunRequiredError,
  DurableValueError,
  durable,
  durableSleep,
  InMemoryDurableStore,
  JSON_CODEC,
  RunNotFoundError,
  RunStateError,
  recoverRuns,
  runVersion,
  SignalPayloadError,
  SignalTimeoutError,
  SqliteDurableStore,
  structureFingerprint,
  WorkflowVersionMismatchError,
  waitForSignal,
} from '../src/durable/index.js';
import {
  CompensationPrimitive,
  ConditionalPrimitive,
  enableStepInterceptors,
  lambda,
  parallel,
  RetryPrimitive,
  RouterPrimitive,
  STEP_INTERCEPTOR,
  sequential,
  WorkflowContext,
} from '../src/index.js';
import { OpenAIChatPrimitive } from '../src/llm/index.js';
import { createFakeLLMServer } from '../src/testing/index.js';
import { durableStoreContract } from './contracts/durable-store.js';

// One worker name for the whole file: a "new process" in these tests is this worker restarted.
const W = { workerId: 'test-worker' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tta-durable-'));
  dirs.push(dir);
  return join(dir, 'runs.db');
}

durableStoreContract('InMemoryDurableStore', async () => {
  const store = new InMemoryDurableStore();
  return { a: store, b: store, cleanup: async () => {} };
});

durableStoreContract('SqliteDurableStore (two connections to one file)', async () => {
  const path = tempDb();
  const [a, b] = [await SqliteDurableStore.open({ path }), await SqliteDurableStore.open({ path })];
  return { a, b, cleanup: async () => Promise.all([a.close(), b.close()]).then(() => {}) };
});

describe('JSON_CODEC', () => {
  it('round-trips what JSON loses', () => {
    const value = {
      at: new Date('2026-11-29T10:00:00.000Z'),
      big: 12345678901234567890n,
      tags: new Set(['a', 'b']),
      byId: new Map<unknown, unknown>([
        [1, { x: undefined }],
        ['k', [Number.NaN, -0, Number.POSITIVE_INFINITY]],
      ]),
      nothing: undefined,
      tricky: { $tta: 'Date', v: 'not a date' },
      __proto__key: JSON.parse('{"__proto__": {"polluted": true}}'),
    };
    const back = JSON_CODEC.decode(JSON_CODEC.encode(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.tricky).toEqual({ $tta: 'Date', v: 'not a date' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.is((back.byId.get('k') as number[])[1], -0)).toBe(true);
  });

  it('keeps an error’s name, message, cause and own data', () => {
    const error = Object.assign(new RangeError('too far', { cause: new Error('root') }), {
      code: 'E42',
    });
    const back = JSON_CODEC.decode(JSON_CODEC.encode(error)) as Error & { code?: string };
    expect(back).toBeInstanceOf(Error);
    expect([back.name, back.message, back.code]).toEqual(['RangeError', 'too far', 'E42']);
    expect((back.cause as Error).message).toBe('root');
  });

  it('refuses what it cannot store, naming it', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => JSON_CODEC.encode(() => 1)).toThrow(/function cannot be stored/);
    expect(() => JSON_CODEC.encode(Symbol('s'))).toThrow(/symbol/);
    expect(() => JSON_CODEC.encode(new (class Point {})())).toThrow(/Point instance/);
    expect(() => JSON_CODEC.encode(cyclic)).toThrow(/cycle/);
    expect(() => JSON_CODEC.decode('{"$tta":"Nope"}')).toThrow(TypeError);
    expect(() => JSON_CODEC.decode('{"$tta":"BigInt","v":"1.5"}')).toThrow(TypeError);
  });
});

describe('step interceptors', () => {
  it('stand in for steps of the run whose context carries one, and cost nothing elsewhere', async () => {
    const seen: string[] = [];
    const flow = sequential(
      { name: 'f' },
      lambda((x: number) => x + 1),
      lambda((x: number) => x * 10),
    );
    const release = enableStepInterceptors();
    try {
      const ctx = WorkflowContext.create().withValue(STEP_INTERCEPTOR, async (info, run) => {
        seen.push(String(info.primitive.path));
        return info.primitive.path === 'f/2' ? 99 : run();
      });
      expect(await flow.execute(1, ctx)).toBe(99);
      expect(await flow.execute(1)).toBe(20); // no interceptor on this run's context
    } finally {
      release();
    }
    expect(seen).toEqual(['f', 'f/1', 'f/2']);
  });
});

/** A 3-step workflow whose steps count their real runs; `gate` can hold step 2. */
function counted() {
  const runs = { a: 0, b: 0, c: 0 };
  let hold: Promise<void> | undefined;
  const workflow = sequential(
    { name: 'expense' },
    lambda(async (n: number) => {
      runs.a++;
      return n + 1;
    }),
    lambda(async (n: number) => {
      runs.b++;
      if (hold !== undefined) await hold;
      return n * 2;
    }),
    lambda(async (n: number) => {
      runs.c++;
      return `total ${n}`;
    }),
  );
  return {
    runs,
    workflow,
    holdStep2: () => {
      hold = new Promise<void>(() => {}); // a process that dies here never finishes step 2
    },
    releaseStep2: () => {
      hold = undefined;
    },
  };
}

describe('durable runs', () => {
  it('runs, journals every leaf step, and reports the run', async () => {
    const store = new InMemoryDurableStore();
    const { workflow, runs } = counted();
    const flow = durable(workflow, { name: 'expense', store, ...W });
    const run = await flow.start(4, { runId: 'r-1' });
    expect(await run.result()).toBe('total 10');
    const info = await flow.get('r-1');
    expect(info).toMatchObject({ status: 'completed', input: 4, output: 'total 10', version: '1' });
    expect(info.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(info.steps.map((s) => [s.path, s.seq, s.status])).toEqual([
      ['expense/1', 0, 'completed'],
      ['expense/2', 0, 'completed'],
      ['expense/3', 0, 'completed'],
    ]);
    expect(runs).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('a run id is an idempotency key: starting it again returns the run and runs nothing', async () => {
    const store = new InMemoryDurableStore();
    const { workflow, runs } = counted();
    const flow = durable(workflow, { name: 'expense', store, ...W });
    await (await flow.start(4, { runId: 'same' })).result();
    const again = await flow.start(4, { runId: 'same' });
    expect(again.created).toBe(false);
    expect(await again.result()).toBe('total 10');
    expect(runs).toEqual({ a: 1, b: 1, c: 1 });
    const other = durable(
      lambda((x: number) => x),
      { name: 'other', store, ...W },
    );
    await expect(other.start(1, { runId: 'same' })).rejects.toBeInstanceOf(RunStateError);
  });

  it('resumes after the process died mid-step: completed steps answer from the journal', async () => {
    const store = new InMemoryDurableStore();
    const first = counted();
    first.holdStep2();
    await durable(first.workflow, { name: 'expense', store, ...W }).start(4, { runId: 'crash' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(first.runs).toEqual({ a: 1, b: 1, c: 0 }); // "dies" inside step 2
    // A new process: a new workflow instance, the same store.
    const second = counted();
    const flow = durable(second.workflow, { name: 'expense', store, ...W });
    expect((await flow.get('crash')).status).toBe('running');
    expect(await (await flow.resume('crash')).result()).toBe('total 10');
    expect(second.runs).toEqual({ a: 0, b: 1, c: 1 }); // step 1 was not run again
    expect((await flow.get('crash')).status).toBe('completed');
  });

  it('replays a retried step’s failed attempts and its success without running it', async () => {
    const store = new InMemoryDurableStore();
    let calls = 0;
    const flaky = lambda(async (n: number) => {
      calls++;
      if (calls < 3) throw new Error(`attempt ${calls} failed`);
      return n + 1;
    });
    const make = () =>
      sequential(
        { name: 'retrying' },
        new RetryPrimitive(flaky, { maxRetries: 3, initialDelayMs: 0, jitter: false }),
        lambda((n: number) => n * 100),
      );
    const flow = durable(make(), { name: 'retrying', store, ...W });
    expect(await (await flow.start(1, { runId: 'r' })).result()).toBe(200);
    expect((await flow.get('r')).steps.map((s) => s.status)).toEqual([
      'failed',
      'failed',
      'completed',
      'completed',
    ]);
    // Resuming the finished run runs nothing; a fresh resume of a copy of its journal neither.
    calls = 0;
    const copy = durable(make(), { name: 'retrying', store, ...W });
    await store.finishRun('r', { status: 'running', updatedAt: Date.now() });
    expect(await (await copy.resume('r')).result()).toBe(200);
    expect(calls).toBe(0);
  });

  it('a failed run resumes by running its failed step again', async () => {
    const store = new InMemoryDurableStore();
    let broken = true;
    const flow = durable(
      sequential(
        { name: 'f' },
        lambda((n: number) => n + 1),
        lambda((n: number) => {
          if (broken) throw new Error('downstream is down');
          return n * 2;
        }),
      ),
      { name: 'f', store, ...W },
    );
    const run = await flow.start(1, { runId: 'fails' });
    await expect(run.result()).rejects.toThrow('downstream is down');
    const failed = await flow.get('fails');
    expect(failed.status).toBe('failed');
    expect((failed.error as Error).message).toBe('downstream is down');
    broken = false;
    expect(await (await flow.resume('fails')).result()).toBe(4);
  });

  it('a value that cannot be stored fails the step that produced it, naming it', async () => {
    const flow = durable(
      sequential(
        { name: 'v' },
        lambda((n: number) => n),
        lambda(() => () => 'a function'),
      ),
      { name: 'v', store: new InMemoryDurableStore() },
    );
    const error = await (await flow.start(1)).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DurableValueError);
    expect(error).toMatchObject({ step: 'v/2' });
    await expect(flow.start(Symbol('x') as never)).rejects.toMatchObject({
      name: 'DurableValueError',
      step: 'input',
    });
  });

  it('cancel stops a run this process is running; get and list report it', async () => {
    const store = new InMemoryDurableStore();
    const { workflow, holdStep2 } = counted();
    holdStep2();
    const flow = durable(workflow, { name: 'expense', store, ...W });
    const run = await flow.start(1, { runId: 'c' });
    await flow.start(2, { runId: 'd' });
    await flow.cancel('c');
    await expect(run.result()).rejects.toThrow();
    expect((await flow.get('c')).status).toBe('cancelled');
    const listed = await flow.list();
    expect(listed.runs.map((r) => [r.runId, r.status])).toEqual([
      ['c', 'cancelled'],
      ['d', 'running'],
    ]);
    await flow.cancel('d');
    await expect(flow.get('nope')).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('keeps the context: ids, metadata and baggage come back on resume', async () => {
    const store = new InMemoryDurableStore();
    const seen: unknown[] = [];
    let hold: Promise<void> | undefined = new Promise<void>(() => {});
    const make = () =>
      sequential(
        { name: 'ctx' },
        lambda(async (n: number, ctx: WorkflowContext) => {
          seen.push([ctx.workflowId, ctx.baggage.tenant, ctx.traceId]);
          if (hold !== undefined) await hold;
          return n;
        }),
      );
    const ctx = WorkflowContext.create({ workflowId: 'wf-9', baggage: { tenant: 'acme' } });
    await durable(make(), { name: 'ctx', store, ...W }).start(1, { runId: 'k', context: ctx });
    hold = undefined;
    await (await durable(make(), { name: 'ctx', store, ...W }).resume('k')).result();
    expect(seen).toEqual([
      ['wf-9', 'acme', ctx.traceId],
      ['wf-9', 'acme', ctx.traceId],
    ]);
  });

  it('a corrupt journal row is a typed error naming the run and the step', async () => {
    const store = new InMemoryDurableStore();
    const now = Date.now();
    const flow = durable(
      sequential(
        { name: 'j' },
        lambda((n: number) => n),
      ),
      { name: 'j', store, ...W },
    );
    await store.createRun({
      runId: 'bad',
      workflow: 'j',
      version: '1',
      fingerprint: flow.fingerprint,
      status: 'running',
      input: '1',
      context: JSON.stringify(WorkflowContext.create().toJSON()),
      createdAt: now,
      updatedAt: now,
    });
    // A value the codec did not write.
    await store.appendStep('bad', {
      path: 'j/1',
      seq: 0,
      status: 'completed',
      value: '{"$tta":"Nope"}',
      startedAt: now,
      endedAt: now,
    });
    const error = await (await flow.resume('bad')).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptJournalError);
    expect(error).toMatchObject({ runId: 'bad', step: 'j/1' });
  });
});

describe('durable runs and workflow versions', () => {
  const held = () => new Promise<void>(() => {});
  const v1 = (hold: boolean) =>
    sequential(
      { name: 'exp' },
      lambda((n: number) => n + 1),
      lambda(async (n: number) => {
        if (hold) await held();
        return n * 2;
      }),
    );

  it('refuses to resume under a changed structure of the same version; the run stays as it was', async () => {
    const store = new InMemoryDurableStore();
    await durable(v1(true), { name: 'exp', store, ...W }).start(1, { runId: 'old' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = sequential(
      { name: 'exp' },
      lambda((n: number) => n + 1),
      lambda((n: number) => n), // a step added in the middle
      lambda((n: number) => n * 2),
    );
    const newCode = durable(changed, { name: 'exp', store, ...W });
    const error = await newCode.resume('old').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowVersionMismatchError);
    expect(error).toMatchObject({ runId: 'old', runVersion: '1', version: '1' });
    const untouched = await newCode.get('old');
    expect([untouched.status, untouched.steps.length]).toEqual(['running', 1]);
    // The code it started with can still finish it.
    expect(
      await (await durable(v1(false), { name: 'exp', store, ...W }).resume('old')).result(),
    ).toBe(4);
  });

  it('a new version resumes old runs only when it declares them, and can branch on runVersion', async () => {
    const store = new InMemoryDurableStore();
    await durable(v1(true), { name: 'exp', store, ...W }).start(1, { runId: 'v1-run' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const seen: unknown[] = [];
    const v2 = sequential(
      { name: 'exp' },
      lambda((n: number) => n + 1),
      lambda((n: number, ctx) => {
        seen.push(runVersion(ctx));
        return runVersion(ctx) === '1' ? n * 2 : n * 3;
      }),
    );
    const undeclared = durable(v2, { name: 'exp', store, ...W, version: '2' });
    await expect(undeclared.resume('v1-run')).rejects.toBeInstanceOf(WorkflowVersionMismatchError);
    const declared = durable(v2, { name: 'exp', store, ...W, version: '2', resumes: ['1'] });
    expect(await (await declared.resume('v1-run')).result()).toBe(4);
    expect(await (await declared.start(1)).result()).toBe(6);
    expect(seen).toEqual(['1', '2']);
  });

  it('the fingerprint follows structure, not names or options', () => {
    const a = sequential(
      lambda((n: number) => n, { name: 'x' }),
      new RetryPrimitive(
        lambda((n: number) => n),
        { maxRetries: 1 },
      ),
    );
    const b = sequential(
      lambda((n: number) => n, { name: 'renamed' }),
      new RetryPrimitive(
        lambda((n: number) => n),
        { maxRetries: 5 },
      ),
    );
    const c = sequential(
      lambda((n: number) => n),
      lambda((n: number) => n),
    );
    expect(structureFingerprint(a.describe())).toBe(structureFingerprint(b.describe()));
    expect(structureFingerprint(a.describe())).not.toBe(structureFingerprint(c.describe()));
  });
});

describe('durable runs that wait for people and time', () => {
  function expenseFlow(store: InMemoryDurableStore, counts = { draft: 0, pay: 0 }) {
    const workflow = sequential(
      { name: 'expense' },
      lambda((amount: number) => {
        counts.draft++;
        return { amount, text: `Reimburse ${amount}` };
      }),
      approval<{ amount: number; text: string }>(),
      lambda((claim: { amount: number; text: string }) => {
        counts.pay++;
        return `${claim.text}: paid`;
      }),
    );
    return { flow: durable(workflow, { name: 'expense', store, ...W }), counts };
  }

  it('suspends for an approval, refuses a bad payload, and a signal from another process resumes it', async () => {
    const store = new InMemoryDurableStore();
    const first = expenseFlow(store);
    const run = await first.flow.start(42, { runId: 'e-1' });
    await expect(run.result()).rejects.toMatchObject({
      name: 'RunStateError',
      status: 'suspended',
    });
    const suspended = await first.flow.get('e-1');
    expect(suspended.status).toBe('suspended');
    expect(suspended.steps.map((s) => s.path)).toEqual(['expense/1']);
    // Another process: a new instance on the same store.
    const second = expenseFlow(store);
    await expect(second.flow.signal('e-1', 'approval', { approved: 'yes' })).rejects.toBeInstanceOf(
      SignalPayloadError,
    );
    expect((await second.flow.get('e-1')).status).toBe('suspended');
    const resumed = await second.flow.signal('e-1', 'approval', { approved: true, by: 'maria' });
    expect(await resumed.result()).toBe('Reimburse 42: paid');
    expect(first.counts).toEqual({ draft: 1, pay: 0 });
    expect(second.counts).toEqual({ draft: 0, pay: 1 }); // the draft was not made again
    await expect(second.flow.signal('e-1', 'approval', { approved: true })).rejects.toBeInstanceOf(
      RunStateError,
    );
  });

  it('a rejection fails the run with ApprovalRejectedError', async () => {
    const { flow, counts } = expenseFlow(new InMemoryDurableStore());
    await flow.start(10, { runId: 'e-2' });
    const resumed = await flow.signal('e-2', 'approval', {
      approved: false,
      comment: 'no receipt',
    });
    const error = await resumed.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalRejectedError);
    expect(error).toMatchObject({ comment: 'no receipt' });
    expect((await flow.get('e-2')).status).toBe('failed');
    expect(counts.pay).toBe(0);
  });

  it('a signal sent before the run reaches its wait is taken without suspending', async () => {
    const store = new InMemoryDurableStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const flow = durable(
      sequential(
        { name: 'early' },
        lambda(async (n: number) => {
          await gate;
          return n;
        }),
        waitForSignal<number, number>('bonus'),
      ),
      { name: 'early', store, ...W },
    );
    const run = await flow.start(1, { runId: 'early' });
    await flow.signal('early', 'bonus', 7);
    release();
    expect(await run.result()).toBe(7);
  });

  it('checks payloads with a Standard Schema object', async () => {
    const positive = {
      '~standard': {
        validate: (value: unknown) =>
          typeof value === 'number' && value > 0
            ? { value }
            : { issues: [{ message: 'must be a positive number' }] },
      },
    };
    const flow = durable(
      sequential({ name: 'schema' }, waitForSignal<number, number>('amount', { schema: positive })),
      { name: 'schema', store: new InMemoryDurableStore() },
    );
    await flow.start(0, { runId: 's' });
    await expect(flow.signal('s', 'amount', -1)).rejects.toMatchObject({
      name: 'SignalPayloadError',
      reason: 'must be a positive number',
    });
    expect(await (await flow.signal('s', 'amount', 5)).result()).toBe(5);
    await expect(flow.signal('s', 'unknown', 1)).rejects.toBeInstanceOf(RunStateError);
  });

  it('a signal timeout fails the wait once due (resumeDue wakes it)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    try {
      const store = new InMemoryDurableStore();
      const flow = durable(
        sequential(
          { name: 'timed' },
          waitForSignal<number, number>('reply', { timeoutMs: 60_000 }),
        ),
        { name: 'timed', store, ...W },
      );
      await (await flow.start(1, { runId: 't' })).result().catch(() => {});
      expect(await store.getRun('t')).toMatchObject({ status: 'suspended', wakeAt: 1_060_000 });
      vi.setSystemTime(1_059_999);
      expect(await flow.resumeDue()).toEqual([]); // not due yet
      vi.setSystemTime(1_060_000);
      const [woken] = await flow.resumeDue();
      const error = await woken?.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignalTimeoutError);
      expect((await flow.get('t')).status).toBe('failed');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a durable sleep survives a restart and wakes through resumeDue', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 2_000_000 });
    try {
      const store = new InMemoryDurableStore();
      const ran: string[] = [];
      const make = () =>
        sequential(
          { name: 'nap' },
          lambda((n: number) => {
            ran.push('before');
            return n;
          }),
          durableSleep<number>(3_600_000),
          lambda((n: number) => {
            ran.push('after');
            return n * 2;
          }),
        );
      const started = await durable(make(), { name: 'nap', store, ...W }).start(3, { runId: 'n' });
      await started.result().catch(() => {});
      expect(await store.getRun('n')).toMatchObject({ status: 'suspended', wakeAt: 5_600_000 });
      const restarted = durable(make(), { name: 'nap', store, ...W });
      vi.setSystemTime(3_000_000);
      // Too early: suspends again, with the same wake time.
      await (await restarted.resume('n')).result().catch(() => {});
      expect(await store.getRun('n')).toMatchObject({ status: 'suspended', wakeAt: 5_600_000 });
      vi.setSystemTime(5_600_000);
      const [woken] = await restarted.resumeDue();
      expect(await woken?.result()).toBe(6);
      expect(ran).toEqual(['before', 'after']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the waiting steps need a durable run', async () => {
    await expect(waitForSignal('x').execute(1)).rejects.toBeInstanceOf(DurableRunRequiredError);
    await expect(durableSleep(1).execute(1)).rejects.toBeInstanceOf(DurableRunRequiredError);
  });
});

describe('durable runs under leases', () => {
  it('a second worker cannot take a live run; after the lease expires it recovers it and the old owner is fenced out', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 10_000_000 });
    try {
      const store = new InMemoryDurableStore();
      const ran: string[] = [];
      let release: () => void = () => {};
      const zombie = new Promise<void>((resolve) => {
        release = resolve;
      });
      const make = (who: string, hold: boolean) =>
        sequential(
          { name: 'lease' },
          lambda((n: number) => {
            ran.push(`${who}:1`);
            return n;
          }),
          lambda(async (n: number) => {
            ran.push(`${who}:2`);
            if (hold) await zombie;
            return n * 2;
          }),
        );
      const a = durable(make('a', true), { name: 'lease', store, workerId: 'a', leaseMs: 60_000 });
      const b = durable(make('b', false), { name: 'lease', store, workerId: 'b', leaseMs: 60_000 });
      const runA = await a.start(5, { runId: 'L' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await expect(b.resume('L')).rejects.toMatchObject({ name: 'RunStateError' });
      expect(await b.recover()).toEqual([]); // the lease holds
      vi.setSystemTime(10_060_001); // a stopped renewing (its process hangs)
      const [taken] = await b.recover();
      expect(await taken?.result()).toBe(10);
      release(); // the old owner wakes up and tries to record its step
      await expect(runA.result()).rejects.toMatchObject({ name: 'RunStateError' });
      expect(ran).toEqual(['a:1', 'a:2', 'b:2']); // step 1 once; the interrupted step twice at most
      expect((await b.get('L')).status).toBe('completed');
      expect((await b.get('L')).steps.map((s) => s.path)).toEqual(['lease/1', 'lease/2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('recoverRuns takes over every workflow’s runs at once and then on its timer, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 20_000_000 });
    try {
      const store = new InMemoryDurableStore();
      const never = new Promise<void>(() => {});
      const make = (hold: boolean) =>
        sequential(
          { name: 'rr' },
          lambda(async (n: number) => {
            if (hold) await never;
            return n + 1;
          }),
        );
      const dead = durable(make(true), { name: 'rr', store, workerId: 'dead', leaseMs: 1000 });
      await dead.start(1, { runId: 'r1' });
      const alive = durable(make(false), { name: 'rr', store, workerId: 'alive', leaseMs: 1000 });
      const passes = vi.spyOn(alive, 'recover');
      const stop = new AbortController();
      expect(
        await recoverRuns({ workflows: [alive], intervalMs: 500, signal: stop.signal }),
      ).toEqual([]); // the dead worker's lease still holds
      expect((await alive.get('r1')).status).toBe('running');
      await vi.advanceTimersByTimeAsync(1500); // its lease runs out; a later pass takes the run
      await vi.waitFor(async () => expect((await alive.get('r1')).status).toBe('completed'));
      expect((await alive.get('r1')).output).toBe(2);
      stop.abort();
      const count = passes.mock.calls.length;
      await vi.advanceTimersByTimeAsync(5000);
      expect(passes.mock.calls.length).toBe(count); // no pass after the stop
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('recoverRuns checks its options', async () => {
    await expect(recoverRuns({ workflows: [{}] as never })).rejects.toThrow(TypeError);
    await expect(recoverRuns({ workflows: [], intervalMs: 0 })).rejects.toThrow(RangeError);
  });

  it('a restarted worker with a stable workerId takes its runs back at once', async () => {
    const store = new InMemoryDurableStore();
    const never = new Promise<void>(() => {});
    let hold = true;
    const make = () =>
      sequential(
        { name: 'mine' },
        lambda(async (n: number) => {
          if (hold) await never;
          return n + 1;
        }),
      );
    await durable(make(), { name: 'mine', store, workerId: 'pod-7' }).start(1, { runId: 'm' });
    hold = false;
    const restarted = durable(make(), { name: 'mine', store, workerId: 'pod-7' });
    const [handle] = await restarted.recover();
    expect(await handle?.result()).toBe(2);
  });
});

describe('durable run housekeeping', () => {
  it('prune deletes ended runs older than the retention, never unfinished ones', async () => {
    const store = new InMemoryDurableStore();
    const flow = durable(
      sequential(
        { name: 'p' },
        lambda((n: number) => n),
      ),
      { name: 'p', store, ...W },
    );
    await (await flow.start(1, { runId: 'old' })).result();
    await (await flow.start(2, { runId: 'new' })).result();
    await store.finishRun('old', {
      status: 'completed',
      output: '1',
      updatedAt: Date.now() - 10 * 86_400_000,
    });
    expect(await flow.prune(7 * 86_400_000)).toBe(1);
    await expect(flow.get('old')).rejects.toBeInstanceOf(RunNotFoundError);
    expect((await flow.get('new')).status).toBe('completed');
    await expect(flow.prune(-1)).rejects.toThrow(RangeError);
  });

  it('a value over maxValueBytes fails the step that produced it, naming it', async () => {
    const flow = durable(
      sequential(
        { name: 'big' },
        lambda((n: number) => 'x'.repeat(n)),
      ),
      { name: 'big', store: new InMemoryDurableStore(), ...W, maxValueBytes: 1000 },
    );
    expect(await (await flow.start(10)).result()).toBe('x'.repeat(10));
    const error = await (await flow.start(5000)).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DurableValueError);
    expect(error).toMatchObject({ step: 'big/1' });
    expect((error as DurableValueError).reason).toMatch(/over maxValueBytes \(1000\)/);
  });
});

describe('durable runs when the store fails', () => {
  it('a journal write that fails stops the run without failing it; it resumes once the store is back', async () => {
    const store = new InMemoryDurableStore();
    let down = false;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'appendStep')
          return (...args: Parameters<InMemoryDurableStore['appendStep']>) =>
            down ? Promise.reject(new Error('disk full')) : target.appendStep(...args);
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let runs = 0;
    const make = () =>
      sequential(
        { name: 's' },
        lambda((n: number) => {
          runs++;
          return n + 1;
        }),
        lambda((n: number) => n * 2),
      );
    down = true;
    const run = await durable(make(), { name: 's', store: flaky, ...W }).start(1, { runId: 'f' });
    const error = await run.result().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RunStateError', status: 'running' });
    expect((await store.getRun('f'))?.status).toBe('running'); // not failed
    down = false;
    expect(
      await (await durable(make(), { name: 's', store: flaky, ...W }).resume('f')).result(),
    ).toBe(4);
    expect(runs).toBe(2); // the unrecorded step ran again, as a crash would have made it
  });
});

describe('durable runs keep their budget', () => {
  it('what replayed steps spent is charged again on resume, so the totals survive; they do not run again', async () => {
    const store = new InMemoryDurableStore();
    let hold: Promise<void> | undefined = new Promise<void>(() => {});
    let calls = 0;
    const make = () =>
      sequential(
        { name: 'b' },
        lambda((n: number, ctx: WorkflowContext) => {
          calls++;
          ctx.recordUsage({ inputTokens: 70, outputTokens: 30, costUsd: 0.01, model: 'small' });
          return n;
        }),
        parallel(
          lambda((n: number, ctx: WorkflowContext) => {
            ctx.recordUsage({ inputTokens: 5, outputTokens: 5 });
            return n;
          }),
          lambda(async (n: number, ctx: WorkflowContext) => {
            if (hold !== undefined) await hold;
            ctx.recordUsage({ inputTokens: 20, outputTokens: 30 });
            return n;
          }),
        ),
        lambda((_: unknown, ctx: WorkflowContext) => ctx.budget?.spent.tokens),
      );
    const ctx = WorkflowContext.create({ budget: { maxTokens: 1000 } });
    await durable(make(), { name: 'b', store, ...W }).start(1, { runId: 'budget', context: ctx });
    await new Promise((resolve) => setTimeout(resolve, 5));
    hold = undefined;
    const spent = await (
      await durable(make(), { name: 'b', store, ...W }).resume('budget')
    ).result();
    expect(spent).toBe(100 + 10 + 50); // replayed 100 and 10, then 50 spent now
    expect(calls).toBe(1);
    const steps = await store.getSteps('budget');
    const effects = (path: string) =>
      steps.filter((s) => s.path === path).map((s) => JSON_CODEC.decode(s.effects ?? 'null'));
    expect(effects('b/1')).toEqual([
      { usage: { inputTokens: 70, outputTokens: 30, costUsd: 0.01, model: 'small' } },
    ]);
    // Parallel siblings each journal exactly their own spending.
    expect([...effects('b/2/0'), ...effects('b/2/1')]).toEqual([
      { usage: { inputTokens: 5, outputTokens: 5, costUsd: 0 } },
      { usage: { inputTokens: 20, outputTokens: 30, costUsd: 0 } },
    ]);
  });
});

describe('durable runs keep their decisions', () => {
  it('a resumed run takes the route and the branch it took, though deciding again would differ', async () => {
    const store = new InMemoryDurableStore();
    let hold: Promise<void> | undefined = new Promise<void>(() => {});
    let selects = 0;
    let predicates = 0;
    const ran: string[] = [];
    const make = () =>
      sequential(
        { name: 'd' },
        new RouterPrimitive({
          name: 'pick',
          routes: {
            // What a model-based or time-based router does: a different answer on the second call.
            a: lambda(async (n: number) => {
              ran.push('a');
              if (hold !== undefined) await hold;
              return n + 1;
            }),
            b: lambda((n: number) => {
              ran.push('b');
              return n + 100;
            }),
          },
          select: () => (selects++ === 0 ? 'a' : 'b'),
        }),
        new ConditionalPrimitive(
          () => predicates++ === 0,
          lambda((n: number) => `then ${n}`),
          lambda((n: number) => `else ${n}`),
          { name: 'check' },
        ),
      );
    await durable(make(), { name: 'd', store, ...W }).start(1, { runId: 'd1' });
    await vi.waitFor(() => expect(ran).toEqual(['a']));
    hold = undefined;
    const flow = durable(make(), { name: 'd', store, ...W });
    expect(await (await flow.resume('d1')).result()).toBe('then 2');
    expect(ran).toEqual(['a', 'a']); // route a again (its step had not finished), never b
    expect(selects).toBe(1);
    expect(predicates).toBe(1);
    expect((await flow.get('d1')).steps.map((s) => s.path)).toEqual([
      'd/1/@decision',
      'd/1/a',
      'd/2/@decision',
      'd/2/then',
    ]);
  });
});

describe('durable runs stream', () => {
  const words = (name: string, text: string) =>
    lambda.stream(
      async function* () {
        for (const w of text.split(' ')) yield `${w} `;
      },
      { name },
    );

  it('a streamed run sends its chunks; a consumer that leaves does not stop the run', async () => {
    const store = new InMemoryDurableStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const flow = durable(
      sequential(
        { name: 'st' },
        words('hello', 'hi there'),
        lambda(async (text: string) => {
          await gate;
          return text.trim();
        }),
      ),
      { name: 'st', store, ...W },
    );
    for await (const event of flow.stream(undefined, { runId: 's1', allSteps: true }))
      if (event.type === 'chunk') break; // the consumer goes away after one chunk
    expect((await flow.get('s1')).status).toBe('running');
    release();
    await vi.waitFor(async () => expect((await flow.get('s1')).status).toBe('completed'));
    expect((await flow.get('s1')).output).toBe('hi there');
  });

  it('a watcher whose signal is already aborted hears the cancellation at once; the run goes on', async () => {
    const store = new InMemoryDurableStore();
    const flow = durable(words('w', 'a b'), { name: 'w', store, ...W });
    const stop = new AbortController();
    stop.abort();
    const events = flow.stream(undefined, { runId: 'w1', signal: stop.signal });
    await expect(events.next()).rejects.toMatchObject({ code: 'CANCELLED' });
    await vi.waitFor(async () => expect((await flow.get('w1')).status).toBe('completed'));
  });

  it('a resumed run streams its replayed steps’ recorded output, then the live ones', async () => {
    const store = new InMemoryDurableStore();
    let hold: Promise<void> | undefined = new Promise<void>(() => {});
    let firstRuns = 0;
    const make = () =>
      sequential(
        { name: 'sr' },
        lambda.stream(
          async function* () {
            firstRuns++;
            yield 'one ';
            yield 'two ';
          },
          { name: 'first' },
        ),
        lambda(async (text: string) => {
          if (hold !== undefined) await hold;
          return text;
        }),
        words('last', 'three four'),
      );
    await durable(make(), { name: 'sr', store, ...W }).start(undefined, { runId: 'r1' });
    await vi.waitFor(async () =>
      expect((await store.getSteps('r1')).map((s) => s.path)).toContain('sr/1'),
    );
    hold = undefined;
    const flow = durable(make(), { name: 'sr', store, ...W });
    const chunks: unknown[] = [];
    let result: unknown;
    for await (const event of flow.streamResume('r1', { allSteps: true })) {
      if (event.type === 'chunk') chunks.push([event.path, event.chunk]);
      if (event.type === 'result') result = event.output;
    }
    expect(firstRuns).toBe(1); // replayed, not run
    expect(chunks).toEqual([
      ['sr/1', 'one two '], // the recorded output, as one chunk
      ['sr/3', 'three '],
      ['sr/3', 'four '],
    ]);
    expect(result).toBe('three four ');
  });
});

describe('durable runs keep their conversation', () => {
  it('a resumed run’s model step sees the turns of replayed steps; they are not asked again', async () => {
    const server = await createFakeLLMServer();
    try {
      const store = new InMemoryDurableStore();
      let hold: Promise<void> | undefined = new Promise<void>(() => {});
      const make = () =>
        sequential(
          { name: 'talk' },
          new OpenAIChatPrimitive({ model: 'fake', baseURL: server.url, apiKey: 'k' }),
          lambda(async (answer: { text: string }) => {
            if (hold !== undefined) await hold; // the crash happens here, in the first process
            return `You said "${answer.text}". And then?`;
          }),
          new OpenAIChatPrimitive({ model: 'fake', baseURL: server.url, apiKey: 'k' }),
          lambda((_: unknown, ctx: WorkflowContext) =>
            ctx
              .getValue(CONVERSATION)
              ?.messages()
              .map((m) => `${m.role}: ${m.content}`),
          ),
        );
      const conversation = new ConversationMemory({ maxTokens: 1000 });
      conversation.add({ role: 'system', content: 'be brief' });
      const ctx = WorkflowContext.create().withValue(CONVERSATION, conversation);
      await durable(make(), { name: 'talk', store, ...W }).start('hello', {
        runId: 'c1',
        context: ctx,
      });
      await vi.waitFor(async () =>
        expect((await store.getSteps('c1')).map((s) => s.path)).toContain('talk/1'),
      );
      hold = undefined;
      // A new process: the conversation comes from the store, not from the object above.
      const flow = durable(make(), { name: 'talk', store, ...W });
      const transcript = await (await flow.resume('c1')).result();
      const expected = [
        'system: be brief',
        'user: hello',
        'assistant: Echo: hello',
        'user: You said "Echo: hello". And then?',
        'assistant: Echo: You said "Echo: hello". And then?',
      ];
      expect(transcript).toEqual(expected);
      expect(server.requests).toHaveLength(2); // the first model call was replayed
      expect(server.requests[1]?.messages.map((m) => `${m.role}: ${m.content}`)).toEqual(
        expected.slice(0, 4),
      );
      const info = await flow.get('c1');
      expect(info.conversation?.messages.map((m) => `${m.role}: ${m.content}`)).toEqual(expected);
      // Ids survive too: the replayed turns are the same messages, not copies.
      expect(info.conversation?.messages[2]?.id).toBe(conversation.messages()[2]?.id);
    } finally {
      await server.close();
    }
  });

  it('only the run’s conversation is journaled; a corrupt change names the run and the step', async () => {
    const store = new InMemoryDurableStore();
    const elsewhere = new ConversationMemory({ maxTokens: 100 });
    const flow = durable(
      sequential(
        { name: 'm' },
        lambda((n: number, ctx: WorkflowContext) => {
          ctx.getValue(CONVERSATION)?.add({ role: 'user', content: `n=${n}` });
          elsewhere.add({ role: 'user', content: 'not the run' });
          return n;
        }),
        lambda((n: number) => n + 1),
      ),
      { name: 'm', store, ...W },
    );
    const ctx = WorkflowContext.create().withValue(
      CONVERSATION,
      new ConversationMemory({ maxTokens: 100 }),
    );
    await (await flow.start(1, { runId: 'm1', context: ctx })).result();
    const [first] = await store.getSteps('m1');
    const effects = JSON_CODEC.decode(first?.effects ?? 'null') as { memory: { op: string }[] };
    expect(effects.memory.map((c) => c.op)).toEqual(['add']);
    expect((await flow.get('m1')).conversation?.messages.map((m) => m.content)).toEqual(['n=1']);
    // Tamper with the journal: the change is no longer a message.
    const bad = new InMemoryDurableStore();
    const run = await store.getRun('m1');
    if (run === undefined || first === undefined) throw new Error('the run was not stored');
    await bad.createRun({ ...run, status: 'failed' });
    await bad.appendStep('m1', {
      ...first,
      effects: JSON_CODEC.encode({ memory: [{ op: 'add', message: { role: 'user' } }] }),
    });
    const err = await durable(flow.workflow, { name: 'm', store: bad, ...W })
      .get('m1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptJournalError);
    expect(err).toMatchObject({ runId: 'm1', step: 'm/1' });
  });
});

describe('durable sagas', () => {
  it('a crash during compensation resumes compensating; no undo runs twice', async () => {
    const store = new InMemoryDurableStore();
    const undone: string[] = [];
    let hold: Promise<void> | undefined = new Promise<void>(() => {});
    const make = () =>
      new CompensationPrimitive(
        [
          {
            name: 'flight',
            action: lambda((trip: string) => `${trip}:flight`),
            compensate: async () => {
              undone.push('flight');
              if (hold !== undefined) await hold; // the process dies while cancelling the flight
            },
          },
          {
            name: 'hotel',
            action: lambda((booked: string) => `${booked}:hotel`),
            compensate: () => {
              undone.push('hotel');
            },
          },
          {
            name: 'car',
            action: lambda((): string => {
              throw new Error('no car available');
            }),
            compensate: () => undefined,
          },
        ],
        { name: 'trip' },
      );
    await durable(make(), { name: 'trip', store, ...W }).start('rome', { runId: 'saga' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(undone).toEqual(['hotel', 'flight']); // hotel undone (journaled), flight in flight
    hold = undefined;
    const error = await (await durable(make(), { name: 'trip', store, ...W }).resume('saga'))
      .result()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CompensationError', compensated: ['hotel', 'flight'] });
    // The hotel was not cancelled again; only the interrupted flight cancellation ran again.
    expect(undone).toEqual(['hotel', 'flight', 'flight']);
    const paths = (await store.getSteps('saga')).map((s) => `${s.path} ${s.status}`);
    expect(paths).toContain('trip/hotel/undo completed');
    expect(paths).toContain('trip/flight/undo completed');
  });
});
