import { vi } from 'vitest';
import {
  InMemoryCacheStore,
  InMemoryCircuitBreakerStore,
  InMemoryRateLimitStore,
} from '../src/index.js';
import { cacheStoreContract } from './contracts/cache-store.js';
import { circuitBreakerStoreContract } from './contracts/circuit-breaker-store.js';
import { rateLimitStoreContract } from './contracts/rate-limit-store.js';

// The in-memory stores against the contracts every store must pass (the Redis ones run them in
// test-integration/redis-store-contracts.test.ts). One instance is both handles: one process.
circuitBreakerStoreContract('InMemoryCircuitBreakerStore', async () => {
  const store = new InMemoryCircuitBreakerStore();
  return { a: store, b: store, cleanup: async () => {} };
});

rateLimitStoreContract('InMemoryRateLimitStore', async () => {
  const store = new InMemoryRateLimitStore();
  return { a: store, b: store, cleanup: async () => {} };
});

cacheStoreContract('InMemoryCacheStore', async () => {
  vi.useFakeTimers();
  const store = new InMemoryCacheStore();
  return {
    a: store,
    b: store,
    expire: async (ms) => {
      vi.advanceTimersByTime(ms);
    },
    cleanup: async () => {
      vi.useRealTimers();
    },
  };
});
