import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CachePrimitive,
  type CacheStore,
  InMemoryCacheStore,
  lambda,
  parallel,
  TimeoutPrimitive,
  WorkflowContext,
  type WorkflowPrimitive,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A step that works in 10 ms iterations and checks only `ctx.signal` between them: the way real
 * work (a stream, a polling loop) notices cancellation.
 */
function looping(trace: { iterations: number; stoppedAt?: number }) {
  return lambda(async (_x: number, ctx): Promise<string> => {
    for (;;) {
      if (ctx.signal?.aborted) {
        trace.stoppedAt = Date.now();
        throw ctx.signal.reason;
      }
      trace.iterations++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}

interface Case {
  name: string;
  /** Builds the run; `trigger` is when (fake ms) the cancellation happens. */
  build(step: WorkflowPrimitive<number, string>): {
    run: () => Promise<unknown>;
    trigger: number;
    act?: () => void;
  };
}

const cases: Case[] = [
  {
    name: 'timeout',
    build: (step) => ({
      run: () => new TimeoutPrimitive(step, { timeoutMs: 100 }).execute(1),
      trigger: 100,
    }),
  },
  {
    name: 'parent abort',
    build: (step) => {
      const controller = new AbortController();
      return {
        run: () => step.execute(1, WorkflowContext.create({ signal: controller.signal })),
        trigger: 100,
        act: () => controller.abort(),
      };
    },
  },
  {
    name: 'fail-fast sibling',
    build: (step) => {
      const failing = lambda(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('sibling failed');
      });
      return { run: () => parallel(step, failing).execute(1), trigger: 100 };
    },
  },
  {
    name: 'deadline',
    build: (step) => ({
      run: () => step.execute(1, WorkflowContext.create({ deadline: Date.now() + 100 })),
      trigger: 100,
    }),
  },
  {
    name: 'budget duration',
    build: (step) => ({
      run: () => step.execute(1, WorkflowContext.create({ budget: { maxDurationMs: 100 } })),
      trigger: 100,
    }),
  },
  {
    name: 'budget spent by a sibling',
    build: (step) => {
      const spender = lambda(async (_x: number, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ctx.recordUsage({ inputTokens: 500 });
        return 'spent';
      });
      return {
        run: () =>
          parallel(step, spender).execute(
            1,
            WorkflowContext.create({ budget: { maxTokens: 100 } }),
          ),
        trigger: 100,
      };
    },
  },
  {
    name: 'cache waiter cancelled during the store lookup',
    build: (step) => {
      const controller = new AbortController();
      const memory = new InMemoryCacheStore<string>();
      const slow: CacheStore<string> = {
        get: (key) => new Promise((resolve) => setTimeout(() => resolve(memory.get(key)), 150)),
        set: (key, value, ttl) => memory.set(key, value, ttl),
        delete: (key) => memory.delete(key),
        clear: () => memory.clear(),
      };
      return {
        run: () =>
          new CachePrimitive(step, { store: slow }).execute(
            1,
            WorkflowContext.create({ signal: controller.signal }),
          ),
        trigger: 100,
        act: () => controller.abort(),
      };
    },
  },
];

describe('cancellation matrix (issue 12): the work stops within one iteration, the caller within 50 ms', () => {
  it.each(cases)('$name', async ({ build }) => {
    vi.useFakeTimers({ now: 0 });
    const trace: { iterations: number; stoppedAt?: number } = { iterations: 0 };
    const { run, trigger, act } = build(looping(trace));
    let releasedAt: number | undefined;
    const call = run().then(
      () => {
        releasedAt = Date.now();
      },
      () => {
        releasedAt = Date.now();
      },
    );
    await vi.advanceTimersByTimeAsync(trigger);
    act?.();
    const iterationsAtTrigger = trace.iterations;
    await vi.advanceTimersByTimeAsync(50);
    await call;
    expect(releasedAt).toBeDefined();
    expect((releasedAt as number) - trigger).toBeLessThanOrEqual(50);
    expect(trace.iterations - iterationsAtTrigger).toBeLessThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0); // nothing left running
  });
});
