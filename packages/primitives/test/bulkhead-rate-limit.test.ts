import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BulkheadPrimitive,
  BulkheadRejectedError,
  CancelledError,
  DeadlineExceededError,
  InMemoryRateLimitStore,
  lambda,
  RateLimitExceededError,
  RateLimitPrimitive,
  WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { deferred, listenerCount, withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('BulkheadPrimitive', () => {
  function gated() {
    const gates: ReturnType<typeof deferred<string>>[] = [];
    let running = 0;
    let peak = 0;
    const inner = lambda(async (label: string) => {
      running++;
      peak = Math.max(peak, running);
      const gate = deferred<string>();
      gates.push(gate);
      try {
        return `${label}:${await gate.promise}`;
      } finally {
        running--;
      }
    });
    return { inner, gates, peak: () => peak };
  }

  it('runs at most maxConcurrent, queues up to maxQueue in order, rejects the rest', async () => {
    const recorder = withHooks(createRecordingHooks());
    const { inner, gates, peak } = gated();
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 2, maxQueue: 1 });
    try {
      const a = bulkhead.execute('a');
      const b = bulkhead.execute('b');
      const c = bulkhead.execute('c');
      await expect(bulkhead.execute('d')).rejects.toBeInstanceOf(BulkheadRejectedError);
      expect([bulkhead.running, bulkhead.queued]).toEqual([2, 1]);
      await Promise.resolve();
      gates[0]?.resolve('1');
      await expect(a).resolves.toBe('a:1');
      await vi.waitFor(() => expect(gates).toHaveLength(3));
      gates[1]?.resolve('2');
      gates[2]?.resolve('3');
      await expect(Promise.all([b, c])).resolves.toEqual(['b:2', 'c:3']);
      expect(peak()).toBe(2);
      expect(recorder.events.map((e) => e.type)).toEqual(['rejection']);
    } finally {
      recorder.off();
    }
  });

  it('a failing call frees its slot', async () => {
    const bulkhead = new BulkheadPrimitive(new MockPrimitive({ throws: new Error('x') }), {
      maxConcurrent: 1,
    });
    await expect(bulkhead.execute(1)).rejects.toThrow('x');
    expect(bulkhead.running).toBe(0);
    await expect(bulkhead.execute(1)).rejects.toThrow('x');
  });

  it('a queued call leaves the queue when aborted, and never runs', async () => {
    const { inner, gates } = gated();
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 1, maxQueue: 5 });
    const controller = new AbortController();
    const first = bulkhead.execute('a');
    const queued = bulkhead.execute('b', WorkflowContext.create({ signal: controller.signal }));
    expect(bulkhead.queued).toBe(1);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect(bulkhead.queued).toBe(0);
    expect(listenerCount(controller.signal)).toBe(0);
    gates[0]?.resolve('done');
    await first;
    expect(gates).toHaveLength(1);
  });

  it('removes the abort listener when a queued call starts', async () => {
    const { inner, gates } = gated();
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 1, maxQueue: 1 });
    const controller = new AbortController();
    const first = bulkhead.execute('a');
    const second = bulkhead.execute('b', WorkflowContext.create({ signal: controller.signal }));
    expect(listenerCount(controller.signal)).toBe(1);
    gates[0]?.resolve('1');
    await first;
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    expect(listenerCount(controller.signal)).toBe(0);
    gates[1]?.resolve('2');
    await expect(second).resolves.toBe('b:2');
  });

  it('validates options', () => {
    const p = lambda((x: number) => x);
    expect(() => new BulkheadPrimitive(p, { maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => new BulkheadPrimitive(p, { maxConcurrent: 1, maxQueue: -1 })).toThrow(RangeError);
    expect(() => new BulkheadPrimitive(p, undefined as never)).toThrow(TypeError);
  });
});

