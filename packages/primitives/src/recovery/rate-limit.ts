import { sleep, type WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions } from '../core/types.js';
import { RateLimitExceededError } from '../errors/rate-limit-exceeded-error.js';
import {
  finiteAtLeast,
  integerAtLeast,
  positiveFinite,
  requirePrimitive,
} from '../internal/validate.js';
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
  readonly key: string;
  readonly #config: TokenBucketConfig;
  readonly #maxWaitMs: number;
  readonly #store: RateLimitStore;

  constructor(inner: WorkflowPrimitive<I, O>, options: RateLimitOptions) {
    super(options);
    const owner = 'RateLimitPrimitive';
    requirePrimitive(owner, 'inner', inner);
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`${owner}: options are required`);
    const tokens = integerAtLeast(owner, 'tokensPerInterval', options.tokensPerInterval, 1);
    const intervalMs = positiveFinite(owner, 'intervalMs', options.intervalMs);
    const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    if (maxWaitMs !== Number.POSITIVE_INFINITY) finiteAtLeast(owner, 'maxWaitMs', maxWaitMs, 0);
    this.inner = inner;
    this.#config = Object.freeze({ capacity: tokens, refillPerMs: tokens / intervalMs });
    this.#maxWaitMs = maxWaitMs;
    this.#store = options.store ?? new InMemoryRateLimitStore();
    this.key = options.key ?? this.name;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return {
      capacity: this.#config.capacity,
      perSecond: Math.round(this.#config.refillPerMs * 1000 * 1000) / 1000,
      key: this.key,
    };
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
      if (waitMs > this.#maxWaitMs || waitMs >= context.remainingMs()) {
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
