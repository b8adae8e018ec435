import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  CircuitBreakerPrimitive,
  CircuitOpenError,
  type CircuitState,
  InMemoryCircuitBreakerStore,
  lambda,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { deferred, withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A step whose outcome the test sets per call. */
function switchable() {
  let fail = false;
  const calls = { count: 0 };
  const step = lambda(async () => {
    calls.count++;
    if (fail) throw new Error('down');
    return 'ok';
  });
  return { step, calls, setFailing: (f: boolean) => (fail = f) };
}

describe('CircuitBreakerPrimitive', () => {
  it('opens after failureThreshold consecutive failures and then rejects without calling inner', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    const { step, calls, setFailing } = switchable();
    const breaker = new CircuitBreakerPrimitive(step, {
      failureThreshold: 3,
      recoveryTimeoutMs: 1000,
      name: 'llm',
    });
    try {
      setFailing(true);
      for (let i = 0; i < 3; i++) await breaker.execute(undefined).catch(() => {});
      expect(breaker.state).toBe('open');
      const error = await breaker.execute(undefined).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toMatchObject({ circuit: 'llm', retryAfterMs: 1000 });
      expect(calls.count).toBe(3);
      expect(
        recorder.events.flatMap((e) =>
          e.type === 'circuit-state-change' ? [`${e.from}>${e.to}`] : [],
        ),
      ).toEqual(['closed>open']);
    } finally {
      recorder.off();
    }
  });

  it('a success in between resets the consecutive count', async () => {
    const { step, setFailing } = switchable();
    const breaker = new CircuitBreakerPrimitive(step, { failureThreshold: 2 });
    setFailing(true);
    await breaker.execute(undefined).catch(() => {});
    setFailing(false);
    await breaker.execute(undefined);
    setFailing(true);
    await breaker.execute(undefined).catch(() => {});
    expect(breaker.state).toBe('closed');
  });

  it('after the recovery time lets a trial through; successThreshold successes close it', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    const { step, setFailing } = switchable();
    const breaker = new CircuitBreakerPrimitive(step, {
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      successThreshold: 2,
    });
    try {
      setFailing(true);
      await breaker.execute(undefined).catch(() => {});
      vi.advanceTimersByTime(999);
      await expect(breaker.execute(undefined)).rejects.toMatchObject({ retryAfterMs: 1 });
      vi.advanceTimersByTime(1);
      setFailing(false);
      await breaker.execute(undefined);
      expect(breaker.state).toBe('half-open');
      await breaker.execute(undefined);
      expect(breaker.state).toBe('closed');
      expect(
        recorder.events.flatMap((e) =>
          e.type === 'circuit-state-change' ? [`${e.from}>${e.to}`] : [],
        ),
      ).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
    } finally {
      recorder.off();
    }
  });

  it('a failed trial reopens it for another recovery period', async () => {
    vi.useFakeTimers({ now: 0 });
    const { step, setFailing } = switchable();
    const breaker = new CircuitBreakerPrimitive(step, {
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
    });
    setFailing(true);
    await breaker.execute(undefined).catch(() => {});
    vi.advanceTimersByTime(1000);
    await breaker.execute(undefined).catch(() => {});
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(999);
    await expect(breaker.execute(undefined)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('half-open admits at most halfOpenMaxCalls concurrent trials', async () => {
    vi.useFakeTimers({ now: 0 });
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    let call = 0;
    const inner = lambda(() => {
      if (call === 0) {
        call++;
        return Promise.reject(new Error('first fails'));
      }
      return (gates[call++ - 1] as ReturnType<typeof deferred<string>>).promise;
    });
    const breaker = new CircuitBreakerPrimitive(inner, {
      failureThreshold: 1,
      recoveryTimeoutMs: 100,
      halfOpenMaxCalls: 2,
      successThreshold: 2,
    });
    await breaker.execute(undefined).catch(() => {});
    vi.advanceTimersByTime(100);
    const trials = [
      breaker.execute(undefined),
      breaker.execute(undefined),
      breaker.execute(undefined),
    ];
    await expect(trials[2]).rejects.toMatchObject({ name: 'CircuitOpenError', retryAfterMs: 0 });
    expect(call).toBe(3);
    gates[0]?.resolve('a');
    gates[1]?.resolve('b');
    await expect(Promise.all(trials.slice(0, 2))).resolves.toEqual(['a', 'b']);
    expect(breaker.state).toBe('closed');
  });

  it('reports the state each call was admitted in (circuit-admission events)', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    const { step, setFailing } = switchable();
    const breaker = new CircuitBreakerPrimitive(step, {
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      successThreshold: 1,
    });
    try {
      await breaker.execute(undefined);
      setFailing(true);
      await breaker.execute(undefined).catch(() => {});
      await breaker.execute(undefined).catch(() => {}); // refused
      vi.setSystemTime(1000);
      setFailing(false);
      await breaker.execute(undefined); // the trial
      expect(
        recorder.events.flatMap((e) =>
          e.type === 'circuit-admission' ? [`${e.state}:${e.allowed}`] : [],
        ),
      ).toEqual(['closed:true', 'closed:true', 'open:false', 'half-open:true']);
    } finally {
      recorder.off();
    }
  });

  it('errors that isFailure rejects, and cancellation, do not count', async () => {
    const cancelled = new MockPrimitive({ throws: new CancelledError() });
    const breaker = new CircuitBreakerPrimitive(cancelled, { failureThreshold: 1 });
    await breaker.execute(1).catch(() => {});
    expect(breaker.state).toBe('closed');
    const notFound = new MockPrimitive({
      throws: Object.assign(new Error('404'), { status: 404 }),
    });
    const picky = new CircuitBreakerPrimitive(notFound, {
      failureThreshold: 1,
      isFailure: (e) => (e as { status?: number }).status !== 404,
    });
    await picky.execute(1).catch(() => {});
    expect(picky.state).toBe('closed');
  });

  it('reset() closes the circuit and emits the change', async () => {
    const recorder = withHooks(createRecordingHooks());
    const breaker = new CircuitBreakerPrimitive(new MockPrimitive({ throws: new Error('x') }), {
      failureThreshold: 1,
    });
    try {
      await breaker.execute(1).catch(() => {});
      await breaker.reset();
      expect(breaker.state).toBe('closed');
      expect(await breaker.getState()).toBe('closed');
      expect(recorder.events.at(-1)).toMatchObject({
        type: 'circuit-state-change',
        from: 'open',
        to: 'closed',
      });
    } finally {
      recorder.off();
    }
  });

  it('breakers sharing a store and key share one circuit', async () => {
    const store = new InMemoryCircuitBreakerStore();
    const failing = new MockPrimitive({ throws: new Error('x') });
    const healthy = new MockPrimitive({ returns: 'ok' });
    const a = new CircuitBreakerPrimitive(failing, { store, key: 'provider', failureThreshold: 1 });
    const b = new CircuitBreakerPrimitive(healthy, { store, key: 'provider' });
    await a.execute(1).catch(() => {});
    await expect(b.execute(1)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(healthy.callCount).toBe(0);
  });

  it('validates options', () => {
    const p = lambda((x: number) => x);
    expect(() => new CircuitBreakerPrimitive(p, { failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreakerPrimitive(p, { successThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreakerPrimitive(p, { halfOpenMaxCalls: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreakerPrimitive(p, { recoveryTimeoutMs: -5 })).toThrow(RangeError);
    expect(() => new CircuitBreakerPrimitive(p, { isFailure: 'x' as never })).toThrow(TypeError);
    expect(() => new CircuitBreakerPrimitive(p, { key: '' })).toThrow(TypeError);
  });

  it('model-based: matches a reference state machine under any sequence of calls and time steps', async () => {
    type Model = {
      state: CircuitState;
      failures: number;
      successes: number;
      openedAt: number;
      now: number;
    };
    const policy = { failureThreshold: 3, recoveryTimeoutMs: 1000, successThreshold: 2 };

    const command = fc.oneof(
      fc.record({ kind: fc.constant('call' as const), fails: fc.boolean() }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 60 }), async (commands) => {
        vi.useFakeTimers({ now: 0 });
        try {
          let fails = false;
          let innerCalls = 0;
          const inner = lambda(async () => {
            innerCalls++;
            if (fails) throw new Error('down');
            return 'ok';
          });
          const breaker = new CircuitBreakerPrimitive(inner, policy);
          const m: Model = { state: 'closed', failures: 0, successes: 0, openedAt: 0, now: 0 };

          for (const c of commands) {
            if (c.kind === 'wait') {
              vi.advanceTimersByTime(c.ms);
              m.now += c.ms;
              continue;
            }
            fails = c.fails;
            // Reference model, written independently of the implementation.
            let expectCall = true;
            if (m.state === 'open') {
              if (m.now - m.openedAt < policy.recoveryTimeoutMs) expectCall = false;
              else {
                m.state = 'half-open';
                m.successes = 0;
              }
            }
            if (expectCall) {
              if (c.fails) {
                if (m.state === 'half-open') {
                  m.state = 'open';
                  m.openedAt = m.now;
                } else if (++m.failures >= policy.failureThreshold) {
                  m.state = 'open';
                  m.openedAt = m.now;
                }
              } else if (m.state === 'half-open') {
                if (++m.successes >= policy.successThreshold) {
                  m.state = 'closed';
                  m.failures = 0;
                }
              } else {
                m.failures = 0;
              }
            }
            const before = innerCalls;
            const outcome = await breaker.execute(undefined).then(
              () => 'ok',
              (e: unknown) => (e instanceof CircuitOpenError ? 'rejected' : 'failed'),
            );
            expect(innerCalls - before).toBe(expectCall ? 1 : 0);
            expect(outcome).toBe(expectCall ? (c.fails ? 'failed' : 'ok') : 'rejected');
            expect(breaker.state).toBe(m.state);
          }
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CircuitBreakerPrimitive cancellation', () => {
  it('an aborted call stops the inner work, leaves no timer, and does not count as a failure', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slow = new MockPrimitive<number, number>({ returns: 1, delayMs: 1000 });
    const breaker = new CircuitBreakerPrimitive(slow, { failureThreshold: 1 });
    const { WorkflowContext } = await import('../src/index.js');
    const call = breaker.execute(1, WorkflowContext.create({ signal: controller.signal }));
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    expect(vi.getTimerCount()).toBe(0);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreakerPrimitive with a failing store', () => {
  it('fails open: calls still run, and store-error events report the outage', async () => {
    const recorder = withHooks(createRecordingHooks());
    const down = () => Promise.reject(new Error('store unreachable'));
    const breaker = new CircuitBreakerPrimitive(
      new MockPrimitive<number, number>({ impl: (n) => n }),
      {
        store: { get: down, apply: down, reset: down },
      },
    );
    try {
      await expect(breaker.execute(7)).resolves.toBe(7);
      expect(
        recorder.events.flatMap((e) => (e.type === 'store-error' ? [e.operation] : [])),
      ).toEqual(['admit', 'success']);
    } finally {
      recorder.off();
    }
  });
});

describe('CircuitBreakerPrimitive counts consecutive failures only (issue 12, item 8)', () => {
  it('a success admitted before a failure still breaks the run of failures', async () => {
    const { deferred } = await import('./helpers.js');
    const gate = deferred<string>();
    let call = 0;
    const inner = lambda(async () => {
      call++;
      if (call === 1) return gate.promise; // A: slow, will succeed
      throw new Error('down');
    });
    const breaker = new CircuitBreakerPrimitive(inner, { failureThreshold: 2 });
    const slow = breaker.execute(undefined); // A starts while the circuit has no failures
    await expect(breaker.execute(undefined)).rejects.toThrow('down'); // 1 failure
    gate.resolve('ok');
    await expect(slow).resolves.toBe('ok'); // A succeeds: the run of failures is broken
    await expect(breaker.execute(undefined)).rejects.toThrow('down'); // 1 failure again
    expect(breaker.state).toBe('closed');
  });
});
