import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowContext } from '@tta/agent-context';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  type CircuitState,
  lambda,
  RateLimitPrimitive,
  registerHooks,
} from '../src/index.js';
import {
  RedisCacheStore,
  RedisCircuitBreakerStore,
  RedisRateLimitStore,
} from '../src/redis/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

const run = promisify(execFile);
let redis: RedisServer;
let admin: Redis;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) await close();
  await admin.flushall();
});

afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

function withHooksLocal() {
  const recorder = createRecordingHooks();
  const off = registerHooks(recorder);
  return Object.assign(recorder, { off });
}

function track<T extends { close(): Promise<void> }>(store: T): T {
  closers.push(() => store.close());
  return store;
}

describe('RedisCacheStore', () => {
  it('stores, expires, deletes and clears entries in Redis under a hashed, prefixed key', async () => {
    const store = track(
      new RedisCacheStore<{ text: string }>({ url: redis.url, keyPrefix: 'app:' }),
    );
    await store.set('answers:hello', { text: 'hi' }, 200);
    expect(await store.get('answers:hello')).toEqual({ value: { text: 'hi' } });
    const keys = await admin.keys('app:cache:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('hello');
    expect(await admin.pttl(keys[0] as string)).toBeGreaterThan(0);
    expect(await store.delete('answers:hello')).toBe(true);
    expect(await store.get('answers:hello')).toBeUndefined();
    await store.set('a', { text: '1' }, 60_000);
    await store.set('b', { text: '2' }, 60_000);
    await admin.set('other:key', 'untouched');
    await store.clear();
    expect(await admin.keys('app:cache:*')).toEqual([]);
    expect(await admin.get('other:key')).toBe('untouched');
  });

  it('rejects foreign or corrupt data with a clear error', async () => {
    const store = track(new RedisCacheStore({ client: admin }));
    await store.set('k', 1, 60_000);
    const [key] = await admin.keys('tta:cache:*');
    await admin.set(key as string, 'not json');
    await expect(store.get('k')).rejects.toThrow(/not a valid entry.*does not parse/);
    await admin.set(key as string, '{"value":1}');
    await expect(store.get('k')).rejects.toThrow(/envelope/);
    // An envelope without a value is not a hit of `undefined` (issue 12, item 14).
    await admin.set(key as string, '{"tta":1}');
    await expect(store.get('k')).rejects.toThrow(/envelope/);
    const recorder = withHooksLocal();
    const cache = new CachePrimitive(new MockPrimitive<string, string>({ impl: () => 'fresh' }), {
      store: track(new RedisCacheStore({ client: admin })),
      namespace: 'corrupt',
    });
    await cache.execute('q');
    for (const k of await admin.keys('tta:cache:*')) await admin.set(k, '{"tta":1}');
    await expect(cache.execute('q')).resolves.toBe('fresh'); // a miss, not undefined
    expect(recorder.events.some((e) => e.type === 'cache-error')).toBe(true);
    recorder.off();
  });

  it('shares a CachePrimitive cache between two stores (as between two processes)', async () => {
    const model = new MockPrimitive<string, string>({ impl: (q) => `answer to ${q}` });
    const a = new CachePrimitive(model, {
      store: track(new RedisCacheStore({ url: redis.url })),
      namespace: 'qa',
    });
    const b = new CachePrimitive(model, {
      store: track(new RedisCacheStore({ url: redis.url })),
      namespace: 'qa',
    });
    await expect(a.execute('q1')).resolves.toBe('answer to q1');
    await vi.waitFor(async () => expect(await admin.keys('tta:cache:*')).toHaveLength(1));
    await expect(b.execute('q1')).resolves.toBe('answer to q1');
    expect(model.callCount).toBe(1);
    expect(b.stats()).toMatchObject({ hits: 1, misses: 0 });
  });
});

describe('RedisCircuitBreakerStore', () => {
  it('two independent processes share one circuit', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const fixture = fileURLToPath(new URL('./fixtures/breaker-process.ts', import.meta.url));
    const node = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', fixture, ...args], { cwd });
    const failing = JSON.parse((await node([redis.url, 'fail', '4'])).stdout);
    expect(failing.outcomes).toEqual(['failed', 'failed', 'failed', 'open']);
    expect(failing.innerCalls).toBe(3);
    const healthy = JSON.parse((await node([redis.url, 'succeed', '2'])).stdout);
    expect(healthy.pid).not.toBe(failing.pid);
    expect(healthy.outcomes).toEqual(['open', 'open']);
    expect(healthy.innerCalls).toBe(0);
    expect(healthy.state).toBe('open');
  });

  it('model-based: the Lua state machine matches the in-memory one, operation by operation', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 });
    const redisStore = track(new RedisCircuitBreakerStore({ url: redis.url, clock: 'client' }));
    const policy = {
      failureThreshold: 2,
      recoveryTimeoutMs: 1000,
      successThreshold: 2,
      halfOpenMaxCalls: 2,
    };
    let fail = false;
    const inner = lambda(async () => {
      if (fail) throw new Error('down');
      return 'ok';
    });
    const onRedis = new CircuitBreakerPrimitive(inner, {
      ...policy,
      store: redisStore,
      key: 'model',
    });
    const inMemory = new CircuitBreakerPrimitive(inner, policy);
    // A fixed pseudo-random script of calls and waits, covering every transition.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const seen = new Set<CircuitState>();
    for (let i = 0; i < 150; i++) {
      if (random() < 0.3) {
        vi.setSystemTime(Date.now() + Math.floor(random() * 1500));
        continue;
      }
      fail = random() < 0.5;
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: unknown) => (e as Error).name,
        );
      const [a, b] = [
        await outcome(onRedis.execute(undefined)),
        await outcome(inMemory.execute(undefined)),
      ];
      expect(a).toBe(b);
      const [redisState, memoryState] = [await onRedis.getState(), inMemory.state];
      expect(redisState).toBe(memoryState);
      seen.add(memoryState);
    }
    expect([...seen].sort()).toEqual(['closed', 'half-open', 'open']);
  });
});

