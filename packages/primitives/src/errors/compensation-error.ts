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
  /** The saga's name. */
  readonly saga: string;
  /** The step whose action failed (or was running when the run was aborted). */
  readonly failedStep: string;
  readonly compensated: readonly string[];
  readonly compensationErrors: readonly CompensationFailure[];

  /** `options.cause` is the original error. */
  constructor(
    details: {
      saga: string;
      failedStep: string;
      compensated: readonly string[];
      compensationErrors: readonly CompensationFailure[];
    },
    options?: ErrorOptions,
  ) {
    const { saga, failedStep, compensated, compensationErrors } = details;
    const cause = options?.cause;
    const detail =
      compensationErrors.length === 0
        ? `compensated ${compensated.length} step(s)`
        : `${compensationErrors.length} compensation(s) failed: ${compensationErrors.map((f) => f.step).join(', ')}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('SAGA_FAILED', `${saga}: step "${failedStep}" failed (${reason}); ${detail}`, options);
    this.name = 'CompensationError';
    this.saga = saga;
    this.failedStep = failedStep;
    this.compensated = compensated;
    this.compensationErrors = compensationErrors;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    SAGA_FAILED: CompensationError;
  }
}
