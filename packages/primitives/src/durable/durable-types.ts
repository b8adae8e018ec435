// The public shapes of durable runs: what `durable()` takes, what `start` and `get` give back.
import type {
  ConversationMemory,
  ConversationMemoryJSON,
  WorkflowContext,
} from '@tta/agent-context';
import type { DurableCodec } from './codec.js';
import type { DurableStore, RunStatus } from './stores/durable-store.js';

/**
 * Options of {@link durable}.
 *
 * @example
 * ```ts
 * durable(approveExpense, { name: 'approve-expense', store, version: '2' });
 * ```
 */
export interface DurableOptions {
  /** The name runs are stored under (one per workflow; keep it stable). Required. */
  name: string;
  /** Where runs and journals live. Required. */
  store: DurableStore;
  /** The workflow's version, recorded with each run. Default: `'1'`. */
  version?: string | undefined;
  /**
   * Older versions whose unfinished runs this code may resume (a declared migration: branch on
   * `runVersion(ctx)` where they differ). Default: none (only runs of `version` with the same
   * structure resume; others raise `WorkflowVersionMismatchError`).
   */
  resumes?: readonly string[] | undefined;
  /** How inputs, outputs and errors are stored. Default: `JSON_CODEC`. */
  codec?: DurableCodec | undefined;
  /**
   * This process's name as the owner of the runs it drives. Give a stable one (a pod name) and a
   * restarted process takes its runs back at once in `recover()`, without waiting for their
   * leases. Default: host name, process id and a random suffix.
   */
  workerId?: string | undefined;
  /** How long a run's owner holds it without renewing (renewed every third of it). Default: 15000. */
  leaseMs?: number | undefined;
  /**
   * The largest stored value (an input, a step's output, a signal), in bytes of encoded text;
   * larger ones fail with `DurableValueError` at the step that produced them. Default: 1048576.
   */
  maxValueBytes?: number | undefined;
  /**
   * Rebuilds a run's conversation (the context's `CONVERSATION` when the run started) on resume,
   * before its steps' changes are applied again: give one to restore a custom `tokenCounter`.
   * Default: `ConversationMemory.fromJSON(saved)`.
   */
  restoreConversation?: ((saved: ConversationMemoryJSON) => ConversationMemory) | undefined;
}

/**
 * Options of {@link DurableWorkflow.start}.
 *
 * @example
 * ```ts
 * await flow.start(expense, { runId: `expense-${expense.id}`, context: ctx });
 * ```
 */
export interface StartOptions {
  /** The run's id, and an idempotency key: starting it again returns the existing run. Default: a new UUID. */
  runId?: string | undefined;
  /** The context to run with (ids, trace, baggage, deadline, budget); it is stored with the run. Default: a new one. */
  context?: WorkflowContext | undefined;
}

/**
 * A started (or found) run.
 *
 * @example
 * ```ts
 * const run = await flow.start(input);
 * const output = await run.result();
 * ```
 */
export interface RunHandle<O> {
  readonly runId: string;
  /** False when the id already had a run (`start` with a used `runId`). */
  readonly created: boolean;
  /**
   * The output once the run completes. Rejects with the run's error when it fails, and with a
   * `RunStateError` for a run that is not being run by this process (resume it to run it here).
   */
  result(): Promise<O>;
}

/**
 * One journaled step of a run.
 *
 * @example
 * ```ts
 * for (const s of (await flow.get(runId)).steps) console.log(s.path, s.status, s.durationMs);
 * ```
 */
export interface StepInfo {
  readonly path: string;
  readonly seq: number;
  readonly status: 'completed' | 'failed';
  readonly startedAt: number;
  readonly durationMs: number;
}

/**
 * A run as `get` reports it.
 *
 * @example
 * ```ts
 * const { status, output, steps } = await flow.get(runId);
 * ```
 */
export interface RunInfo<I, O> {
  readonly runId: string;
  readonly workflow: string;
  readonly version: string;
  readonly status: RunStatus;
  readonly input: I;
  readonly output?: O | undefined;
  readonly error?: unknown;
  readonly steps: readonly StepInfo[];
  /** The trace the run belongs to (its context's trace id): find its spans with it. */
  readonly traceId: string | undefined;
  /**
   * Each attempt at the run (its start, then every resume) that was traced: the ids of its
   * outermost span. A resumed attempt's span links to the one before it.
   */
  readonly attempts: readonly { traceId: string; spanId: string; startedAt: number }[];
  /**
   * The run's conversation now (its `CONVERSATION` at the start plus every journaled step's
   * changes), when it carries one.
   */
  readonly conversation?: ConversationMemoryJSON | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}
