export { AbortScope } from './abort-scope.js';
export { currentContext, runWithContext } from './async-context.js';
export {
  Budget,
  type BudgetJSON,
  type BudgetLimit,
  type BudgetLimits,
  type BudgetRemaining,
  type BudgetSpent,
  type Usage,
} from './budget.js';
export { type ContextKey, createContextKey } from './context/context-key.js';
export { USAGE_OBSERVER } from './context/usage-observer.js';
export { BudgetExceededError } from './errors/budget-exceeded-error.js';
export { isCancellationError, toCancellationError } from './errors/cancellation.js';
export { CancelledError } from './errors/cancelled-error.js';
export { DeadlineExceededError } from './errors/deadline-exceeded-error.js';
export { InvalidContextError } from './errors/invalid-context-error.js';
export { MessageTooLargeError } from './errors/message-too-large-error.js';
export { StoreDataError } from './errors/store-data-error.js';
export {
  isTtaError,
  TtaError,
  type TtaErrorCode,
  type TtaErrorCodes,
} from './errors/tta-error.js';
export {
  ConversationMemory,
  type ConversationMemoryJSON,
  type ConversationMemoryOptions,
  type Message,
  type MessageInput,
  type MessageRole,
} from './memory/conversation-memory.js';
export { CONVERSATION, MEMORY_OBSERVER, type MemoryChange } from './memory/memory-keys.js';
export {
  approximateTokenCount,
  createTiktokenCounter,
  type TokenCounter,
} from './memory/token-counter.js';
export {
  BAGGAGE_MAX_BYTES,
  BAGGAGE_MAX_MEMBERS,
  formatBaggage,
  isValidBaggageKey,
  parseBaggage,
} from './propagation/baggage.js';
export type { HeaderCarrier, PropagationHeaders } from './propagation/headers.js';
export { isValidSpanId, isValidTraceId, newSpanId, newTraceId } from './propagation/ids.js';
export {
  formatTraceparent,
  KNOWN_TRACE_FLAGS,
  parseTraceparent,
  type TraceParent,
} from './propagation/traceparent.js';
export {
  TRACESTATE_MAX_LENGTH,
  TRACESTATE_MAX_MEMBERS,
  TraceState,
} from './propagation/tracestate.js';
export { sleep } from './sleep.js';
export type { ContextStore, StoreSetOptions } from './stores/context-store.js';
export { checkStoreKey, decodeStoreEntry, encodeStoreEntry } from './stores/envelope.js';
export { FileStore, type FileStoreOptions } from './stores/file-store.js';
export { InMemoryStore } from './stores/in-memory-store.js';
export { type Wait, type WaitEnd, waitFor } from './wait.js';
export {
  type Checkpoint,
  WorkflowContext,
  type WorkflowContextInit,
  type WorkflowContextJSON,
  type WorkflowContextOverrides,
} from './workflow-context.js';
