export {
  AbortScope,
  Budget,
  BudgetExceededError,
  type BudgetLimits,
  CancelledError,
  currentContext,
  DeadlineExceededError,
  isCancellationError,
  isTtaError,
  runWithContext,
  sleep,
  TtaError,
  type TtaErrorCode,
  type TtaErrorCodes,
  WorkflowContext,
} from '@tta/agent-context';
// First: loads the base class before any subclass (see classes.ts).
export { WorkflowPrimitive } from './classes.js';
export { ConditionalPrimitive, type Predicate, when } from './core/conditional.js';
export {
  type DescribedChild,
  descriptionToMermaid,
  type PrimitiveDescription,
} from './core/describe.js';
export { isWorkflowPrimitive } from './core/is-primitive.js';
export { LambdaPrimitive, lambda, type StepFunction } from './core/lambda.js';
export { ParallelPrimitive, parallel } from './core/parallel.js';
export type {
  BranchInput,
  BranchOutputs,
  ParallelBranches,
  ParallelMode,
  ParallelOptions,
  ParallelOutput,
  ParallelOutputs,
  ParallelPrimitiveConstructor,
  SettledOutputs,
} from './core/parallel-types.js';
export {
  type RouteKey,
  type RouterOptions,
  RouterPrimitive,
  type RouterPrimitiveConstructor,
} from './core/router.js';
export {
  type SequenceChain,
  SequentialPrimitive,
  type SequentialPrimitiveConstructor,
  sequential,
} from './core/sequential.js';
export {
  type StreamFunction,
  type StreamingLambdaOptions,
  StreamingLambdaPrimitive,
} from './core/streaming-lambda.js';
export type {
  AnyPrimitive,
  ChunkOf,
  InputOf,
  OutputOf,
  Policy,
  PrimitiveOptions,
  Streams,
} from './core/types.js';

export { BulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
export { CircuitOpenError } from './errors/circuit-open-error.js';
export { CompensationError, type CompensationFailure } from './errors/compensation-error.js';
export { FallbackError } from './errors/fallback-error.js';
export { RateLimitExceededError } from './errors/rate-limit-exceeded-error.js';
export { RouteNotFoundError } from './errors/route-not-found-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export type {
  CacheErrorEvent,
  CacheEvent,
  CircuitAdmissionEvent,
  CircuitState,
  CircuitStateChangeEvent,
  CompensationEvent,
  DurableRunEvent,
  DurableStepEvent,
  FallbackEvent,
  LlmCallEvent,
  PrimitiveEvent,
  PrimitiveEventBase,
  PrimitiveEventInit,
  PrimitiveEventType,
  PrimitiveRef,
  RejectionEvent,
  RetryEvent,
  RouteEvent,
  StoreErrorEvent,
  StreamStepEvent,
  TimeoutEvent,
  ToolDescription,
} from './hooks/events.js';
export { FOLLOWS_FROM, type SpanLinkTarget } from './hooks/follows-from.js';
export type { ExecutionInfo, PrimitiveHooks, RegisterHooksOptions } from './hooks/hooks.js';
export { registerHooks } from './hooks/registry.js';
export { reportDurable } from './hooks/report-durable.js';
export { type LlmCallReport, reportLlmCall } from './hooks/report-llm-call.js';
export {
  decide,
  enableStepInterceptors,
  STEP_INTERCEPTOR,
  type StepInterceptor,
} from './hooks/step-interceptor.js';
export { type CacheOptions, CachePrimitive, type CacheStats } from './performance/cache.js';
export {
  type CacheEntry,
  type CacheStore,
  InMemoryCacheStore,
  type InMemoryCacheStoreOptions,
} from './performance/cache-store.js';
export { stableKey } from './performance/stable-key.js';
export {
  type TierBreaker,
  type TierRouterOptions,
  TierRouterPrimitive,
  type TierRouterPrimitiveConstructor,
} from './performance/tier-router.js';
export { type BulkheadOptions, BulkheadPrimitive } from './recovery/bulkhead.js';
export { type CircuitBreakerOptions, CircuitBreakerPrimitive } from './recovery/circuit-breaker.js';
export {
  type CircuitBreakerStore,
  InMemoryCircuitBreakerStore,
} from './recovery/circuit-breaker-store.js';
export {
  CIRCUIT_RULES,
  type CircuitCond,
  type CircuitExpr,
  type CircuitRule,
  type CircuitSet,
  type CircuitVar,
} from './recovery/circuit-rules.js';
export {
  type Admission,
  admit,
  applyOperation,
  type CircuitOperation,
  type CircuitOutcome,
  type CircuitPolicy,
  type CircuitSnapshot,
  CLOSED,
  isCircuitSnapshot,
  recordFailure,
  recordSuccess,
  releaseTrial,
  type Transition,
} from './recovery/circuit-state.js';
export type { CircuitWindow } from './recovery/circuit-window.js';
export {
  CompensationPrimitive,
  type CompensationPrimitiveConstructor,
  type Compensator,
  type SagaChain,
  type SagaStep,
  sagaStep,
} from './recovery/compensation.js';
export type { FailureRateOptions } from './recovery/failure-rate.js';
export { type FallbackOptions, FallbackPrimitive } from './recovery/fallback.js';
export {
  bulkhead,
  circuitBreaker,
  fallback,
  rateLimit,
  retry,
  timeout,
} from './recovery/policies.js';
export { type RateLimitOptions, RateLimitPrimitive } from './recovery/rate-limit.js';
export {
  InMemoryRateLimitStore,
  type RateLimitReservation,
  type RateLimitStore,
  STALE_TICKET_MS,
  type TokenBucketConfig,
} from './recovery/rate-limit-store.js';
export { isRetryableError, type RetryOptions, RetryPrimitive } from './recovery/retry.js';
export { SagaScopePrimitive, sagaScope } from './recovery/saga-scope.js';
export { type TimeoutOptions, TimeoutPrimitive } from './recovery/timeout.js';
export type {
  ChunkEvent,
  ResetEvent,
  ResultEvent,
  StepEndEvent,
  StepStartEvent,
  StreamEvent,
  UsageEvent,
} from './streaming/events.js';
export {
  eventData,
  SSE_HEADERS,
  sseResponse,
  toReadableStream,
  toSSEStream,
  writeSSE,
} from './streaming/http.js';
export {
  type MidStreamPolicy,
  STREAM_PREFIX,
  streamPrefix,
} from './streaming/mid-stream.js';
export { type StreamOptions, streamWorkflow } from './streaming/run-stream.js';
export { emitChunk, isStreaming, STREAM_SINK, type StreamSink } from './streaming/sink.js';
