import { sleep, type WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions } from '../core/types.js';
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
 * order, cancellably); a caller that gives up returns its reservation.
 *
 * @example
 * ```ts
 * const polite = new RateLimitPrimitive(callApi, { tokensPerInterval: 60, intervalMs: 60_000 });
 * ```
 */
export class RateLimitPrimitive<I, O> extends WorkflowPrimitive<I, O> {
  override readonly type = 'rate-limit';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly #key: string | undefined;
  readonly #config: TokenBucketConfig;
  readonly #options: Resolved<typeof RATE_LIMIT_OPTIONS.specs>;
  readonly #store: RateLimitStore;

  constructor(inner: WorkflowPrimitive<I, O>, options: RateLimitOptions) {
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
    let waitMs: number;
    try {
      waitMs = await this.#store.reserve(this.key, Date.now(), this.#config);
    } catch (error) {
      // A failing store fails open: the limiter must not take the workflow down with it.
      this.emit({ type: 'store-error', store: 'rate-limit', operation: 'reserve', error }, context);
      waitMs = 0;
    }
    if (waitMs > 0) {
      if (waitMs > this.#options.maxWaitMs || waitMs >= context.remainingMs()) {
        await this.#release(context);
        this.emit({ type: 'rejection', reason: 'rate-limited' }, context);
        throw new RateLimitExceededError({ limiter: this.name, retryAfterMs: waitMs });
      }
      try {
        await sleep(waitMs, context.signal);
      } catch (error) {
        await this.#release(context);
        throw error;
      }
    }
    return this.inner.execute(input, context);
  }

  async #release(context: WorkflowContext): Promise<void> {
    try {
      await this.#store.release(this.key, Date.now(), this.#config);
    } catch (error) {
      this.emit({ type: 'store-error', store: 'rate-limit', operation: 'release', error }, context);
    }
  }
}
