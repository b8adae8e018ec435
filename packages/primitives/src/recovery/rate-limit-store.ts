/**
 * The bucket's parameters, passed on every call so any store can apply them.
 *
 * @example
 * ```ts
 * const config: TokenBucketConfig = { capacity: 60, refillPerMs: 60 / 60_000 };
 * ```
 */
export interface TokenBucketConfig {
  /** Bucket size: the burst allowed after a quiet period. */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
}

/**
 * What `reserve` gives: `waitMs: 0` means a token was taken (go now); otherwise the caller holds a
 * place in the line (`ticket`) and should `claim` it after `waitMs`.
 *
 * @example
 * ```ts
 * const { ticket, waitMs } = await store.reserve('api', Date.now(), config);
 * ```
 */
export interface RateLimitReservation {
  /** The caller's place in the line (first come, first served). `0` when `waitMs` is 0. */
  readonly ticket: number;
  /** How long until the caller's turn, in ms (an estimate that only gets shorter). */
  readonly waitMs: number;
}

/**
 * Where token buckets and their lines of waiting callers live. The protocol:
 *
 * - `reserve` takes a token when nobody is waiting and one is left (`waitMs: 0`); otherwise it
 *   gives the caller a ticket at the end of the line and an estimate of its turn.
 * - `claim` (after waiting) takes the token if the ticket is first in line and a token is there
 *   (returns 0); otherwise it returns the new estimate. Only the first in line can take a token,
 *   so the order is first come, first served and the burst never exceeds the capacity.
 * - `release` leaves the line (a caller that gave up); the next in line moves up.
 * - `subscribe` (optional) tells waiters that the line moved without them (someone left it, or a
 *   turn was taken late with tokens to spare), so they claim again at once instead of at their
 *   old estimate. Without it, a waiter moves up at its next claim.
 *
 * A ticket first in line that is not claimed within {@link STALE_TICKET_MS} of its turn is dropped
 * (its caller crashed), so a dead caller cannot block the line. Methods may answer synchronously or
 * with a promise.
 *
 * @example
 * ```ts
 * const store: RateLimitStore = new RedisRateLimitStore({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export interface RateLimitStore {
  reserve(
    key: string,
    now: number,
    config: TokenBucketConfig,
  ): RateLimitReservation | Promise<RateLimitReservation>;
  claim(
    key: string,
    ticket: number,
    now: number,
    config: TokenBucketConfig,
  ): number | Promise<number>;
  release(
    key: string,
    ticket: number,
    now: number,
    config: TokenBucketConfig,
  ): void | Promise<void>;
  subscribe?(key: string, onLeave: () => void): () => void;
}

/**
 * How long past its turn a first-in-line ticket may stay unclaimed before it is dropped (ms): a
 * crashed caller blocks the line for at most this long.
 *
 * @example
 * ```ts
 * const worstStall = STALE_TICKET_MS + intervalMs; // a dead replica's caller, then the next turn
 * ```
 */
export const STALE_TICKET_MS = 5_000;

// Below 1 by a rounding error still counts as a whole token: refills are floating-point sums.
const WHOLE = 1 - 1e-9;

interface Waiter {
  readonly ticket: number;
  /** When the waiter expects its turn (epoch ms); stale past this plus STALE_TICKET_MS. */
  due: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  lastTicket: number;
  /** The line, in ticket order. */
  readonly line: Waiter[];
}

/**
 * The default store: token buckets and their lines in a `Map` in this process.
 *
 * @example
 * ```ts
 * const store = new InMemoryRateLimitStore(); // share it to share a limit between primitives
 * ```
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, Bucket>();
  readonly #listeners = new Map<string, Set<() => void>>();

  reserve(key: string, now: number, config: TokenBucketConfig): RateLimitReservation {
    const bucket = this.#update(key, now, config);
    if (bucket.line.length === 0 && bucket.tokens >= WHOLE) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      return { ticket: 0, waitMs: 0 };
    }
    const waiter: Waiter = { ticket: ++bucket.lastTicket, due: now };
    bucket.line.push(waiter);
    const waitMs = estimate(bucket.line.length - 1, bucket.tokens, config);
    waiter.due = now + waitMs;
    return { ticket: waiter.ticket, waitMs };
  }

  claim(key: string, ticket: number, now: number, config: TokenBucketConfig): number {
    const bucket = this.#update(key, now, config);
    let place = bucket.line.findIndex((w) => w.ticket === ticket);
    if (place === -1) {
      // Dropped as stale (its caller was only late): back into its place by ticket order.
      place = bucket.line.findIndex((w) => w.ticket > ticket);
      if (place === -1) place = bucket.line.length;
      bucket.line.splice(place, 0, { ticket, due: now });
    }
    const waiter = bucket.line[place] as Waiter;
    if (place === 0 && bucket.tokens >= WHOLE) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      bucket.line.shift();
      // The next in line can go too (tokens piled up while this one was late): tell it now.
      if (bucket.line.length > 0 && bucket.tokens >= WHOLE) this.#notify(key);
      return 0;
    }
    const waitMs = estimate(place, bucket.tokens, config);
    waiter.due = now + waitMs;
    return waitMs;
  }

  release(key: string, ticket: number, now: number, config: TokenBucketConfig): void {
    const bucket = this.#update(key, now, config);
    const place = bucket.line.findIndex((w) => w.ticket === ticket);
    if (place === -1) return;
    bucket.line.splice(place, 1);
    this.#notify(key);
  }

  subscribe(key: string, onLeave: () => void): () => void {
    let listeners = this.#listeners.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(key, listeners);
    }
    // A wrapper per subscription, so subscribing one function twice needs two unsubscribes.
    const listener = () => onLeave();
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(key);
    };
  }

  #notify(key: string): void {
    const listeners = this.#listeners.get(key);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch {
        // A waiter's wake-up must not break the caller that left the line.
      }
    }
  }

  /** Refills the bucket to `now` and drops stale tickets at the head of the line. */
  #update(key: string, now: number, config: TokenBucketConfig): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: config.capacity, updatedAt: now, lastTicket: 0, line: [] };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(config.capacity, bucket.tokens + elapsed * config.refillPerMs);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
    let dropped = false;
    while (bucket.line.length > 0 && (bucket.line[0] as Waiter).due + STALE_TICKET_MS < now) {
      bucket.line.shift();
      dropped = true;
    }
    if (dropped) this.#notify(key);
    return bucket;
  }
}

/**
 * The wait of the caller at `place` in line (0 = first) with `tokens` in the bucket. Never 0 (that
 * means "go"): a caller whose token is there but who is not first waits for those ahead to claim
 * theirs (they will be told when the first one does), at most one refill or 100 ms.
 */
function estimate(place: number, tokens: number, config: TokenBucketConfig): number {
  const floor = place === 0 ? 1 : Math.min(1 / config.refillPerMs, 100);
  return Math.max(floor, (place + 1 - tokens) / config.refillPerMs);
}
