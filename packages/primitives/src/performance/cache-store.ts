import { LRUCache } from 'lru-cache';

/**
 * A stored value, boxed so `undefined` can be cached too.
 *
 * @example
 * ```ts
 * const entry = await store.get(key); if (entry !== undefined) return entry.value;
 * ```
 */
export interface CacheEntry<V> {
  readonly value: V;
}

/**
 * Where cached values live. The default is in-memory (`InMemoryCacheStore`); `RedisCacheStore`
 * (in `@tta/primitives/redis`) shares a cache between processes. Methods may answer synchronously
 * or with a promise; a store that fails (throws or rejects) makes the cache fall back to calling
 * the wrapped step.
 *
 * @example
 * ```ts
 * const store: CacheStore<Answer> = new RedisCacheStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * ```
 */
export interface CacheStore<V = unknown> {
  /** The entry for `key`, or `undefined` on a miss (expired entries are misses). */
  get(key: string): CacheEntry<V> | undefined | Promise<CacheEntry<V> | undefined>;
  /** Stores `value` under `key` for `ttlMs`. */
  set(key: string, value: V, ttlMs: number): void | Promise<void>;
  /** Removes `key`; true if it was there. */
  delete(key: string): boolean | Promise<boolean>;
  /** Removes every entry of this store. */
  clear(): void | Promise<void>;
  /** Entries currently held (if the store can tell cheaply). */
  readonly size?: number;
  /** Entries evicted to make room so far (if the store can tell). */
  readonly evictions?: number;
}

/**
 * Options of {@link InMemoryCacheStore}.
 *
 * @example
 * ```ts
 * const store = new InMemoryCacheStore({ maxSize: 10_000 });
 * ```
 */
export interface InMemoryCacheStoreOptions {
  /** Most entries kept; the least recently used go first. Default: 1000. */
  maxSize?: number | undefined;
}

/**
 * An LRU + TTL cache in this process, on `lru-cache`: bounded by `maxSize` entries, each entry
 * expiring after the `ttlMs` it was set with.
 *
 * @example
 * ```ts
 * const store = new InMemoryCacheStore({ maxSize: 10_000 });
 * ```
 */
export class InMemoryCacheStore<V = unknown> implements CacheStore<V> {
  readonly #lru: LRUCache<string, CacheEntry<V>>;
  #evictions = 0;

  constructor(options: InMemoryCacheStoreOptions = {}) {
    const maxSize = options.maxSize ?? 1000;
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new RangeError(
        `InMemoryCacheStore: maxSize must be an integer >= 1 (got ${String(maxSize)})`,
      );
    }
    this.#lru = new LRUCache<string, CacheEntry<V>>({
      max: maxSize,
      // Read the clock at call time (fake timers apply) and never cache it behind a timer.
      perf: { now: () => Date.now() },
      ttlResolution: 0,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    });
  }

  get(key: string): CacheEntry<V> | undefined {
    return this.#lru.get(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#lru.set(key, { value }, { ttl: ttlMs });
  }

  delete(key: string): boolean {
    return this.#lru.delete(key);
  }

  clear(): void {
    this.#lru.clear();
  }

  get size(): number {
    return this.#lru.size;
  }

  get evictions(): number {
    return this.#evictions;
  }
}
