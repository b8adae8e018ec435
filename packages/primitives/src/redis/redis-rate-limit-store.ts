import type { RateLimitStore, TokenBucketConfig } from '@tta/primitives';
import {
  connectTimed,
  type RedisClockOption,
  type RedisStoreOptions,
  type TimedRedisConnection,
} from './connection.js';
import { LuaScript, nowLua } from './lua-script.js';

/**
 * Options of {@link RedisRateLimitStore}.
 *
 * @example
 * ```ts
 * new RedisRateLimitStore({ url: 'redis://127.0.0.1:6379', clock: 'server' });
 * ```
 */
export type RedisRateLimitStoreOptions = RedisStoreOptions & RedisClockOption;

// The token bucket of InMemoryRateLimitStore, run atomically inside Redis.
const BUCKET = new LuaScript(`
local key = KEYS[1]
local op = ARGV[1]
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
${nowLua(4)}
local h = redis.call('HMGET', key, 't', 'u')
local tokens = tonumber(h[1] or cap)
local updated = tonumber(h[2] or now)
tokens = math.min(cap, tokens + math.max(0, now - updated) * rate)
local wait = 0
if op == 'reserve' then
  tokens = tokens - 1
  if tokens < 0 then wait = -tokens / rate end
else
  tokens = math.min(cap, tokens + 1)
end
redis.call('HSET', key, 't', tostring(tokens), 'u', tostring(now))
redis.call('PEXPIRE', key, math.ceil((cap - tokens) / rate) + 60000)
return tostring(wait)
`);

/**
 * Token buckets in Redis: every replica using the same Redis, prefix and limiter `key` draws from
 * one bucket. Each reservation is one atomic Lua script.
 *
 * @example
 * ```ts
 * const store = new RedisRateLimitStore({ url: 'redis://127.0.0.1:6379' });
 * const polite = callApi.withRateLimit({ tokensPerInterval: 100, intervalMs: 60_000, store, key: 'openai' });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #connection: TimedRedisConnection;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#connection = connectTimed('RedisRateLimitStore', options);
  }

  #run(
    op: 'reserve' | 'release',
    key: string,
    now: number,
    config: TokenBucketConfig,
  ): Promise<unknown> {
    return BUCKET.run(
      this.#connection.client,
      [`${this.#connection.prefix}rate:${key}`],
      [op, config.capacity, config.refillPerMs, this.#connection.time(now)],
    );
  }

  async reserve(key: string, now: number, config: TokenBucketConfig): Promise<number> {
    const wait = Number(await this.#run('reserve', key, now, config));
    if (!Number.isFinite(wait) || wait < 0)
      throw new TypeError(`Unexpected wait from Redis: ${String(wait)}`);
    return wait;
  }

  async release(key: string, now: number, config: TokenBucketConfig): Promise<void> {
    await this.#run('release', key, now, config);
  }

  /** Quits the client if this store created it. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}
