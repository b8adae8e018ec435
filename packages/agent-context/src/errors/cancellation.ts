import { CancelledError } from './cancelled-error.js';
import { isTtaError } from './tta-error.js';

const CANCELLATION_CODES = new Set(['CANCELLED', 'DEADLINE_EXCEEDED', 'TIMEOUT']);

/**
 * True for errors that mean "stop", not "failed": {@link CancelledError},
 * `DeadlineExceededError`, a `TimeoutError`, or a DOM `AbortError`.
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