describe('RateLimitPrimitive', () => {
  it('allows a burst of tokensPerInterval, then spaces calls at the refill rate, in order', async () => {
    vi.useFakeTimers({ now: 0 });
    const inner = new MockPrimitive<number, number>({ impl: (n) => n });
    const limiter = new RateLimitPrimitive(inner, { tokensPerInterval: 2, intervalMs: 1000 });
    const results = [1, 2, 3, 4].map((n) => limiter.execute(n));
    await vi.advanceTimersByTimeAsync(0);
    expect(inner.callCount).toBe(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(inner.callCount).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // one token every 500 ms
    expect(inner.callCount).toBe(3);
    await vi.advanceTimersByTimeAsync(500);
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4]);
    expect(inner.calls.map((c) => c.input)).toEqual([1, 2, 3, 4]);
  });

  it('a waiting caller can be cancelled; it gives back its turn and leaves nothing behind', async () => {
    vi.useFakeTimers({ now: 0 });
    const inner = new MockPrimitive<number, number>({ impl: (n) => n });
    const limiter = new RateLimitPrimitive(inner, { tokensPerInterval: 1, intervalMs: 1000 });
    await limiter.execute(1);
    const controller = new AbortController();
    const waiting = limiter.execute(2, WorkflowContext.create({ signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(vi.getTimerCount()).toBe(0);
    expect(listenerCount(controller.signal)).toBe(0);
    // The given-back reservation means the next caller waits only for the refill.
    const next = limiter.execute(3);
    await vi.advanceTimersByTimeAsync(900);
    await expect(next).resolves.toBe(3);
    expect(inner.callCount).toBe(2);
  });

  it('keeps first come, first served when a waiting caller gives up; the burst stays within tokensPerInterval', async () => {
    // Issue 12 item 7: b gave up at 10 ms, c kept its 2000 ms turn and d, arriving later,
    // was scheduled 1 ms after c: two calls in one interval of a 1-per-second limit.
    vi.useFakeTimers({ now: 0 });
    const starts: [number, number][] = [];
    const inner = lambda((n: number) => {
      starts.push([n, Date.now()]);
      return n;
    });
    const limiter = new RateLimitPrimitive(inner, { tokensPerInterval: 1, intervalMs: 1000 });
    const a = limiter.execute(1);
    const giveUp = new AbortController();
    const b = limiter.execute(2, WorkflowContext.create({ signal: giveUp.signal }));
    const c = limiter.execute(3);
    await vi.advanceTimersByTimeAsync(10);
    giveUp.abort();
    await expect(b).rejects.toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(1);
    const d = limiter.execute(4);
    await vi.advanceTimersByTimeAsync(3000);
    await expect(Promise.all([a, c, d])).resolves.toEqual([1, 3, 4]);
    expect(starts).toEqual([
      [1, 0],
      [3, 1000], // c moved up into b's turn
      [4, 2000], // d after c, one interval later
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with callers giving up at random, the survivors start in arrival order and never faster than the bucket allows', async () => {
    vi.useFakeTimers({ now: 0 });
    const starts: [number, number][] = [];
    const inner = lambda((n: number) => {
      starts.push([n, Date.now()]);
      return n;
    });
    const limiter = new RateLimitPrimitive(inner, { tokensPerInterval: 2, intervalMs: 1000 });
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const runs: Promise<unknown>[] = [];
    for (let n = 0; n < 40; n++) {
      const controller = new AbortController();
      if (n % 3 === 1) setTimeout(() => controller.abort(), Math.floor(random() * 8000));
      runs.push(
        limiter.execute(n, WorkflowContext.create({ signal: controller.signal })).catch(() => -1),
      );
      await vi.advanceTimersByTimeAsync(Math.floor(random() * 300));
    }
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(runs);
    const order = starts.map(([n]) => n);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order.filter((n) => n % 3 !== 1)).toEqual(
      Array.from({ length: 40 }, (_, n) => n).filter((n) => n % 3 !== 1),
    );
    // A token bucket of 2 refilled every 500 ms: any 3 consecutive starts span >= 500 ms.
    for (let i = 2; i < starts.length; i++)
      expect(
        (starts[i] as [number, number])[1] - (starts[i - 2] as [number, number])[1],
      ).toBeGreaterThanOrEqual(500);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a store that answers nonsense fails open with a store-error event, like a failing one', async () => {
    const recorder = withHooks(createRecordingHooks());
    const limiter = new RateLimitPrimitive(
      lambda((n: number) => n),
      {
        tokensPerInterval: 1,
        intervalMs: 1000,
        store: { reserve: () => 42 as never, claim: () => 0, release: () => {} },
      },
    );
    try {
      await expect(limiter.execute(1)).resolves.toBe(1);
      expect(recorder.events).toMatchObject([
        {
          type: 'store-error',
          store: 'rate-limit',
          operation: 'reserve',
          error: { name: 'TypeError' },
        },
      ]);
    } finally {
      recorder.off();
    }
  });

  it('rejects waits longer than maxWaitMs or past the deadline', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    const inner = new MockPrimitive<number, number>({ impl: (n) => n });
    const limiter = new RateLimitPrimitive(inner, {
      tokensPerInterval: 1,
      intervalMs: 1000,
      maxWaitMs: 500,
    });
    try {
      await limiter.execute(1);
      await expect(limiter.execute(2)).rejects.toMatchObject({
        name: 'RateLimitExceededError',
        retryAfterMs: 1000,
      });
      const patient = new RateLimitPrimitive(inner, {
        tokensPerInterval: 1,
        intervalMs: 1000,
        name: 'patient',
      });
      await patient.execute(1);
      await expect(
        patient.execute(2, WorkflowContext.create({ deadline: 200 })),
      ).rejects.toBeInstanceOf(RateLimitExceededError);
      expect(recorder.events.filter((e) => e.type === 'rejection')).toHaveLength(2);
    } finally {
      recorder.off();
    }
  });

  it('limiters sharing a store and key share a bucket', async () => {
    vi.useFakeTimers({ now: 0 });
    const store = new InMemoryRateLimitStore();
    const a = new RateLimitPrimitive(
      lambda((n: number) => n),
      { tokensPerInterval: 1, intervalMs: 1000, store, key: 'api', maxWaitMs: 0 },
    );
    const b = new RateLimitPrimitive(
      lambda((n: number) => n),
      { tokensPerInterval: 1, intervalMs: 1000, store, key: 'api', maxWaitMs: 0 },
    );
    await a.execute(1);
    await expect(b.execute(1)).rejects.toBeInstanceOf(RateLimitExceededError);
  });

  it('validates options', () => {
    const p = lambda((x: number) => x);
    expect(() => new RateLimitPrimitive(p, { tokensPerInterval: 0, intervalMs: 1 })).toThrow(
      RangeError,
    );
    expect(() => new RateLimitPrimitive(p, { tokensPerInterval: 1, intervalMs: 0 })).toThrow(
      RangeError,
    );
    expect(
      () => new RateLimitPrimitive(p, { tokensPerInterval: 1, intervalMs: 1, maxWaitMs: -1 }),
    ).toThrow(RangeError);
  });
});

describe('RateLimitPrimitive with a failing store', () => {
  it('fails open with a store-error event', async () => {
    const recorder = withHooks(createRecordingHooks());
    const limiter = new RateLimitPrimitive(
      lambda((n: number) => n),
      {
        tokensPerInterval: 1,
        intervalMs: 1000,
        store: {
          reserve: () => Promise.reject(new Error('down')),
          claim: () => 0,
          release: () => {},
        },
      },
    );
    try {
      await expect(limiter.execute(1)).resolves.toBe(1);
      expect(recorder.events).toMatchObject([
        { type: 'store-error', store: 'rate-limit', operation: 'reserve' },
      ]);
    } finally {
      recorder.off();
    }
  });
});

describe('BulkheadPrimitive slot hand-off', () => {
  it('a queued call cancelled in the turn it is admitted passes its slot on', async () => {
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const inner = lambda(async (x: number) => {
      running++;
      peak = Math.max(peak, running);
      if (x === 1) await gate.promise;
      await Promise.resolve();
      running--;
      return x;
    });
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 1, maxQueue: 2 });
    const controller = new AbortController();
    const first = bulkhead.execute(1);
    const second = bulkhead.execute(2, WorkflowContext.create({ signal: controller.signal }));
    const third = bulkhead.execute(3);
    gate.resolve();
    await first;
    controller.abort(); // the slot was just handed to `second`
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    await expect(third).resolves.toBe(3);
    expect(peak).toBe(1);
    expect(bulkhead.running).toBe(0);
    expect(bulkhead.queued).toBe(0);
  });

  it('a slot freed while a new caller arrives goes to the queued caller first', async () => {
    const gate = deferred();
    const order: number[] = [];
    const inner = lambda(async (x: number) => {
      order.push(x);
      if (x === 1) await gate.promise;
      return x;
    });
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 1, maxQueue: 5 });
    const first = bulkhead.execute(1);
    const queued = bulkhead.execute(2);
    gate.resolve();
    await first;
    const late = bulkhead.execute(3); // arrives before the queued call's turn has run
    await Promise.all([queued, late]);
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('BulkheadPrimitive deadlines (issue 12, item 6)', () => {
  it('a queued call whose deadline passes leaves the queue at once', async () => {
    vi.useFakeTimers();
    const gate = deferred();
    const inner = lambda(async (x: number) => {
      if (x === 1) await gate.promise;
      return x;
    });
    const bulkhead = new BulkheadPrimitive(inner, { maxConcurrent: 1, maxQueue: 1 });
    const first = bulkhead.execute(1);
    const late = bulkhead
      .execute(2, WorkflowContext.create({ deadline: Date.now() + 100 }))
      .catch((e: unknown) => e);
    expect(bulkhead.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await late).toBeInstanceOf(DeadlineExceededError);
    expect(bulkhead.queued).toBe(0);
    // Its place is free: a live caller queues instead of being rejected.
    const third = bulkhead.execute(3);
    gate.resolve();
    await expect(first).resolves.toBe(1);
    await expect(third).resolves.toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });
});
