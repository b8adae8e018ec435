import { Redis, type RedisOptions } from 'ioredis';

/**
 * How a Redis store gets its connection: a URL (the store owns the client) or your client.
 *
 * @example
 * ```ts
 * new RedisRateLimitStore({ url: 'rediss://cache.internal:6380', redisOptions: { tls: {} } });
 * ```
 */
export type RedisConnectionOptions =
  | {
      /** e.g. `redis://127.0.0.1:6379/0`. The store creates, and on `close()` quits, its client. */
      url: string;
      /** Extra ioredis options for the client the store creates. */
      redisOptions?: RedisOptions | undefined;
      client?: undefined;
    }
  | {
      /** An ioredis client you own (the store never quits it). */
      client: Redis;
      url?: undefined;
      redisOptions?: undefined;
    };

/**
 * Options every Redis store takes.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'support:' });
 * ```
 */
export type RedisStoreOptions = RedisConnectionOptions & {
  /** Prefix of every key the store writes. Default: `'tta:'`. */
  keyPrefix?: string | undefined;
};

/** A client plus whether the store must quit it. */
export interface RedisConnection {
  readonly client: Redis;
  readonly prefix: string;
  close(): Promise<void>;
}

export function connect(owner: string, options: RedisStoreOptions): RedisConnection {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${owner}: options are required`);
  const prefix = options.keyPrefix ?? 'tta:';
  if (typeof prefix !== 'string') throw new TypeError(`${owner}: keyPrefix must be a string`);
  if (options.client !== undefined) {
    if (typeof options.client.evalsha !== 'function')
      throw new TypeError(`${owner}: client must be an ioredis client`);
    return { client: options.client, prefix, close: async () => {} };
  }
  if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
    throw new TypeError(`${owner}: pass { url: 'redis://…' } or { client }`);
  }
  const client = new Redis(options.url, {
    // Fail commands fast during an outage so callers degrade instead of hanging.
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    ...options.redisOptions,
  });
  // Failures surface through the commands that fail; keep ioredis from logging every reconnect.
  client.on('error', () => {});
  return {
    client,
    prefix,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Whose clock a Redis store's script uses: Redis's own (`'server'`, the default) or the caller's.
 *
 * @example
 * ```ts
 * const clock: RedisClock = process.env.NODE_ENV === 'test' ? 'client' : 'server';
 * ```
 */
export type RedisClock = 'server' | 'client';

/**
 * The clock option of the Redis stores whose state changes with time.
 *
 * @example
 * ```ts
 * new RedisRateLimitStore({ url: 'redis://127.0.0.1:6379', clock: 'client' });
 * ```
 */
export interface RedisClockOption {
  /**
   * Whose clock times recovery periods and bucket refills: `'server'` (Redis's, the same for
   * every replica) or `'client'` (each caller's `Date.now()`, for tests with fake dates).
   * Default: `'server'`.
   */
  clock?: RedisClock | undefined;
}

function clockOption(owner: string, value: unknown): RedisClock {
  const clock = value ?? 'server';
  if (clock !== 'server' && clock !== 'client')
    throw new TypeError(`${owner}: clock must be 'server' or 'client'`);
  return clock;
}

/** A connection for a store whose Lua reads the time. */
export interface TimedRedisConnection extends RedisConnection {
  /** The time argument for the Lua (`nowLua`): `'server'`, or the caller's `now`. */
  time(now: number): number | 'server';
}

/** Connects a store whose state changes with time (its options: connection and clock). */
export function connectTimed(
  owner: string,
  options: RedisStoreOptions & RedisClockOption,
): TimedRedisConnection {
  const connection = connect(owner, options);
  const clock = clockOption(owner, options.clock);
  return { ...connection, time: (now) => (clock === 'server' ? 'server' : now) };
}
