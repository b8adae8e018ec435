import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  WorkflowContext as Ctx,
  FallbackError,
  FallbackPrimitive,
  isTtaError,
  lambda,
  TimeoutError,
  TimeoutPrimitive,
  TtaError,
  type WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { listenerCount, withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('FallbackPrimitive', () => {
  it('returns the first success and emits an event per switch', async () => {
    const recorder = withHooks(createRecordingHooks());
    const primary = new MockPrimitive<string, string>({ name: 'gpt', throws: new Error('503') });
    const second = new MockPrimitive<string, string>({ name: 'claude', throws: new Error('429') });
    const third = new MockPrimitive<string, string>({ name: 'llama', returns: 'local' });
    const never = new MockPrimitive<string, string>({ name: 'never', returns: 'x' });
    try {
      await expect(
        new FallbackPrimitive(primary, [second, third, never]).execute('q'),
      ).resolves.toBe('local');
    } finally {
      recorder.off();
    }
    expect(never.callCount).toBe(0);
    expect(recorder.events.map((e) => e.type === 'fallback' && [e.from, e.to, e.index])).toEqual([
      ['gpt', 'claude', 1],
      ['claude', 'llama', 2],
    ]);
  });

  it('accepts a single fallback', async () => {
    const primary = new MockPrimitive<string, string>({ throws: new Error('x') });
    await expect(
      primary.withFallback(lambda((q: string) => `fallback ${q}`)).execute('q'),
    ).resolves.toBe('fallback q');
  });

  it('when all fail, a FallbackError carries every error in order', async () => {
    const errors = [new Error('a'), new Error('b'), new Error('c')];
    const [a, b, c] = errors.map((e, i) => new MockPrimitive({ name: `m${i}`, throws: e }));
    const error = await new FallbackPrimitive(a as MockPrimitive, [
      b as MockPrimitive,
      c as MockPrimitive,
    ])
      .execute(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackError);
    // Issue 10: every error extends TtaError (FallbackError keeps AggregateError's `errors` shape).
    expect(error).toBeInstanceOf(TtaError);
    expect((error as FallbackError).errors).toEqual(errors);
    expect((error as FallbackError).attempted).toEqual(['m0', 'm1', 'm2']);
    expect((error as FallbackError).cause).toBe(errors[2]);
    expect(isTtaError(error, 'FALLBACK_EXHAUSTED')).toBe(true);
  });

  it('does not fall back on cancellation', async () => {
    const cancelled = new MockPrimitive({ throws: new CancelledError() });
    const backup = new MockPrimitive({ returns: 'backup' });
    await expect(new FallbackPrimitive(cancelled, backup).execute(1)).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(backup.callCount).toBe(0);

    const controller = new AbortController();
    const abortsCaller = lambda(() => {
      controller.abort();
      throw new Error('failed while being cancelled');
    });
    await expect(
      new FallbackPrimitive(abortsCaller, backup).execute(
        1,
        Ctx.create({ signal: controller.signal }),
      ),
    ).rejects.toThrow('failed while being cancelled');
    expect(backup.callCount).toBe(0);
  });

  it('validates its arguments', () => {
    const p = lambda((x: number) => x);
    expect(() => new FallbackPrimitive(p, [])).toThrow(TypeError);
    expect(() => new FallbackPrimitive({} as never, p)).toThrow(TypeError);
    expect(() => new FallbackPrimitive(p, [p, 1 as never])).toThrow(/fallbacks\[1\]/);
  });
});

describe('TimeoutPrimitive', () => {
  it('returns the inner result in time and clears the timer', async () => {
    vi.useFakeTimers();
    const inner = new MockPrimitive<string, string>({ returns: 'fast', delayMs: 50 });
    const result = new TimeoutPrimitive(inner, { timeoutMs: 100 }).execute('x');
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe('fast');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('on time-out aborts the inner signal also when the caller has a signal of its own', async () => {
    vi.useFakeTimers();
    let innerSignal: AbortSignal | undefined;
    const slow = lambda(async (_: string, ctx: WorkflowContext) => {
      innerSignal = ctx.signal;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      return 'late';
    });
    try {
      const caller = new AbortController();
      const result = new TimeoutPrimitive(slow, { timeoutMs: 100 }).execute(
        'x',
        Ctx.create({ signal: caller.signal }),
      );
      const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
      await vi.advanceTimersByTimeAsync(100);
      await assertion;
      // The inner step's signal combines the caller's and the timeout's: the timeout reaches it.
      expect(innerSignal?.aborted).toBe(true);
      expect(innerSignal?.reason).toBeInstanceOf(TimeoutError);
      expect(caller.signal.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('on time-out aborts the inner signal with a TimeoutError and rejects with it', async () => {
    vi.useFakeTimers();
    const recorder = withHooks(createRecordingHooks());
    let innerSignal: AbortSignal | undefined;
    const slow = lambda(async (_: string, ctx: WorkflowContext) => {
      innerSignal = ctx.signal;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      return 'late';
    });
    try {
      const result = new TimeoutPrimitive(slow, { timeoutMs: 100 }).execute('x');
      const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
      await vi.advanceTimersByTimeAsync(100);
      await assertion;
      expect(innerSignal?.aborted).toBe(true);
      expect(innerSignal?.reason).toBeInstanceOf(TimeoutError);
      expect(innerSignal?.reason).toMatchObject({ timeoutMs: 100 });
      expect(recorder.events.map((e) => e.type)).toEqual(['timeout']);
      // The inner step settling later changes nothing and raises no unhandled rejection.
      await vi.advanceTimersByTimeAsync(10_000);
    } finally {
      recorder.off();
    }
  });

  it('a late inner rejection is not unhandled', async () => {
    vi.useFakeTimers();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const failsLate = new MockPrimitive<string, string>({
        throws: new Error('late failure'),
        delayMs: 500,
      });
      const result = new TimeoutPrimitive(failsLate, { timeoutMs: 100 }).execute('x');
      const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
      await vi.advanceTimersByTimeAsync(100);
      await assertion;
      await vi.advanceTimersByTimeAsync(1000);
      vi.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('returns the fallback result on time-out', async () => {
    vi.useFakeTimers();
    const slow = new MockPrimitive<string, string>({ returns: 'late', delayMs: 1000 });
    const canned = lambda((q: string) => `canned ${q}`);
    const result = slow.withTimeout({ timeoutMs: 100, fallback: canned }).execute('q');
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe('canned q');
  });

  it('a sooner context deadline wins', async () => {
    vi.useFakeTimers({ now: 0 });
    const slow = new MockPrimitive<string, string>({ returns: 'late', delayMs: 1000 });
    const result = slow.withTimeout(500).execute('q', Ctx.create({ deadline: 200 }));
    const assertion = expect(result).rejects.toMatchObject({
      name: 'TimeoutError',
      timeoutMs: 200,
    });
    await vi.advanceTimersByTimeAsync(200);
    await assertion;
  });

  it('cancelling the caller rejects at once, stops the inner work and leaves nothing behind', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const inner = new MockPrimitive<string, string>({ returns: 'x', delayMs: 1000 });
    const result = inner.withTimeout(5000).execute('q', Ctx.create({ signal: controller.signal }));
    const assertion = expect(result).rejects.toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it('keeps the caller context: state written inside is visible after', async () => {
    const writes = lambda((_: number, ctx: WorkflowContext) => {
      ctx.state.written = true;
      return 1;
    });
    const ctx = Ctx.create();
    await writes.withTimeout(1000).execute(1, ctx);
    expect(ctx.state.written).toBe(true);
  });

  it('validates options', () => {
    const p = lambda((x: number) => x);
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new TimeoutPrimitive(p, { timeoutMs })).toThrow(RangeError);
    }
    expect(() => new TimeoutPrimitive(p, undefined as never)).toThrow(TypeError);
    expect(() => new TimeoutPrimitive(p, { timeoutMs: 1, fallback: 2 as never })).toThrow(
      TypeError,
    );
  });
});
