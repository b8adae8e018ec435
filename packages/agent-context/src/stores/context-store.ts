/**
 * Options of {@link ContextStore.set}.
 *
 * @example
 * ```ts
 * await store.set('session:s-1', session, { ttlMs: 30 * 60_000 });
 * ```
 */
export interface StoreSetOptions {
  /** Time to live in ms; expired entries read as absent. Default: no expiry. */
  ttlMs?: number | undefined;
}

/**
 * Where sessions, conversations and agent memory are kept: JSON values by string key.
 * `InMemoryStore` (default), `FileStore` (a directory, atomic writes) and `RedisStore`
 * (`@tta/agent-context/redis`, for many processes) implement it. Values must be JSON-serializable
 * (a `TypeError` says when not); data a store cannot read back is a `StoreDataError`.
 *
 * @example
 * ```ts
 * const store: ContextStore = process.env.REDIS_URL ? new RedisStore({ url: process.env.REDIS_URL }) : new FileStore({ dir: './data' });
 * ```
 */
export interface ContextStore {
  /** The value under `key`, or undefined (absent or expired). */
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: StoreSetOptions): Promise<void>;
  /** True if there was a value. */
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix` (all keys without one), sorted. */
  keys(prefix?: string): Promise<string[]>;
  /** Releases connections or handles, if any. */
  close?(): Promise<void>;
}
