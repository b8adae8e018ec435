import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  lambda,
  RateLimitPrimitive,
} from '@tta/primitives';
import {
  RedisCacheStore,
  RedisCircuitBreakerStore,
  RedisRateLimitStore,
} from '@tta/primitives/redis';
import { Redis } from 'ioredis';
import { startRedis } from '../../packages/primitives/test-integration/redis-server.js';
import { formatResults, runScenario, type Scenario } from './harness.js';

/**
 * Round trips to a real redis-server on loopback: each store operation against the raw ioredis
 * command it replaces (a GET), so the ratio is the price of the store's logic on top of the network.
 */
export async function redisRoundTrips(): Promise<string> {
  let server: Awaited<ReturnType<typeof startRedis>>;
  try {
    server = await startRedis();
  } catch (error) {
    return `Redis round trips: skipped (${(error as Error).message})`;
  }
  const raw = new Redis(server.url);
  const cacheStore = new RedisCacheStore<string>({ url: server.url });
  const breakerStore = new RedisCircuitBreakerStore({ url: server.url });
  const rateStore = new RedisRateLimitStore({ url: server.url });
  try {
    await raw.set('bench:raw', 'value');
    const cache = new CachePrimitive(
      lambda(async (q: string) => q),
      { store: cacheStore },
    );
    await cache.execute('prompt');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const breaker = new CircuitBreakerPrimitive(
      lambda(async (q: string) => q),
      { store: breakerStore },
    );
    const limiter = new RateLimitPrimitive(
      lambda(async (q: string) => q),
      {
        tokensPerInterval: 1_000_000_000,
        intervalMs: 1000,
        store: rateStore,
      },
    );
    const plainGet = () => raw.get('bench:raw');
    const scenarios: Scenario[] = [
      { name: 'Redis cache hit (1 GET)', plain: plainGet, tta: () => cache.execute('prompt') },
      {
        name: 'Redis breaker call, closed (1 script)',
        plain: plainGet,
        tta: () => breaker.execute('x'),
      },
      {
        name: 'Redis rate-limited call (1 script)',
        plain: plainGet,
        tta: () => limiter.execute('x'),
      },
    ];
    const results = [];
    for (const scenario of scenarios)
      results.push(await runScenario(scenario, { rounds: 5, iterations: 2000 }));
    return `Redis round trips (plain = one raw ioredis GET on loopback):\n${formatResults(results, Number.POSITIVE_INFINITY)}`;
  } finally {
    raw.disconnect();
    await Promise.all([cacheStore.close(), breakerStore.close(), rateStore.close()]);
    await server.stop();
  }
}
