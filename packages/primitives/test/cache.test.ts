import { runWithContext } from '@tta/agent-context';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CachePrimitive,
  type CacheStore,
  CancelledError,
  WorkflowContext as Ctx,
  DeadlineExceededError,
  InMemoryCacheStore,
  lambda,
  sequential,
  type WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { deferred, listenerCount, withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CachePrimitive', () => {
  it('serves repeated inputs from the cache, whatever the key order, and counts hits', async () => {
    const recorder = withHooks(createRecordingHooks());
    const model = new MockPrimitive<{ prompt: string; temperature: number }, string>({
      impl: (i) => `answer ${i.prompt}`,
    });
    const cache = new CachePrimitive(model);
    try {
      await expect(cache.execute({ prompt: 'hi', temperature: 0 })).resolves.toBe('answer hi');
      await expect(cache.execute({ temperature: 0, prompt: 'hi' })).resolves.toBe('answer hi');
      await expect(cache.execute({ prompt: 'bye', temperature: 0 })).resolves.toBe('answer bye');
      expect(model.callCount).toBe(2);
      expect(cache.stats()).toEqual({ hits: 1, misses: 2, evictions: 0, size: 2, hitRate: 1 / 3 });
      expect(recorder.events.map((e) => e.type)).toEqual(['cache-miss', 'cache-hit', 'cache-miss']);
    } finally {
      recorder.off();
    }
  });

  it('expires entries after ttlMs', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const model = new MockPrimitive<string, string>({ impl: (s) => s });
    const cache = new CachePrimitive(model, { ttlMs: 1000 });
    await cache.execute('a');
    vi.advanceTimersByTime(1000);
    await cache.execute('a');
    expect(model.callCount).toBe(1);
    vi.advanceTimersByTime(1);
    await cache.execute('a');
    expect(model.callCount).toBe(2);
  });

  it('evicts the least recently used beyond maxSize and counts evictions', async () => {
    const model = new MockPrimitive<string, string>({ impl: (s) => s });
    const cache = new CachePrimitive(model, { maxSize: 2 });
    await cache.execute('a');
    await cache.execute('b');
    await cache.execute('a'); // a is now most recent
    await cache.execute('c'); // evicts b
    await cache.execute('a');
    await cache.execute('b');
    expect(model.calls.map((c) => c.input)).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.stats()).toMatchObject({ evictions: 2, size: 2 });
  });

  it('single-flight: concurrent misses call inner once and share the result', async () => {
    const gate = deferred<string>();
    const model = new MockPrimitive<string, string>({ impl: () => gate.promise });
    const cache = new CachePrimitive(model);
    const calls = Array.from({ length: 50 }, () => cache.execute('same'));
    gate.resolve('shared');
    await expect(Promise.all(calls)).resolves.toEqual(Array(50).fill('shared'));
    expect(model.callCount).toBe(1);
    await cache.execute('same');
    expect(model.callCount).toBe(1);
  });

  it('a failure reaches every waiter and is not cached', async () => {
    const gate = deferred<string>();
    let calls = 0;
    const model = lambda((_: string) => {
      calls++;
      return calls === 1 ? gate.promise : Promise.resolve('recovered');
    });
    const cache = new CachePrimitive(model);
    const waiters = [cache.execute('k'), cache.execute('k'), cache.execute('k')];
    const error = new Error('provider down');
    gate.reject(error);
    for (const waiter of waiters) await expect(waiter).rejects.toBe(error);
    await expect(cache.execute('k')).resolves.toBe('recovered');
    expect(calls).toBe(2);
  });

  it('a cancelled waiter leaves without cancelling the others; the last to leave cancels the call', async () => {
    let innerSignal: AbortSignal | undefined;
    const gate = deferred<string>();
    const model = lambda((_: string, ctx: WorkflowContext) => {
      innerSignal = ctx.signal;
      return gate.promise;
    });
    const cache = new CachePrimitive(model);
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.execute('k', Ctx.create({ signal: a.signal }));
    const second = cache.execute('k', Ctx.create({ signal: b.signal }));
    a.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect(innerSignal?.aborted).toBe(false);
    gate.resolve('done');
    await expect(second).resolves.toBe('done');
    expect(listenerCount(a.signal)).toBe(0);
    expect(listenerCount(b.signal)).toBe(0);

    const never = deferred<string>();
    const lonely = new CachePrimitive(
      lambda((_: string, ctx: WorkflowContext) => {
        innerSignal = ctx.signal;
        return never.promise;
      }),
    );
    const c = new AbortController();
    const only = lonely.execute('x', Ctx.create({ signal: c.signal }));
    c.abort();
    await expect(only).rejects.toBeInstanceOf(CancelledError);
    expect(innerSignal?.aborted).toBe(true);
  });

  it('caches only what cacheIf accepts, and undefined results too', async () => {
    const model = new MockPrimitive<string, string>({ impl: (s) => (s === 'refuse' ? '' : s) });
    const cache = new CachePrimitive(model, { cacheIf: (out) => out !== '' });
    await cache.execute('refuse');
    await cache.execute('refuse');
    expect(model.callCount).toBe(2);
    const nothing = new MockPrimitive<string, undefined>({});
    const cachedNothing = new CachePrimitive(nothing);
    await cachedNothing.execute('x');
    await cachedNothing.execute('x');
    expect(nothing.callCount).toBe(1);
  });

  it('uses a custom key, supports invalidate and clear', async () => {
    const model = new MockPrimitive<{ user: string; q: string }, string>({ impl: (i) => i.q });
    const cache = new CachePrimitive(model, { key: (i) => i.q.toLowerCase() });
    await cache.execute({ user: 'a', q: 'Hello' });
    await cache.execute({ user: 'b', q: 'hello' });
    expect(model.callCount).toBe(1);
    await expect(cache.invalidate('hello')).resolves.toBe(true);
    await cache.execute({ user: 'a', q: 'Hello' });
    expect(model.callCount).toBe(2);
    await cache.clear();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, size: 0 });
  });

  it('a failing store degrades to calling inner, with cache-error events', async () => {
    const recorder = withHooks(createRecordingHooks());
    const broken: CacheStore<string> = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => {
        throw new Error('ECONNREFUSED');
      },
      delete: () => false,
      clear: () => {},
    };
    const model = new MockPrimitive<string, string>({ impl: (s) => s.toUpperCase() });
    try {
      await expect(new CachePrimitive(model, { store: broken }).execute('x')).resolves.toBe('X');
      await vi.waitFor(() =>
        expect(
          recorder.events
            .filter((e) => e.type === 'cache-error')
            .map((e) => e.type === 'cache-error' && e.operation),
        ).toEqual(['get', 'set']),
      );
    } finally {
      recorder.off();
    }
  });

  it('shares entries between caches with one store and namespace', async () => {
    const store = new InMemoryCacheStore<string>();
    const a = new MockPrimitive<string, string>({ returns: 'from a' });
    const b = new MockPrimitive<string, string>({ returns: 'from b' });
    await new CachePrimitive(a, { store, namespace: 'answers' }).execute('q');
    await expect(new CachePrimitive(b, { store, namespace: 'answers' }).execute('q')).resolves.toBe(
      'from a',
    );
    await expect(new CachePrimitive(b, { store, namespace: 'other' }).execute('q')).resolves.toBe(
      'from b',
    );
  });

  it('rejects inputs it cannot key, and bad options', async () => {
    const cache = new CachePrimitive(lambda((x: unknown) => x));
    await expect(cache.execute(() => 1)).rejects.toThrow(/key function/);
    const p = lambda((x: number) => x);
    expect(() => new CachePrimitive(p, { ttlMs: 0 })).toThrow(RangeError);
    expect(() => new CachePrimitive(p, { maxSize: 0 })).toThrow(RangeError);
    expect(() => new CachePrimitive(p, { store: new InMemoryCacheStore(), maxSize: 5 })).toThrow(
      TypeError,
    );
    expect(() => new CachePrimitive(p, { key: 'k' as never })).toThrow(TypeError);
  });
});

