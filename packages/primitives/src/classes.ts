// biome-ignore-all assist/source/organizeImports: the order of these exports is the load order.
/**
 * The base class and every class its methods construct, in the order they must load.
 *
 * `WorkflowPrimitive.pipe()` builds a `SequentialPrimitive`, `.withRetry()` a `RetryPrimitive`, and
 * so on, while each of those classes extends `WorkflowPrimitive`: an import cycle. An ES module
 * cycle is safe when the base class is evaluated before any subclass, so modules of this package
 * import these classes from here, never from their own files (checked by
 * `scripts/check-architecture.mjs`). Whichever module a program loads first, this file loads the
 * base first. See docs/architecture.md, "How the fluent methods reach the recovery primitives".
 */
export { WorkflowPrimitive } from './core/workflow-primitive.js';
export { SequentialPrimitive } from './core/sequential.js';
export { ParallelPrimitive } from './core/parallel.js';
export { RetryPrimitive } from './recovery/retry.js';
export { TimeoutPrimitive } from './recovery/timeout.js';
export { FallbackPrimitive } from './recovery/fallback.js';
export { CircuitBreakerPrimitive } from './recovery/circuit-breaker.js';
export { BulkheadPrimitive } from './recovery/bulkhead.js';
export { RateLimitPrimitive } from './recovery/rate-limit.js';
