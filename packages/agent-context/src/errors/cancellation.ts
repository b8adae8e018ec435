import { CancelledError } from './cancelled-error.js';
import { isTtaError } from './tta-error.js';

// A timeout is not a cancellation: the caller did not ask to stop, so retries and fallbacks act on it.
const CANCELLATION_CODES = new Set(['CANCELLED', 'DEADLINE_EXCEEDED', 'BUDGET_EXCEEDED']);

/**
 * True for errors that mean "stop", not "failed": {@link CancelledError},
 * `DeadlineExceededError`, `BudgetExceededError`, or a DOM `AbortError`. A `TimeoutError` is not: a timed-out call may be
 * retried or replaced.
 * Recovery primitives never retry or fall back on these.
 *
 * @example
 * ```ts
 * if (isCancellationError(error)) throw error; // do not retry
 * ```
 */
export function isCancellationError(error: unknown): boolean {
  if (isTtaError(error)) return CANCELLATION_CODES.has(error.code);
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}

/**
 * Turns an `AbortSignal.reason` into the error a cancelled step rejects with: a TTA error
 * reason (such as a `TimeoutError`) is kept as it is, anything else is wrapped in a
 * {@link CancelledError} whose `cause` is the reason.
 *
 * @example
 * ```ts
 * signal.addEventListener('abort', () => reject(toCancellationError(signal.reason)));
 * ```
 */
export function toCancellationError(reason: unknown): Error {
  if (isTtaError(reason)) return reason;
  return new CancelledError(undefined, { cause: reason });
}