describe('RedisRateLimitStore', () => {
  it('is atomic under concurrency: a burst of N concurrent reservations grants exactly capacity at once', async () => {
    const stores = [
      track(new RedisRateLimitStore({ url: redis.url })),
      track(new RedisRateLimitStore({ url: redis.url })),
    ];
    const config = { capacity: 10, refillPerMs: 10 / 60_000 };
    const waits = (
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (stores[i % 2] as RedisRateLimitStore).reserve('burst', Date.now(), config),
        ),
      )
    ).map((r) => r.waitMs);
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    // Waiting callers are queued: each later reservation waits one refill period longer.
    const queued = waits.filter((w) => w > 0).sort((x, y) => x - y);
    expect(queued[0]).toBeGreaterThan(5000);
    expect((queued.at(-1) as number) - (queued[0] as number)).toBeGreaterThan(28 * 6000 - 1000);
  });

  it('limiters on two stores draw from one bucket', async () => {
    const inner = new MockPrimitive<number, number>({ impl: (n) => n });
    const options = { tokensPerInterval: 2, intervalMs: 60_000, key: 'api', maxWaitMs: 0 };
    const a = new RateLimitPrimitive(inner, {
      ...options,
      store: track(new RedisRateLimitStore({ url: redis.url })),
    });
    const b = new RateLimitPrimitive(inner, {
      ...options,
      store: track(new RedisRateLimitStore({ url: redis.url })),
    });
    await a.execute(1);
    await b.execute(2);
    await expect(a.execute(3)).rejects.toMatchObject({ name: 'RateLimitExceededError' });
    await expect(b.execute(3)).rejects.toMatchObject({ name: 'RateLimitExceededError' });
    expect(inner.callCount).toBe(2);
  });
});

