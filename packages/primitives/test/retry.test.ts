import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  CircuitOpenError,
  LambdaPrimitive,
  lambda,
  type RetryEvent,
  RetryPrimitive,
  TimeoutError,
  WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { listenerCount, withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('RetryPrimitive', () => {
  it('waits min(initial * multiplier^(n-1), max) before retry n, without jitter', async () => {
    vi.useFakeTimers();
    const recorder = withHooks(createRecordingHooks());
    const flaky = new MockPrimitive<string, string>({ returns: 'ok', failTimes: 4 });
    const retry = new RetryPrimitive(flaky, {
      maxRetries: 4,
      initialDelayMs: 100,
      backoffMultiplier: 3,
      maxDelayMs: 1000,
      jitter: false,
    });
    try {
      const result = retry.execute('x');
      await vi.advanceTimersByTimeAsync(0);
      expect(flaky.callCount).toBe(1);
      await vi.advanceTimersByTimeAsync(99);
      expect(flaky.callCount).toBe(1);
      await vi.advanceTimersByTimeAsync(1); // 100
      expect(flaky.callCount).toBe(2);
      await vi.advanceTimersByTimeAsync(300); // 300
      expect(flaky.callCount).toBe(3);
      await vi.advanceTimersByTimeAsync(900); // 900
      expect(flaky.callCount).toBe(4);
      await vi.advanceTimersByTimeAsync(999); // min(2700, 1000)
      expect(flaky.callCount).toBe(4);
      await vi.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toBe('ok');
      const events = recorder.events.filter((e): e is RetryEvent => e.type === 'retry');
      expect(events.map((e) => [e.attempt, e.delayMs])).toEqual([
        [2, 100],
        [3, 300],
        [4, 900],
        [5, 1000],
      ]);
      expect(events[0]?.error).toBeInstanceOf(Error);
    } finally {
      recorder.off();
    }
  });

  it('uses the defaults: 3 retries, 1 s doubling, full jitter from the injected source', async () => {
    vi.useFakeTimers();
    const flaky = new MockPrimitive<string, string>({ throws: new Error('down') });
    const retry = new RetryPrimitive(flaky, { random: () => 0.5 });
    expect(retry.maxRetries).toBe(3);
    expect([1, 2, 3].map((n) => retry.delayFor(n))).toEqual([500, 1000, 2000]);
    const result = retry.execute('x');
    const assertion = expect(result).rejects.toThrow('down');
    await vi.advanceTimersByTimeAsync(3500);
    await assertion;
    expect(flaky.callCount).toBe(4);
  });

  it('rethrows the last error unchanged when attempts run out', async () => {
    const errors = [new Error('1'), new Error('2'), new Error('3')];
    let call = 0;
    const failing = lambda(() => {
      throw errors[call++];
    });
    await expect(
      new RetryPrimitive(failing, { maxRetries: 2, initialDelayMs: 0 }).execute(undefined),
    ).rejects.toBe(errors[2]);
  });

  it('retries timeouts but not cancellation or an open circuit, and honours retryOn', async () => {
    const timeout = new MockPrimitive({
      throws: new TimeoutError({ step: 'x', timeoutMs: 10 }),
      failTimes: 1,
      returns: 'ok',
    });
    await expect(new RetryPrimitive(timeout, { initialDelayMs: 0 }).execute(1)).resolves.toBe('ok');
    for (const error of [
      new CancelledError(),
      new CircuitOpenError({ circuit: 'c', retryAfterMs: 10 }),
    ]) {
      const mock = new MockPrimitive({ throws: error });
      await expect(new RetryPrimitive(mock, { initialDelayMs: 0 }).execute(1)).rejects.toBe(error);
      expect(mock.callCount).toBe(1);
    }
    const onlyTransient = new MockPrimitive({ throws: new Error('permanent') });
    const retryOn = vi.fn((error: unknown) => (error as Error).message === 'transient');
    await expect(
      new RetryPrimitive(onlyTransient, { retryOn, initialDelayMs: 0 }).execute(1),
    ).rejects.toThrow('permanent');
    expect(onlyTransient.callCount).toBe(1);
    expect(retryOn).toHaveBeenCalledWith(expect.any(Error), 1);
  });

  it('honours a Retry-After delay carried by the error', async () => {
    vi.useFakeTimers();
    const rateLimited = Object.assign(new Error('429'), { retryAfterMs: 5000 });
    const mock = new MockPrimitive({ throws: rateLimited, failTimes: 1, returns: 'ok' });
    const result = new RetryPrimitive(mock, { initialDelayMs: 10, jitter: false }).execute(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(mock.callCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('ok');
  });

  it('gives up early rather than retry past the deadline', async () => {
    vi.useFakeTimers({ now: 0 });
    const mock = new MockPrimitive({ throws: new Error('down') });
    const ctx = WorkflowContext.create({ deadline: 1500 });
    const result = new RetryPrimitive(mock, { initialDelayMs: 1000, jitter: false }).execute(
      1,
      ctx,
    );
    const assertion = expect(result).rejects.toThrow('down');
    await vi.advanceTimersByTimeAsync(1000);
    await assertion;
    expect(mock.callCount).toBe(2); // t=0 and t=1000; the next retry would start at t=3000
  });

  it('an abort during the wait stops at once and leaves no timer or listener', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const mock = new MockPrimitive({ throws: new Error('down') });
    const result = new RetryPrimitive(mock, { initialDelayMs: 10_000, jitter: false }).execute(
      1,
      WorkflowContext.create({ signal: controller.signal }),
    );
    const assertion = expect(result).rejects.toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
    expect(listenerCount(controller.signal)).toBe(0);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(mock.callCount).toBe(1);
  });

  it('validates options', () => {
    const inner = lambda((x: number) => x);
    expect(() => new RetryPrimitive(inner, { maxRetries: -1 })).toThrow(RangeError);
    expect(() => new RetryPrimitive(inner, { maxRetries: 1.5 })).toThrow(RangeError);
    expect(() => new RetryPrimitive(inner, { initialDelayMs: Number.NaN })).toThrow(RangeError);
    expect(() => new RetryPrimitive(inner, { backoffMultiplier: 0.5 })).toThrow(RangeError);
    expect(() => new RetryPrimitive(inner, { maxDelayMs: -1 })).toThrow(RangeError);
    expect(() => new RetryPrimitive(inner, { retryOn: 1 as never })).toThrow(TypeError);
    expect(() => new RetryPrimitive(inner, { jitter: 'yes' as never })).toThrow(TypeError);
    expect(() => new RetryPrimitive({} as never)).toThrow(TypeError);
  });

  it('property: attempts never exceed maxRetries + 1 and a success stops retrying', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 10 }),
        async (maxRetries, failures) => {
          const mock = new MockPrimitive<number, string>({ returns: 'ok', failTimes: failures });
          const retry = new RetryPrimitive(mock, { maxRetries, initialDelayMs: 0 });
          const outcome = await retry.execute(1).then(
            (v) => v,
            () => 'failed',
          );
          expect(mock.callCount).toBeLessThanOrEqual(maxRetries + 1);
          if (failures <= maxRetries) {
            expect(outcome).toBe('ok');
            expect(mock.callCount).toBe(failures + 1);
          } else {
            expect(outcome).toBe('failed');
            expect(mock.callCount).toBe(maxRetries + 1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('RetryPrimitive: an attempt that succeeds at once (issue 16)', () => {
  it('costs the step’s own promise and one more, no async frame', async () => {
    const { createHook } = await import('node:async_hooks');
    const retry = new RetryPrimitive(
      lambda(async (n: number) => n + 1),
      { maxRetries: 3, initialDelayMs: 0 },
    );
    const ctx = WorkflowContext.create();
    await retry.execute(1, ctx);
    let made = 0;
    const counter = createHook({
      init(_id, type) {
        if (type === 'PROMISE') made++;
      },
    });
    counter.enable();
    let running: Promise<number>;
    try {
      running = retry.execute(1, ctx);
    } finally {
      counter.disable();
    }
    await expect(running).resolves.toBe(2);
    // The step's promise and the rejection handler's (an async `run` made three).
    expect(made).toBe(2);
  });

  it('a step whose execute throws synchronously is still retried', async () => {
    let calls = 0;
    class Sync extends LambdaPrimitive<number, number> {
      override execute(input: number, context?: WorkflowContext): Promise<number> {
        calls++;
        if (calls === 1) throw new Error('thrown, not rejected');
        return super.execute(input, context);
      }
    }
    const retry = new RetryPrimitive(new Sync((n: number) => n * 2), { initialDelayMs: 0 });
    await expect(retry.execute(4)).resolves.toBe(8);
    expect(calls).toBe(2);
  });
});
