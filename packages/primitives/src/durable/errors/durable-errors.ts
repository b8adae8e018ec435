import { TtaError } from '@tta/agent-context';

/**
 * A value a durable run must store (an input, a step's output or error) that the codec cannot
 * represent: a function, a symbol, a class instance it does not know, a cycle. Thrown at the step
 * that produced it, so the journal never holds a half-written value.
 *
 * @example
 * ```ts
 * try { await flow.start(input); } catch (e) { if (e instanceof DurableValueError) console.log(e.step, e.reason); }
 * ```
 */
export class DurableValueError extends TtaError {
  /** The step (its path) whose value could not be stored, or `input` for the run's input. */
  readonly step: string;
  /** What could not be stored. */
  readonly reason: string;

  constructor(details: { step: string; reason: string }, options?: ErrorOptions) {
    super(
      'DURABLE_VALUE_UNSUPPORTED',
      `Durable run: the value of ${details.step} cannot be stored: ${details.reason}`,
      options,
    );
    this.name = 'DurableValueError';
    this.step = details.step;
    this.reason = details.reason;
  }
}

/**
 * Stored data of a run that is not what this library wrote (edited by hand, or another tool's).
 *
 * @example
 * ```ts
 * await flow.resume(runId).catch((e) => e instanceof CorruptJournalError && alert(e.runId, e.step));
 * ```
 */
export class CorruptJournalError extends TtaError {
  readonly runId: string;
  /** The step whose record is corrupt, or `run` for the run's own record. */
  readonly step: string;
  readonly reason: string;

  constructor(details: { runId: string; step: string; reason: string }, options?: ErrorOptions) {
    super(
      'DURABLE_JOURNAL_CORRUPT',
      `Durable run ${details.runId}: the record of ${details.step} is corrupt: ${details.reason}`,
      options,
    );
    this.name = 'CorruptJournalError';
    this.runId = details.runId;
    this.step = details.step;
    this.reason = details.reason;
  }
}

/**
 * No run with this id in the store (for this workflow).
 *
 * @example
 * ```ts
 * await flow.get('missing').catch((e) => e instanceof RunNotFoundError); // true
 * ```
 */
export class RunNotFoundError extends TtaError {
  readonly runId: string;

  constructor(details: { runId: string }, options?: ErrorOptions) {
    super('DURABLE_RUN_NOT_FOUND', `Durable run ${details.runId} was not found`, options);
    this.name = 'RunNotFoundError';
    this.runId = details.runId;
  }
}

/**
 * The run cannot do what was asked in its state (resume a completed run, start an id that
 * belongs to another workflow).
 *
 * @example
 * ```ts
 * await flow.resume(finishedRunId).catch((e) => e instanceof RunStateError && e.status); // 'completed'
 * ```
 */
export class RunStateError extends TtaError {
  readonly runId: string;
  readonly status: string;
  readonly reason: string;

  constructor(details: { runId: string; status: string; reason: string }, options?: ErrorOptions) {
    super(
      'DURABLE_RUN_STATE',
      `Durable run ${details.runId} (${details.status}): ${details.reason}`,
      options,
    );
    this.name = 'RunStateError';
    this.runId = details.runId;
    this.status = details.status;
    this.reason = details.reason;
  }
}

/**
 * A run would resume under a workflow it did not start with: its structure changed (steps added,
 * removed or moved) under the same version, or its version is not one this code declares it can
 * resume (`resumes`). Nothing ran; the run stays as it was, so the code it started with can still
 * finish it.
 *
 * @example
 * ```ts
 * await flow.resume(runId).catch((e) => e instanceof WorkflowVersionMismatchError && deployOldWorker(e.runVersion));
 * ```
 */
export class WorkflowVersionMismatchError extends TtaError {
  readonly runId: string;
  /** The version the run started with. */
  readonly runVersion: string;
  /** This code's version. */
  readonly version: string;
  readonly reason: string;

