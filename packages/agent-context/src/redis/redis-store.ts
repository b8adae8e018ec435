// The package's own name, so the built subpath shares the root's StoreDataError.
import {
  type ContextStore,
  checkStoreKey,
  decodeStoreEntry,
  encodeStoreEntry,
  type StoreSetOptions,
} from '@tta/agent-context';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Options of {@link RedisStore}: `{ url }` (the store owns the client) or `{ client }` (yours).
 *
 * @example
 * ```ts
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'support:' });
 * ```
 */
export type RedisStoreOptions = (
  | { url: string; redisOptions?: RedisOptions | undefined; client?: undefined }
  | { client: Redis; url?: undefined; redisOptions?: undefined }
) & {
  /** Prefix of every key written. Default: `'tta:ctx:'`. */
  keyPrefix?: string | undefined;
};

/**
 * A `ContextStore` in Redis, shared by every process: sessions, conversations and agent memory
 * for services with many replicas. TTLs are Redis TTLs; data not written by a TTA.dev store is a
 * `StoreDataError`.
 *
 * @example
 * ```ts
 * import { RedisStore } from '@tta/agent-context/redis';
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'support:' });
 * ```
 */
export class RedisStore implements ContextStore {
  readonly #client: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('RedisStore: options are required');
    this.#prefix = options.keyPrefix ?? 'tta:ctx:';
    if (options.client !== undefined) {
      this.#client = options.client;
      this.#owned = false;
    } else {
      if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
        throw new TypeError("RedisStore: pass { url: 'redis://…' } or { client }");
      }
      this.#client = new Redis(options.url, {
        maxRetriesPerRequest: 1,
        commandTimeout: 2000,
        ...options.redisOptions,
      });
      this.#client.on('error', () => {});
      this.#owned = true;
    }
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkStoreKey('RedisStore', key);
    const text = await this.#client.get(this.#prefix + key);
    if (text === null) return undefined;
    const { value, expired } = decodeStoreEntry<T>(key, text);
    return expired ? undefined : value;
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    checkStoreKey('RedisStore', key);
    const text = encodeStoreEntry('RedisStore', key, value, options);
    if (options?.ttlMs === undefined) await this.#client.set(this.#prefix + key, text);
    else await this.#client.set(this.#prefix + key, text, 'PX', Math.ceil(options.ttlMs));
  }

  async delete(key: string): Promise<boolean> {
    checkStoreKey('RedisStore', key);
    return (await this.#client.del(this.#prefix + key)) > 0;
  }

  async keys(prefix = ''): Promise<string[]> {
    // Both parts are literal: glob characters in the store's prefix or the caller's are escaped.
    const pattern = `${globEscape(this.#prefix + prefix)}*`;
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) {
        // Read the page's entries so a key is listed only while its entry is live, like get().
        const texts = await this.#client.mget(...keys);
        keys.forEach((full, i) => {
          const text = texts[i];
          const key = full.slice(this.#prefix.length);
          if (text !== null && text !== undefined && !decodeStoreEntry(key, text).expired)
            found.push(key);
        });
      }
      cursor = next;
    } while (cursor !== '0');
    return [...new Set(found)].sort();
  }

  /** Quits the client if this store created it. */
  async close(): Promise<void> {
    if (this.#owned) await this.#client.quit().catch(() => this.#client.disconnect());
  }
}

/** `text` as a literal in a Redis `SCAN MATCH` pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
