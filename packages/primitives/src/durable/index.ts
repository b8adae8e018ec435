export { type DurableCodec, JSON_CODEC } from './codec.js';
export type {
  DurableOptions,
  RunHandle,
  RunInfo,
  StartOptions,
  StepInfo,
} from './durable-types.js';
export { DurableWorkflow, durable } from './durable-workflow.js';
export {
  ApprovalRejectedError,
  CorruptJournalError,
  DurableRunRequiredError,
  DurableValueError,
  RunNotFoundError,
  RunStateError,
  SignalPayloadError,
  SignalTimeoutError,
  WorkflowVersionMismatchError,
} from './errors/durable-errors.js';
export { type RecoverRunsOptions, recoverRuns } from './recover-runs.js';
export type {
  DurableStore,
  RunQuery,
  RunRecord,
  RunStatus,
  RunUpdate,
  StepRecord,
} from './stores/durable-store.js';
export { InMemoryDurableStore } from './stores/in-memory-durable-store.js';
export {
  PostgresDurableStore,
  type PostgresDurableStoreOptions,
  type PostgresQueryable,
} from './stores/postgres-durable-store.js';
export {
  type SqliteDatabase,
  SqliteDurableStore,
  type SqliteDurableStoreOptions,
  type SqliteStatement,
} from './stores/sqlite-durable-store.js';
export { runVersion, structureFingerprint } from './versioning.js';
export {
  approval,
  type Decision,
  durableSleep,
  durableSleepUntil,
  type SignalSchema,
  type WaitForSignalOptions,
  WaitForSignalPrimitive,
  waitForSignal,
} from './waits.js';