describe('RedisCircuitBreakerStore failure rate across replicas (issue 12 item 9)', () => {
  it('calls on two replicas fill one window: a steady 50% failure rate opens the circuit for both', async () => {
    const step = lambda(async (fail: boolean) => {
      if (fail) throw new Error('down');
      return 'ok';
    });
    const options = {
      key: 'provider',
      failureRate: { threshold: 0.5, minimumCalls: 10, windowMs: 60_000 },
    };
    const [one, two] = [
      new CircuitBreakerPrimitive(step, {
        ...options,
        store: track(new RedisCircuitBreakerStore({ url: redis.url })),
      }),
      new CircuitBreakerPrimitive(step, {
        ...options,
        store: track(new RedisCircuitBreakerStore({ url: redis.url })),
      }),
    ];
    for (let i = 0; i < 9; i++)
      await (i % 2 ? one : two).execute(i % 2 === 1).catch(() => undefined);
    expect(await one.getState()).toBe('closed');
    await two.execute(true).catch(() => undefined); // 10 calls, 5 failed, none twice in a row
    expect(await one.getState()).toBe('open');
    await expect(one.execute(false)).rejects.toMatchObject({ name: 'CircuitOpenError' });
    await expect(two.execute(false)).rejects.toMatchObject({ name: 'CircuitOpenError' });
  });
});

describe('RedisRateLimitStore line across replicas (issue 12 item 7)', () => {
  it('a caller that gives up passes its turn to the next in line, who may be in another replica', async () => {
    const starts: [string, number][] = [];
    const t0 = Date.now();
    const inner = lambda((name: string) => {
      starts.push([name, Date.now() - t0]);
      return name;
    });
    const options = { tokensPerInterval: 1, intervalMs: 300, key: 'line' };
    const [one, two] = [
      new RateLimitPrimitive(inner, {
        ...options,
        store: track(new RedisRateLimitStore({ url: redis.url })),
      }),
      new RateLimitPrimitive(inner, {
        ...options,
        store: track(new RedisRateLimitStore({ url: redis.url })),
      }),
    ];
    await one.execute('a');
    const giveUp = new AbortController();
    const b = one.execute('b', WorkflowContext.create({ signal: giveUp.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const c = two.execute('c');
    await new Promise((resolve) => setTimeout(resolve, 30));
    giveUp.abort();
    await expect(b).rejects.toMatchObject({ name: 'CancelledError' });
    const d = one.execute('d');
    await expect(Promise.all([c, d])).resolves.toEqual(['c', 'd']);
    expect(starts.map(([name]) => name)).toEqual(['a', 'c', 'd']);
    const at = Object.fromEntries(starts);
    expect(at.c).toBeLessThan(500); // moved up into b's turn (~300 ms), not its own (~600 ms)
    expect((at.d as number) - (at.c as number)).toBeGreaterThanOrEqual(290); // never two per interval
  });
});

describe('when Redis goes away mid-run', () => {
  it('the cache keeps answering by calling the step, the breaker and limiter fail open, all with error events', async () => {
    const server = await startRedis();
    const recorder = createRecordingHooks();
    const off = registerHooks(recorder);
    try {
      const model = new MockPrimitive<string, string>({ impl: (q) => q.toUpperCase() });
      const cache = new CachePrimitive(model, {
        store: track(new RedisCacheStore({ url: server.url })),
      });
      const breaker = new CircuitBreakerPrimitive(
        lambda((q: string) => q),
        {
          store: track(new RedisCircuitBreakerStore({ url: server.url })),
          failureThreshold: 1,
        },
      );
      const limiter = new RateLimitPrimitive(
        lambda((q: string) => q),
        {
          tokensPerInterval: 5,
          intervalMs: 1000,
          store: track(new RedisRateLimitStore({ url: server.url })),
        },
      );
      await expect(cache.execute('a')).resolves.toBe('A');
      await vi.waitFor(() =>
        expect(recorder.events.some((e) => e.type === 'cache-miss')).toBe(true),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(cache.execute('a')).resolves.toBe('A');
      expect(model.callCount).toBe(1);
      await expect(breaker.execute('x')).resolves.toBe('x');
      await expect(limiter.execute('y')).resolves.toBe('y');

      await server.stop();

      await expect(cache.execute('a')).resolves.toBe('A');
      await expect(cache.execute('b')).resolves.toBe('B');
      expect(model.callCount).toBe(3);
      await expect(breaker.execute('x')).resolves.toBe('x');
      await expect(limiter.execute('y')).resolves.toBe('y');
      await vi.waitFor(() => {
        const types = recorder.events.map((e) => e.type);
        expect(types).toContain('cache-error');
        expect(types.filter((t) => t === 'store-error').length).toBeGreaterThanOrEqual(2);
      });
    } finally {
      off();
      await server.stop();
    }
  });
});