  constructor(
    details: { runId: string; runVersion: string; version: string; reason: string },
    options?: ErrorOptions,
  ) {
    super(
      'DURABLE_VERSION_MISMATCH',
      `Durable run ${details.runId} (version ${details.runVersion}) cannot resume under version ${details.version}: ${details.reason}`,
      options,
    );
    this.name = 'WorkflowVersionMismatchError';
    this.runId = details.runId;
    this.runVersion = details.runVersion;
    this.version = details.version;
    this.reason = details.reason;
  }
}

/**
 * A step that only works inside a durable run (`waitForSignal`, `durableSleep`, `approval`) was
 * executed outside one.
 *
 * @example
 * ```ts
 * await waitForSignal('approval').execute(input).catch((e) => e instanceof DurableRunRequiredError); // true
 * ```
 */
export class DurableRunRequiredError extends TtaError {
  readonly step: string;

  constructor(details: { step: string }, options?: ErrorOptions) {
    super(
      'DURABLE_RUN_REQUIRED',
      `${details.step} only runs inside a durable run (durable(…).start)`,
      options,
    );
    this.name = 'DurableRunRequiredError';
    this.step = details.step;
  }
}

/**
 * No signal arrived within a `waitForSignal` step's `timeoutMs`.
 *
 * @example
 * ```ts
 * const escalate = new FallbackPrimitive(approval({ timeoutMs: 3_600_000 }), escalateToManager);
 * ```
 */
export class SignalTimeoutError extends TtaError {
  readonly runId: string;
  readonly signal: string;
  readonly timeoutMs: number;

  constructor(
    details: { runId: string; signal: string; timeoutMs: number },
    options?: ErrorOptions,
  ) {
    super(
      'DURABLE_SIGNAL_TIMEOUT',
      `Durable run ${details.runId}: no ${details.signal} signal within ${details.timeoutMs} ms`,
      options,
    );
    this.name = 'SignalTimeoutError';
    this.runId = details.runId;
    this.signal = details.signal;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * A payload sent with `signal()` that the waiting step's schema refused. The run stays suspended.
 *
 * @example
 * ```ts
 * await flow.signal(runId, 'approval', { approved: 'yes' }).catch((e) => e instanceof SignalPayloadError); // true
 * ```
 */
export class SignalPayloadError extends TtaError {
  readonly runId: string;
  readonly signal: string;
  readonly reason: string;

  constructor(details: { runId: string; signal: string; reason: string }, options?: ErrorOptions) {
    super(
      'DURABLE_SIGNAL_PAYLOAD',
      `Durable run ${details.runId}: the ${details.signal} payload was refused: ${details.reason}`,
      options,
    );
    this.name = 'SignalPayloadError';
    this.runId = details.runId;
    this.signal = details.signal;
    this.reason = details.reason;
  }
}

/**
 * An `approval()` gate got `{ approved: false }`.
 *
 * @example
 * ```ts
 * const result = await run.result().catch((e) => e instanceof ApprovalRejectedError ? e.comment : undefined);
 * ```
 */
export class ApprovalRejectedError extends TtaError {
  readonly by: string | undefined;
  readonly comment: string | undefined;

  constructor(
    details: { by?: string | undefined; comment?: string | undefined },
    options?: ErrorOptions,
  ) {
    super(
      'DURABLE_APPROVAL_REJECTED',
      `Rejected${details.by === undefined ? '' : ` by ${details.by}`}${details.comment === undefined ? '' : `: ${details.comment}`}`,
      options,
    );
    this.name = 'ApprovalRejectedError';
    this.by = details.by;
    this.comment = details.comment;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    DURABLE_VALUE_UNSUPPORTED: DurableValueError;
    DURABLE_JOURNAL_CORRUPT: CorruptJournalError;
    DURABLE_RUN_NOT_FOUND: RunNotFoundError;
    DURABLE_RUN_STATE: RunStateError;
    DURABLE_VERSION_MISMATCH: WorkflowVersionMismatchError;
    DURABLE_RUN_REQUIRED: DurableRunRequiredError;
    DURABLE_SIGNAL_TIMEOUT: SignalTimeoutError;
    DURABLE_SIGNAL_PAYLOAD: SignalPayloadError;
    DURABLE_APPROVAL_REJECTED: ApprovalRejectedError;
  }
}