describe('CachePrimitive answering a root hit at once (issue 16)', () => {
  it('counts the hit, returns the value, runs nothing; with hooks, inside a run or with a context it takes the full path', async () => {
    const inner = new MockPrimitive<number, number>({ impl: (n: number) => n * 10 });
    const cache = new CachePrimitive(inner, { name: 'fast' });
    expect(await cache.execute(2)).toBe(20); // a miss: runs the step
    expect(await cache.execute(2)).toBe(20); // a root hit
    expect(await cache.execute(2, Ctx.create())).toBe(20); // with a context
    expect(inner.callCount).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 });
    // Observed calls still report their hit.
    const recorder = withHooks(createRecordingHooks());
    expect(await cache.execute(2)).toBe(20);
    expect(recorder.events.map((e) => e.type)).toEqual(['cache-hit']);
    recorder.off();
    // A cancelled current context still refuses to run, hit or not.
    const stop = new AbortController();
    stop.abort();
    await expect(
      runWithContext(Ctx.create({ signal: stop.signal }), () => cache.execute(2)),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    // A miss found by the fast path is not looked up twice, and is stored.
    expect(await cache.execute(3)).toBe(30);
    expect(await cache.execute(3)).toBe(30);
    expect(inner.callCount).toBe(2);
  });

  it('the key of the last input is reused only for that same input, under the same prefix', async () => {
    const inner = new MockPrimitive<unknown, string>({ impl: (x) => `seen ${String(x)}` });
    const cache = new CachePrimitive(inner);
    expect(await cache.execute(0)).toBe('seen 0');
    expect(await cache.execute(-0)).toBe('seen 0'); // another key: a miss
    expect(await cache.execute('a')).toBe('seen a');
    expect(await cache.execute('a')).toBe('seen a');
    expect(await cache.execute(Number.NaN)).toBe('seen NaN');
    expect(await cache.execute(Number.NaN)).toBe('seen NaN');
    expect(inner.callCount).toBe(4);
    // Composing the cache names it (and so its keys' prefix): the old entries are not its own.
    const unnamed = new CachePrimitive(inner);
    await unnamed.execute('b');
    await unnamed.execute('b');
    expect(inner.callCount).toBe(5);
    sequential(
      { name: 'flow' },
      unnamed,
      lambda((s: string) => s),
    );
    expect(unnamed.name).toBe('flow/1.cache');
    await unnamed.execute('b');
    expect(inner.callCount).toBe(6);
  });
});

