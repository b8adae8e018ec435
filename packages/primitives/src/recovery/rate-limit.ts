import { type WorkflowContext, waitFor } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { RateLimitExceededError } from '../errors/rate-limit-exceeded-error.js';
import {
  declareOptions,
  integer,
  made,
  nameLike,
  number,
  type Resolved,
} from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';
import {
  InMemoryRateLimitStore,
  type RateLimitReservation,
  type RateLimitStore,
  type TokenBucketConfig,
} from './rate-limit-store.js';

/**
 * Options of {@link RateLimitPrimitive}.
 *
 * @example
 * ```ts
 * callApi.withRateLimit({ tokensPerInterval: 60, intervalMs: 60_000, maxWaitMs: 5_000 });
 * ```
 */
export interface RateLimitOptions extends PrimitiveOptions {
  /** Tokens added per interval, and the bucket size (burst). Required (integer >= 1). */
  tokensPerInterval: number;
  /** The interval, in ms. Required (> 0). */
  intervalMs: number;
  /**
   * Longest a caller will wait for a token; longer waits reject at once with
   * `RateLimitExceededError` (as do waits past the context's deadline). Default: `Infinity`.
   */
  maxWaitMs?: number | undefined;
  /** Where buckets live. Default: a new `InMemoryRateLimitStore` for this limiter. */
  store?: RateLimitStore | undefined;
  /** The bucket's key in the store (limiters with one store and key share a bucket). Default: the name. */
  key?: string | undefined;
}

/** The options of {@link RateLimitPrimitive}: checks, defaults and what `describe()` shows. */
export const RATE_LIMIT_OPTIONS = declareOptions('RateLimitPrimitive', {
  tokensPerInterval: integer(1),
  intervalMs: number({ positive: true }),
  maxWaitMs: number({ min: 0, infinite: true }, Number.POSITIVE_INFINITY, {
    docDefault: '`Infinity`',
  }),
  store: made<RateLimitStore>(() => new InMemoryRateLimitStore(), 'a new `InMemoryRateLimitStore`'),
  key: nameLike("the primitive's name"),
});

/**
 * Limits the call rate of `inner` with a token bucket: `tokensPerInterval` tokens every
 * `intervalMs`, bursts up to `tokensPerInterval`. Callers without a token wait their turn (in
 * order, cancellably); a caller that gives up leaves the line and the next one moves up.
 *
 * @example
 * ```ts
 * const polite = new RateLimitPrimitive(callApi, { tokensPerInterval: 60, intervalMs: 60_000 });
 * ```
 */
export class RateLimitPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'rate-limit';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly #key: string | undefined;
  readonly #config: TokenBucketConfig;
  readonly #options: Resolved<typeof RATE_LIMIT_OPTIONS.specs>;
  readonly #store: RateLimitStore;

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: RateLimitOptions) {
    super(options);
    requirePrimitive('RateLimitPrimitive', 'inner', inner);
    if (options === undefined) throw new TypeError('RateLimitPrimitive: options are required');
    const o = RATE_LIMIT_OPTIONS.resolve(options, this.name);
    this.#options = o;
    this.inner = inner;
    this.#config = Object.freeze({
      capacity: o.tokensPerInterval,
      refillPerMs: o.tokensPerInterval / o.intervalMs,
    });
    this.#store = o.store;
    this.#key = o.key;
    this.adoptChildren();
  }

  /** The bucket's key in its store: the `key` option, else the step's name. */
  get key(): string {
    return this.#key ?? this.name;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return { ...RATE_LIMIT_OPTIONS.describe(this.#options), key: this.key };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    const start = Date.now();
    let reservation: RateLimitReservation;
    try {
      reservation = checkReservation(await this.#store.reserve(this.key, start, this.#config));
    } catch (error) {
      // A failing store fails open: the limiter must not take the workflow down with it.
      this.emit({ type: 'store-error', store: 'rate-limit', operation: 'reserve', error }, context);
      reservation = { ticket: 0, waitMs: 0 };
    }
    if (reservation.waitMs > 0) await this.#waitTurn(reservation, start, context);
    return this.runStep(this.inner, input, context);
  }

  /** Waits in line until the store hands this ticket a token; leaves the line on any way out. */
  async #waitTurn(
    { ticket, waitMs: firstWait }: RateLimitReservation,
    start: number,
    context: WorkflowContext,
  ): Promise<void> {
    let waitMs = firstWait;
    let wake: (() => void) | undefined;
    // Someone ahead left the line: claim again now rather than at the old estimate.
    const unsubscribe = this.#store.subscribe?.(this.key, () => wake?.());
    try {
      for (;;) {
        if (
          Date.now() + waitMs - start > this.#options.maxWaitMs ||
          waitMs >= context.remainingMs()
        ) {
          this.emit({ type: 'rejection', reason: 'rate-limited' }, context);
          throw new RateLimitExceededError({ limiter: this.name, retryAfterMs: waitMs });
        }
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
        });
        await waitFor({ promise: woken, ms: waitMs, signal: context.signal });
        wake = undefined;
        try {
          waitMs = checkWait(await this.#store.claim(this.key, ticket, Date.now(), this.#config));
        } catch (error) {
          this.emit(
            { type: 'store-error', store: 'rate-limit', operation: 'claim', error },
            context,
          );
          return; // fails open, as reserve does
        }
        if (waitMs === 0) return;
      }
    } catch (error) {
      await this.#release(ticket, context);
      throw error;
    } finally {
      unsubscribe?.();
    }
  }

  async #release(ticket: number, context: WorkflowContext): Promise<void> {
    try {
      await this.#store.release(this.key, ticket, Date.now(), this.#config);
    } catch (error) {
      this.emit({ type: 'store-error', store: 'rate-limit', operation: 'release', error }, context);
    }
  }
}

function checkWait(waitMs: unknown): number {
  if (typeof waitMs !== 'number' || !(waitMs >= 0) || waitMs === Number.POSITIVE_INFINITY)
    throw new TypeError(`RateLimitStore returned an invalid wait: ${String(waitMs)}`);
  return waitMs;
}

function checkReservation(value: unknown): RateLimitReservation {
  const r = value as Partial<RateLimitReservation> | null;
  if (typeof r !== 'object' || r === null || !Number.isSafeInteger(r.ticket))
    throw new TypeError('RateLimitStore.reserve must return { ticket, waitMs }');
  return { ticket: r.ticket as number, waitMs: checkWait(r.waitMs) };
}
