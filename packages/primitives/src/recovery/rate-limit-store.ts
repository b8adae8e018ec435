/**
 * The bucket's parameters, passed on every call so any store can apply them.
 *
 * @example
 * ```ts
 * const wait = await store.reserve('api', Date.now(), { capacity: 60, refillPerMs: 60 / 60_000 });
 * ```
 */
export interface TokenBucketConfig {
  /** Bucket size: the burst allowed after a quiet period. */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
}

/**
 * Where token buckets live. `reserve` takes one token now or reserves the next one, returning how
 * long the caller must wait for it (0 = go now); reservations queue callers fairly. `release`
 * gives back a reservation whose caller gave up. Methods may answer synchronously or with a promise.
 *
 * @example
 * ```ts
 * const store: RateLimitStore = new RedisRateLimitStore({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export interface RateLimitStore {
  reserve(key: string, now: number, config: TokenBucketConfig): number | Promise<number>;
  release(key: string, now: number, config: TokenBucketConfig): void | Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * The default store: token buckets in a `Map` in this process.
 *
 * @example
 * ```ts
 * const store = new InMemoryRateLimitStore(); // share it to share a limit between primitives
 * ```
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, Bucket>();

  reserve(key: string, now: number, config: TokenBucketConfig): number {
    const bucket = this.#refill(key, now, config);
    // Tokens may go negative: each negative token is a caller waiting its turn.
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : -bucket.tokens / config.refillPerMs;
  }

  release(key: string, now: number, config: TokenBucketConfig): void {
    const bucket = this.#refill(key, now, config);
    bucket.tokens = Math.min(config.capacity, bucket.tokens + 1);
  }

  #refill(key: string, now: number, config: TokenBucketConfig): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: config.capacity, updatedAt: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(config.capacity, bucket.tokens + elapsed * config.refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  }
}
