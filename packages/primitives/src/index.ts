export {
  CancelledError,
  currentContext,
  DeadlineExceededError,
  isCancellationError,
  isTtaError,
  runWithContext,
  TtaError,
  WorkflowContext,
} from '@tta/agent-context';
export { ConditionalPrimitive, type Predicate, when } from './core/conditional.js';
export { LambdaPrimitive, lambda, type StepFunction } from './core/lambda.js';
export {
  type BranchInput,
  type BranchOutputs,
  type ParallelBranches,
  type ParallelMode,
  type ParallelOptions,
  type ParallelOutput,
  type ParallelOutputs,
  ParallelPrimitive,
  type ParallelPrimitiveConstructor,
  parallel,
  type SettledOutputs,
} from './core/parallel.js';
export { type RouteKey, type RouterOptions, RouterPrimitive } from './core/router.js';
export { type SequenceChain, SequentialPrimitive, sequential } from './core/sequential.js';
export type { AnyPrimitive, InputOf, OutputOf, PrimitiveOptions } from './core/types.js';
export { isWorkflowPrimitive, WorkflowPrimitive } from './core/workflow-primitive.js';
export { RouteNotFoundError } from './errors/route-not-found-error.js';
export type {
  CacheEvent,
  CircuitState,
  CircuitStateChangeEvent,
  CompensationEvent,
  FallbackEvent,
  PrimitiveEvent,
  PrimitiveEventBase,
  PrimitiveEventInit,
  PrimitiveEventType,
  PrimitiveRef,
  RejectionEvent,
  RetryEvent,
  RouteEvent,
  TimeoutEvent,
} from './hooks/events.js';
export type { ExecutionInfo, PrimitiveHooks, RegisterHooksOptions } from './hooks/hooks.js';
export { registerHooks } from './hooks/registry.js';
