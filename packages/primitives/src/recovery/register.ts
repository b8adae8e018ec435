import { provideComposition } from '../core/composition.js';
import type { AnyPrimitive } from '../core/types.js';
import { type BulkheadOptions, BulkheadPrimitive } from './bulkhead.js';
import { type CircuitBreakerOptions, CircuitBreakerPrimitive } from './circuit-breaker.js';
import { FallbackPrimitive } from './fallback.js';
import { type RateLimitOptions, RateLimitPrimitive } from './rate-limit.js';
import { type RetryOptions, RetryPrimitive } from './retry.js';
import { type TimeoutOptions, TimeoutPrimitive } from './timeout.js';

// The fluent methods of WorkflowPrimitive (`withRetry`, …) build these classes through this table.
provideComposition('retry', (inner, options) => new RetryPrimitive(inner, options as RetryOptions));
provideComposition(
  'timeout',
  (inner, options) => new TimeoutPrimitive(inner, options as TimeoutOptions<unknown, unknown>),
);
provideComposition(
  'fallback',
  (primary, fallbacks) => new FallbackPrimitive(primary, fallbacks as AnyPrimitive[]),
);
provideComposition(
  'circuitBreaker',
  (inner, options) => new CircuitBreakerPrimitive(inner, options as CircuitBreakerOptions),
);
provideComposition(
  'bulkhead',
  (inner, options) => new BulkheadPrimitive(inner, options as BulkheadOptions),
);
provideComposition(
  'rateLimit',
  (inner, options) => new RateLimitPrimitive(inner, options as RateLimitOptions),
);
