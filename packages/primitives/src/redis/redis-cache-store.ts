import { createHash } from 'node:crypto';
import type { CacheEntry, CacheStore } from '@tta/primitives';
import { connect, type RedisConnection, type RedisStoreOptions } from './connection.js';
import { CorruptCacheEntryError } from './errors/corrupt-cache-entry-error.js';

/**
 * Turns values into text and back. The default is JSON in a versioned envelope.
 *
 * @example
 * ```ts
 * new RedisCacheStore({ url, serializer: { serialize: (v) => superjson.stringify(v), deserialize: (t) => superjson.parse(t) } });
 * ```
 */
export interface CacheSerializer {
  serialize(value: unknown): string;
  deserialize(text: string): unknown;
}

/**
 * Options of {@link RedisCacheStore}.
 *
 * @example
 * ```ts
 * new RedisCacheStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'answers:' });
 * ```
 */
export type RedisCacheStoreOptions = RedisStoreOptions & {
  /** Default: JSON (so values come back as JSON: a `Date` becomes a string, `undefined` fields vanish). */
  serializer?: CacheSerializer | undefined;
};

const jsonSerializer: CacheSerializer = {
  serialize: (value) => {
    const text = JSON.stringify({ tta: 1, value });
    if (text === undefined) throw new TypeError('value is not JSON-serializable');
    return text;
  },
  deserialize: (text) => JSON.parse(text),
};

/**
 * A cache store in Redis, shared by every process using the same Redis and key prefix. Keys are
 * hashed (SHA-256) under `<keyPrefix>cache:`, entries expire through Redis TTLs, and values are
 * stored as versioned JSON; data that does not parse as an entry is reported and treated as a
 * miss. When Redis is unreachable, calls fail fast and `CachePrimitive` falls back to the step.
 *
 * @example
 * ```ts
 * const store = new RedisCacheStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: 'myapp:' });
 * const cached = new CachePrimitive(callModel, { store, ttlMs: 600_000 });
 * // on shutdown: await store.close();
 * ```
 */
export class RedisCacheStore<V = unknown> implements CacheStore<V> {
  readonly #connection: RedisConnection;
  readonly #serializer: CacheSerializer;

  constructor(options: RedisCacheStoreOptions) {
    this.#connection = connect('RedisCacheStore', options);
    this.#serializer = options.serializer ?? jsonSerializer;
  }

  #key(key: string): string {
    return `${this.#connection.prefix}cache:${createHash('sha256').update(key).digest('base64url')}`;
  }

  async get(key: string): Promise<CacheEntry<V> | undefined> {
    const text = await this.#connection.client.get(this.#key(key));
    if (text === null) return undefined;
    let parsed: unknown;
    try {
      parsed = this.#serializer.deserialize(text);
    } catch (error) {
      throw new CorruptCacheEntryError({
        key,
        reason: `does not parse (${(error as Error).message})`,
      });
    }
    if (this.#serializer !== jsonSerializer) return { value: parsed as V };
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      (parsed as { tta?: unknown }).tta !== 1 ||
      !Object.hasOwn(parsed, 'value')
    ) {
      throw new CorruptCacheEntryError({ key, reason: 'missing the TTA envelope' });
    }
    return { value: (parsed as { value: V }).value };
  }

  async set(key: string, value: V, ttlMs: number): Promise<void> {
    const text = this.#serializer.serialize(value);
    await this.#connection.client.set(this.#key(key), text, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#connection.client.del(this.#key(key))) > 0;
  }

  /** Removes every cache entry under this store's prefix (SCAN + UNLINK, in batches). */
  async clear(): Promise<void> {
    const { client, prefix } = this.#connection;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}cache:*`, 'COUNT', 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Quits the client if this store created it. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}
