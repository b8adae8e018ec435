import { setTimeout as sleep } from 'node:timers/promises';
import {
  RedisCacheStore,
  RedisCircuitBreakerStore,
  RedisRateLimitStore,
} from '../src/redis/index.js';
import { cacheStoreContract } from '../test/contracts/cache-store.js';
import { circuitBreakerStoreContract } from '../test/contracts/circuit-breaker-store.js';
import { rateLimitStoreContract } from '../test/contracts/rate-limit-store.js';
import { useRedis } from './use-redis.js';

// The Redis stores against the same contracts as the in-memory ones (test/store-contracts.test.ts):
// two clients on one real redis-server, as two replicas would be.
const redis = useRedis();

function pair<S extends { close(): Promise<void> }>(make: () => S) {
  const [a, b] = [make(), make()];
  return {
    a,
    b,
    cleanup: async () => {
      await Promise.all([a.close(), b.close()]);
      await redis.admin.flushall();
    },
  };
}

circuitBreakerStoreContract('RedisCircuitBreakerStore', async () =>
  pair(() => new RedisCircuitBreakerStore({ url: redis.url, clock: 'client' })),
);

rateLimitStoreContract('RedisRateLimitStore', async () => ({
  ...pair(() => new RedisRateLimitStore({ url: redis.url, clock: 'client' })),
  // SUBSCRIBE completes asynchronously: wait until Redis counts the subscriber.
  subscribed: async (key) => {
    for (;;) {
      const [, count] = (await redis.admin.pubsub('NUMSUB', `tta:rate:${key}:moved`)) as [
        string,
        number,
      ];
      if (Number(count) > 0) return;
      await sleep(5);
    }
  },
}));

cacheStoreContract('RedisCacheStore', async () => ({
  ...pair(() => new RedisCacheStore({ url: redis.url, keyPrefix: 'contract:' })),
  // Redis expires keys on its own clock: let real time pass.
  expire: (ms) => sleep(ms),
}));
