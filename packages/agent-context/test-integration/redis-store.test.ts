import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { useRedis } from '../../primitives/test-integration/use-redis.js';
import { RedisStore } from '../src/redis/index.js';
import { storeContract } from '../test/store-contract.js';

const redis = useRedis();

storeContract('RedisStore', async () => {
  const store = new RedisStore({ url: redis.url, keyPrefix: 'test:' });
  return {
    store,
    corrupt: async (key, text) => {
      await redis.admin.set(`test:${key}`, text);
    },
    cleanup: async () => {
      await store.close();
      await redis.admin.flushall();
    },
  };
});

// A key prefix with glob characters must still list its own keys (issue 12, item 13).
storeContract('RedisStore with a glob-character prefix', async () => {
  const store = new RedisStore({ url: redis.url, keyPrefix: 'app[1]:' });
  await redis.admin.set('app1:decoy', 'not ours'); // what an unescaped `app[1]:*` would also match
  return {
    store,
    corrupt: async (key, text) => {
      await redis.admin.set(`app[1]:${key}`, text);
    },
    cleanup: async () => {
      await store.close();
      await redis.admin.flushall();
    },
  };
});

it('two stores (as two processes) see the same data, and a client passed in is not closed', async () => {
  const client = new Redis(redis.url);
  const a = new RedisStore({ client });
  const b = new RedisStore({ url: redis.url });
  await a.set('session:shared', { step: 3 });
  expect(await b.get('session:shared')).toEqual({ step: 3 });
  await a.close();
  await b.close();
  expect(await client.ping()).toBe('PONG');
  client.disconnect();
});
