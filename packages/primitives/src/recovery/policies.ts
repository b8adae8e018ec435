import {
  BulkheadPrimitive,
  CircuitBreakerPrimitive,
  FallbackPrimitive,
  RateLimitPrimitive,
  RetryPrimitive,
  TimeoutPrimitive,
  type WorkflowPrimitive,
} from '../classes.js';
import type { PrimitiveOptions } from '../core/types.js';
import type { BulkheadOptions } from './bulkhead.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { RetryOptions } from './retry.js';
import type { TimeoutOptions } from './timeout.js';

// A name given to `.with(…)` overrides the policy's own.
function withName<T extends object>(options: T, named: PrimitiveOptions | undefined): T {
  return named?.name === undefined ? options : { ...options, name: named.name };
}

// Policy factories for `WorkflowPrimitive.with(...)`. Each returns a generic function, so one
// policy value can wrap steps of any input and output. Options are validated when applied.

/**
 * A retry policy for `.with(...)`: `step.with(retry(options))` is `step.withRetry(options)`.
 *
 * @example
 * ```ts
 * const robust = callModel.with(retry({ maxRetries: 2, initialDelayMs: 200 }));
 * ```
 */
export function retry(options?: RetryOptions) {
  return <I, O>(inner: WorkflowPrimitive<I, O>, named?: PrimitiveOptions): RetryPrimitive<I, O> =>
    new RetryPrimitive(inner, withName(options ?? {}, named));
}

/**
 * A timeout policy for `.with(...)`: a limit in ms, or full options without a fallback.
 *
 * @example
 * ```ts
 * const bounded = callModel.with(timeout(10_000));
 * ```
 */
export function timeout(limit: number | Omit<TimeoutOptions<never, never>, 'fallback'>) {
  const options = typeof limit === 'number' ? { timeoutMs: limit } : limit;
  return <I, O>(inner: WorkflowPrimitive<I, O>, named?: PrimitiveOptions): TimeoutPrimitive<I, O> =>
    new TimeoutPrimitive<I, O>(inner, withName(options, named));
}

/**
 * A fallback policy for `.with(...)`: the alternatives, tried in order when the step fails.
 *
 * @example
 * ```ts
 * const answer = primaryModel.with(timeout(5_000), fallback(backupModel));
 * ```
 */
export function fallback<I, O>(...alternatives: WorkflowPrimitive<I, O>[]) {
  return <I2 extends I>(
    inner: WorkflowPrimitive<I2, O>,
    named?: PrimitiveOptions,
  ): FallbackPrimitive<I2, O> => new FallbackPrimitive<I2, O>(inner, alternatives, named);
}

/**
 * A circuit-breaker policy for `.with(...)`.
 *
 * @example
 * ```ts
 * const guarded = callProvider.with(circuitBreaker({ failureThreshold: 3 }));
 * ```
 */
export function circuitBreaker(options?: CircuitBreakerOptions) {
  return <I, O>(
    inner: WorkflowPrimitive<I, O>,
    named?: PrimitiveOptions,
  ): CircuitBreakerPrimitive<I, O> =>
    new CircuitBreakerPrimitive(inner, withName(options ?? {}, named));
}

/**
 * A bulkhead policy for `.with(...)`.
 *
 * @example
 * ```ts
 * const limited = callModel.with(bulkhead({ maxConcurrent: 4, maxQueue: 16 }));
 * ```
 */
export function bulkhead(options: BulkheadOptions) {
  return <I, O>(
    inner: WorkflowPrimitive<I, O>,
    named?: PrimitiveOptions,
  ): BulkheadPrimitive<I, O> => new BulkheadPrimitive(inner, withName(options, named));
}

/**
 * A rate-limit policy for `.with(...)`.
 *
 * @example
 * ```ts
 * const polite = callApi.with(rateLimit({ tokensPerInterval: 10, intervalMs: 1000 }));
 * ```
 */
export function rateLimit(options: RateLimitOptions) {
  return <I, O>(
    inner: WorkflowPrimitive<I, O>,
    named?: PrimitiveOptions,
  ): RateLimitPrimitive<I, O> => new RateLimitPrimitive(inner, withName(options, named));
}
