import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  applyOperation,
  CircuitBreakerPrimitive,
  type CircuitPolicy,
  type CircuitSnapshot,
  CLOSED,
  lambda,
} from '../src/index.js';
import { createRecordingHooks } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A step that fails when the outcome passed in says so. */
const step = lambda(async (fail: boolean) => {
  if (fail) throw new Error('down');
  return 'ok';
});

async function run(breaker: CircuitBreakerPrimitive<boolean, string>, outcomes: boolean[]) {
  for (const fail of outcomes) await breaker.execute(fail).catch(() => undefined);
}

const alternate = (n: number) => Array.from({ length: n }, (_, i) => i % 2 === 1);

describe('CircuitBreakerPrimitive failureRate (issue 12 item 9)', () => {
  it('a steady 50% failure rate opens the circuit once the window holds minimumCalls calls', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    try {
      const breaker = new CircuitBreakerPrimitive(step, {
        failureRate: { threshold: 0.5, minimumCalls: 10, windowMs: 10_000 },
      });
      await run(breaker, alternate(9)); // 9 calls, 4 failed: below minimumCalls
      expect(breaker.state).toBe('closed');
      await run(breaker, [true]); // 10 calls, 5 failed: 50%
      expect(breaker.state).toBe('open');
      await expect(breaker.execute(false)).rejects.toMatchObject({ name: 'CircuitOpenError' });
      expect(recorder.events.filter((e) => e.type === 'circuit-state-change')).toMatchObject([
        { from: 'closed', to: 'open' },
      ]);
    } finally {
      recorder.off();
    }
  });

  it('stays closed below the threshold, and consecutive failures alone do not open it', async () => {
    vi.useFakeTimers({ now: 0 });
    const breaker = new CircuitBreakerPrimitive(step, {
      failureRate: { threshold: 0.5, minimumCalls: 10, windowCalls: 20 },
    });
    // 8 failures in a row (the default failureThreshold, 5, is off), then successes: 8/20 = 40%.
    await run(breaker, [...Array(8).fill(true), ...Array(12).fill(false)]);
    expect(breaker.state).toBe('closed');
    await run(breaker, [true]); // the 21st call: the oldest failure slid out, 8/20 again
    expect(breaker.state).toBe('closed');
  });

  it('a count window forgets calls older than the last windowCalls', async () => {
    const breaker = new CircuitBreakerPrimitive(step, {
      failureRate: { threshold: 0.5, minimumCalls: 4, windowCalls: 4 },
    });
    await run(breaker, [true, false, false, false, false, false, false]);
    await run(breaker, [true]); // window: f f f T → 25%
    expect(breaker.state).toBe('closed');
    await run(breaker, [true]); // f f T T → 50%
    expect(breaker.state).toBe('open');
  });

  it('a time window forgets failures older than windowMs (it slides in tenths)', async () => {
    vi.useFakeTimers({ now: 0 });
    const breaker = new CircuitBreakerPrimitive(step, {
      failureRate: { threshold: 0.5, minimumCalls: 4, windowMs: 1000 },
    });
    await run(breaker, [true, true, false]); // 3 calls at t=0, 2 failed
    vi.setSystemTime(1100); // the t=0 slot has slid out
    await run(breaker, [false, false, false]);
    await run(breaker, [true]); // 4 calls in the window, 1 failed: 25%
    expect(breaker.state).toBe('closed');
    vi.setSystemTime(1500);
    await run(breaker, [true]); // 5 calls, 2 failed: 40%
    expect(breaker.state).toBe('closed');
    await run(breaker, [true]); // 6 calls, 3 failed: 50%
    expect(breaker.state).toBe('open');
  });

  it('with failureThreshold given too, whichever comes first opens it', async () => {
    const breaker = new CircuitBreakerPrimitive(step, {
      failureThreshold: 3,
      failureRate: { threshold: 0.9, minimumCalls: 100 },
    });
    await run(breaker, [true, true, true]);
    expect(breaker.state).toBe('open');
  });

  it('a circuit that closes again starts an empty window (no instant reopening)', async () => {
    vi.useFakeTimers({ now: 0 });
    const breaker = new CircuitBreakerPrimitive(step, {
      recoveryTimeoutMs: 1000,
      successThreshold: 1,
      failureRate: { threshold: 0.5, minimumCalls: 4, windowCalls: 10 },
    });
    await run(breaker, [true, true, true, true]);
    expect(breaker.state).toBe('open');
    vi.setSystemTime(1000);
    await run(breaker, [false]); // the trial succeeds: closed
    expect(breaker.state).toBe('closed');
    await run(breaker, [true, false, false]); // 1 of 3: below minimumCalls, and 33%
    expect(breaker.state).toBe('closed');
  });

  it('counts the same through applyOperation: the window is in the snapshot, emptied on a state change', () => {
    const policy: CircuitPolicy = {
      failureThreshold: Number.POSITIVE_INFINITY,
      recoveryTimeoutMs: 1000,
      successThreshold: 1,
      halfOpenMaxCalls: 1,
      failureRatePercent: 50,
      minimumCalls: 2,
      windowMs: 0,
      windowSlots: 3,
    };
    let s: CircuitSnapshot = CLOSED;
    s = applyOperation(s, { kind: 'success', trial: false }, policy, 0).next;
    expect(s.window).toEqual({ tick: 1, calls: [0, 1, 0], failures: [0, 0, 0] });
    s = applyOperation(s, { kind: 'failure', trial: false }, policy, 0).next;
    expect(s.state).toBe('open');
    expect(s.window).toBeUndefined();
  });

  it('validates the option', () => {
    const make = (failureRate: unknown) =>
      new CircuitBreakerPrimitive(step, { failureRate: failureRate as never });
    expect(() => make(0.5)).toThrow(TypeError);
    expect(() => make({ threshold: 0 })).toThrow(/threshold must be a number in \(0, 1\]/);
    expect(() => make({ threshold: 1.5 })).toThrow(RangeError);
    expect(() => make({ threshold: 0.5, minimumCalls: 0 })).toThrow(RangeError);
    expect(() => make({ threshold: 0.5, windowMs: 1000, windowCalls: 10 })).toThrow(TypeError);
    expect(() => make({ threshold: 0.5, windowCalls: 1001 })).toThrow(RangeError);
    expect(() => make({ threshold: 0.5, windowCalls: 5, minimumCalls: 6 })).toThrow(
      /cannot exceed windowCalls/,
    );
    expect(() => make({ threshold: 0.5, windowMs: 0 })).toThrow(RangeError);
    expect(make({ threshold: 0.3 }).describe().options).toMatchObject({
      failureRate: '30% of >= 10 calls in 60000ms',
    });
  });
});
