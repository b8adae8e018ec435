export type {
  RedisClock,
  RedisClockOption,
  RedisConnectionOptions,
  RedisStoreOptions,
} from './connection.js';
export { CorruptCacheEntryError } from './errors/corrupt-cache-entry-error.js';
export {
  type CacheSerializer,
  RedisCacheStore,
  type RedisCacheStoreOptions,
} from './redis-cache-store.js';
export {
  RedisCircuitBreakerStore,
  type RedisCircuitBreakerStoreOptions,
} from './redis-circuit-breaker-store.js';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-rate-limit-store.js';
