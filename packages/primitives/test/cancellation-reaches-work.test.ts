import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BudgetExceededError,
  DeadlineExceededError,
  lambda,
  parallel,
  WorkflowContext,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A step that follows only `ctx.signal`, as streaming model calls and fetch do. */
function signalFollower(stopped: { at?: number; reason?: unknown }) {
  return lambda(
    (_x: number, ctx) =>
      new Promise<string>((resolve, reject) => {
        const signal = ctx.signal;
        if (signal === undefined) return reject(new Error('no signal to follow'));
        const tick = setInterval(() => {}, 10); // the work: runs until told to stop
        signal.addEventListener(
          'abort',
          () => {
            clearInterval(tick);
            stopped.at = Date.now();
            stopped.reason = signal.reason;
            reject(signal.reason);
          },
          { once: true },
        );
        void resolve;
      }),
  );
}

describe('a deadline or budget aborts ctx.signal (issue 12, item 1)', () => {
  it('the deadline aborts the signal when it passes', async () => {
    vi.useFakeTimers({ now: 0 });
    const stopped: { at?: number; reason?: unknown } = {};
    const run = signalFollower(stopped)
      .execute(1, WorkflowContext.create({ deadline: 200 }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    expect(await run).toBeInstanceOf(DeadlineExceededError);
    expect(stopped.at).toBe(200);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a budget's duration aborts it too", async () => {
    vi.useFakeTimers({ now: 0 });
    const stopped: { at?: number; reason?: unknown } = {};
    const run = signalFollower(stopped)
      .execute(1, WorkflowContext.create({ budget: { maxDurationMs: 300 } }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    expect(await run).toBeInstanceOf(DeadlineExceededError);
    expect(stopped.at).toBe(300);
  });

  it('a budget spent by a sibling aborts the signal at once', async () => {
    vi.useFakeTimers({ now: 0 });
    const stopped: { at?: number; reason?: unknown } = {};
    const spender = lambda(async (_x: number, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ctx.recordUsage({ inputTokens: 60, outputTokens: 60 });
      return 'spent';
    });
    const run = parallel(signalFollower(stopped), spender)
      .execute(1, WorkflowContext.create({ budget: { maxTokens: 100 } }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(stopped.at).toBe(50);
    expect(stopped.reason).toBeInstanceOf(BudgetExceededError);
    expect(await run).toBeInstanceOf(BudgetExceededError);
  });
});

describe('a long-lived caller signal keeps nothing per run (issue 12, item 2)', () => {
  it('gets at most one listener, however many concurrent runs follow it', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const shutdown = new AbortController();
    const reader = lambda(async (x: number, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return ctx.signal === undefined ? x : x + 1;
    });
    const fan = parallel(reader, reader, reader);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fan.execute(i, WorkflowContext.create({ signal: shutdown.signal })),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(getEventListeners(shutdown.signal, 'abort').length).toBeLessThanOrEqual(1);
    // And it still cancels: a run started now stops when it aborts.
    const stopped: { at?: number; reason?: unknown } = {};
    const run = parallel(signalFollower(stopped), signalFollower({}))
      .execute(1, WorkflowContext.create({ signal: shutdown.signal }))
      .catch((e: unknown) => e);
    shutdown.abort(new Error('shutting down'));
    await run;
    expect(stopped.reason).toEqual(new Error('shutting down'));
  });
});
