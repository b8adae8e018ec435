import {
  type RateLimitReservation,
  type RateLimitStore,
  STALE_TICKET_MS,
  type TokenBucketConfig,
} from '@tta/primitives';
import type { Redis } from 'ioredis';
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

// InMemoryRateLimitStore's bucket and line, run atomically inside Redis: a hash (tokens, last
// update, last ticket), a sorted set (the line, scored by ticket) and a hash (ticket -> due time).
// Floats go out as strings: Redis truncates Lua numbers to integers.
const BUCKET = new LuaScript(`
local key, line, dues = KEYS[1], KEYS[2], KEYS[3]
local op = ARGV[1]
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
${nowLua(4)}
local ticket = tonumber(ARGV[5])
local channel = ARGV[6]
local stale = tonumber(ARGV[7])
local whole = 1 - 1e-9
local h = redis.call('HMGET', key, 't', 'u', 'n')
local tokens = tonumber(h[1] or cap)
local updated = tonumber(h[2] or now)
local last = tonumber(h[3] or 0)
tokens = math.min(cap, tokens + math.max(0, now - updated) * rate)
local moved = false
for _ = 1, 1000 do
  local head = redis.call('ZRANGE', line, 0, 0)[1]
  if not head then break end
  local due = tonumber(redis.call('HGET', dues, head))
  if due and due + stale >= now then break end
  redis.call('ZREM', line, head)
  redis.call('HDEL', dues, head)
  moved = true
end
local function estimate(place)
  local floor = 1
  if place > 0 then floor = math.min(1 / rate, 100) end
  return math.max(floor, (place + 1 - tokens) / rate)
end
local out = {'0', '0'}
if op == 'reserve' then
  if redis.call('ZCARD', line) == 0 and tokens >= whole then
    tokens = math.max(0, tokens - 1)
  else
    last = last + 1
    redis.call('ZADD', line, last, last)
    local wait = estimate(redis.call('ZCARD', line) - 1)
    redis.call('HSET', dues, last, tostring(now + wait))
    out = {tostring(last), tostring(wait)}
  end
elseif op == 'claim' then
  local place = redis.call('ZRANK', line, ticket)
  if not place then
    redis.call('ZADD', line, ticket, ticket)
    place = redis.call('ZRANK', line, ticket)
  end
  if place == 0 and tokens >= whole then
    tokens = math.max(0, tokens - 1)
    redis.call('ZREM', line, ticket)
    redis.call('HDEL', dues, ticket)
    if tokens >= whole and redis.call('ZCARD', line) > 0 then moved = true end
  else
    local wait = estimate(place)
    redis.call('HSET', dues, ticket, tostring(now + wait))
    out = {tostring(ticket), tostring(wait)}
  end
else
  if redis.call('ZREM', line, ticket) == 1 then moved = true end
  redis.call('HDEL', dues, ticket)
end
redis.call('HSET', key, 't', tostring(tokens), 'u', tostring(now), 'n', tostring(last))
local waiting = redis.call('ZCARD', line)
local ttl = math.ceil((cap - tokens + waiting) / rate) + stale + 60000
redis.call('PEXPIRE', key, ttl)
if waiting > 0 then
  redis.call('PEXPIRE', line, ttl)
  redis.call('PEXPIRE', dues, ttl)
end
if moved then redis.call('PUBLISH', channel, '1') end
return out
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
  readonly #listeners = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#connection = connectTimed('RedisRateLimitStore', options);
  }

  async #run(
    op: 'reserve' | 'claim' | 'release',
    key: string,
    ticket: number,
    now: number,
    config: TokenBucketConfig,
  ): Promise<RateLimitReservation> {
    const base = `${this.#connection.prefix}rate:${key}`;
    const reply = await BUCKET.run(
      this.#connection.client,
      [base, `${base}:line`, `${base}:due`],
      [
        op,
        config.capacity,
        config.refillPerMs,
        this.#connection.time(now),
        ticket,
        this.#channel(key),
        STALE_TICKET_MS,
      ],
    );
    const [t, w] = Array.isArray(reply) ? reply : [];
    const result = { ticket: Number(t), waitMs: Number(w) };
    if (
      !Number.isSafeInteger(result.ticket) ||
      !(result.waitMs >= 0) ||
      !Number.isFinite(result.waitMs)
    )
      throw new TypeError(`Unexpected reply from Redis: ${JSON.stringify(reply)}`);
    return result;
  }

  #channel(key: string): string {
    return `${this.#connection.prefix}rate:${key}:moved`;
  }

  reserve(key: string, now: number, config: TokenBucketConfig): Promise<RateLimitReservation> {
    return this.#run('reserve', key, 0, now, config);
  }

  async claim(
    key: string,
    ticket: number,
    now: number,
    config: TokenBucketConfig,
  ): Promise<number> {
    return (await this.#run('claim', key, ticket, now, config)).waitMs;
  }

  async release(
    key: string,
    ticket: number,
    now: number,
    config: TokenBucketConfig,
  ): Promise<void> {
    await this.#run('release', key, ticket, now, config);
  }

  /**
   * Tells `onLeave` when the line of `key` moves, in any replica (Redis pub/sub on a second
   * connection, opened on first use). Until the subscription is live, waiters fall back to their
   * estimates, so a lost message only delays a waiter, never lets one jump the line.
   */
  subscribe(key: string, onLeave: () => void): () => void {
    const channel = this.#channel(key);
    let listeners = this.#listeners.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(channel, listeners);
      this.#subscriberClient()
        .subscribe(channel)
        .catch(() => {});
    }
    const listener = () => onLeave();
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.#listeners.get(channel) !== listeners) return;
      this.#listeners.delete(channel);
      this.#subscriber?.unsubscribe(channel).catch(() => {});
    };
  }

  #subscriberClient(): Redis {
    if (this.#subscriber === undefined) {
      const subscriber = this.#connection.client.duplicate();
      subscriber.on('error', () => {});
      subscriber.on('message', (channel: string) => {
        for (const listener of [...(this.#listeners.get(channel) ?? [])]) {
          try {
            listener();
          } catch {
            // One waiter's wake-up must not stop the others'.
          }
        }
      });
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }

  /** Quits the client if this store created it, and the subscriber connection if one was opened. */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#listeners.clear();
    await Promise.all([
      this.#connection.close(),
      subscriber?.quit().then(
        () => {},
        () => subscriber.disconnect(),
      ),
    ]);
  }
}