describe('CachePrimitive cancellation and deadlines (issue 12, items 3-5)', () => {
  const slowStore = (ms: number): CacheStore<string> => {
    const inner = new InMemoryCacheStore<string>();
    return {
      get: (key) => new Promise((resolve) => setTimeout(() => resolve(inner.get(key)), ms)),
      set: (key, value, ttl) => inner.set(key, value, ttl),
      delete: (key) => inner.delete(key),
      clear: () => inner.clear(),
    };
  };

  it('a waiter cancelled during a slow store lookup is released at once (item 3)', async () => {
    vi.useFakeTimers();
    const inner = new MockPrimitive<string, string>({ returns: 'done', delayMs: 1000 });
    const cache = new CachePrimitive(inner, { store: slowStore(30) });
    const controller = new AbortController();
    const call = cache
      .execute('k', Ctx.create({ signal: controller.signal }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    let settled: unknown;
    void call.then((v) => {
      settled = v;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(2000);
    expect(inner.callCount).toBe(0); // the call never started
  });

  it('a caller arriving after the last waiter left gets a live call, not a cancelled one (item 4)', async () => {
    vi.useFakeTimers();
    let calls = 0;
    // Notices cancellation only at its next step, as a network call does.
    const inner = lambda(async (_k: string, ctx) => {
      const call = ++calls;
      await new Promise((resolve) => setTimeout(resolve, 20));
      ctx.throwIfCancelled();
      return `answer ${call}`;
    });
    const cache = new CachePrimitive(inner);
    const controller = new AbortController();
    const first = cache.execute('k', Ctx.create({ signal: controller.signal })).catch((e) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(); // the only waiter leaves: the shared call is cancelled
    expect(await first).toBeInstanceOf(CancelledError);
    const next = cache.execute('k'); // the cancelled call has not ended yet
    await vi.advanceTimersByTimeAsync(100);
    await expect(next).resolves.toBe('answer 2');
  });

  it("the shared call is bounded by its waiters' deadlines (item 5)", async () => {
    vi.useFakeTimers();
    const slow = new MockPrimitive<string, string>({ returns: 'late', delayMs: 2000 });
    const cache = new CachePrimitive(slow);
    const call = cache
      .execute('k', Ctx.create({ deadline: Date.now() + 100 }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await call).toBeInstanceOf(DeadlineExceededError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a retry inside a cache stops at the deadline (item 5)', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const flaky = lambda(async () => {
      attempts++;
      throw new Error('flaky');
    }).withRetry({ maxRetries: 10, initialDelayMs: 400, backoffMultiplier: 1, jitter: false });
    const cache = new CachePrimitive(flaky);
    const call = cache.execute('k', Ctx.create({ deadline: Date.now() + 800 })).catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    await call;
    expect(attempts).toBeLessThanOrEqual(3);
  });

  it('a later waiter without a deadline extends the shared call', async () => {
    vi.useFakeTimers();
    const slow = new MockPrimitive<string, string>({ returns: 'value', delayMs: 300 });
    const cache = new CachePrimitive(slow);
    const early = cache.execute('k', Ctx.create({ deadline: Date.now() + 100 })).catch((e) => e);
    const patient = cache.execute('k');
    await vi.advanceTimersByTimeAsync(300);
    await expect(patient).resolves.toBe('value');
    expect(await early).toBeInstanceOf(DeadlineExceededError); // it left at its own deadline
  });
});
