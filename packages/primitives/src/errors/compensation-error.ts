import { TtaError } from '@tta/agent-context';

/**
 * A compensation that itself failed.
 *
 * @example
 * ```ts
 * for (const { step, error } of compensationError.compensationErrors) log.error(`undo of ${step} failed`, error);
 * ```
 */
export interface CompensationFailure {
  readonly step: string;
  readonly error: unknown;
}

/**
 * A saga step failed (or the run was aborted) and the completed steps were compensated.
 * `cause` is the original error; `compensated` lists the steps undone, in the order undone;
 * `compensationErrors` lists compensations that failed (none is swallowed).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof CompensationError && error.compensationErrors.length > 0) alertOps(error);
 * }
 * ```
 */
export class CompensationError extends TtaError {
  /** The step whose action failed (or was running when the run was aborted). */
  readonly failedStep: string;
  readonly compensated: readonly string[];
  readonly compensationErrors: readonly CompensationFailure[];

  constructor(
    sagaName: string,
    failedStep: string,
    cause: unknown,
    compensated: readonly string[],
    compensationErrors: readonly CompensationFailure[],
  ) {
    const detail =
      compensationErrors.length === 0
        ? `compensated ${compensated.length} step(s)`
        : `${compensationErrors.length} compensation(s) failed: ${compensationErrors.map((f) => f.step).join(', ')}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('SAGA_FAILED', `${sagaName}: step "${failedStep}" failed (${reason}); ${detail}`, {
      cause,
    });
    this.name = 'CompensationError';
    this.failedStep = failedStep;
    this.compensated = compensated;
    this.compensationErrors = compensationErrors;
  }
}
