import { waitFor } from './wait.js';

/**
 * Waits `ms` milliseconds, or rejects at once when `signal` aborts (with the abort reason as a
 * cancellation error, see `toCancellationError`). The timer and the abort listener are always
 * removed. Timers are looked up at call time, so fake timers apply.
 *
 * @example
 * ```ts
 * await sleep(250, ctx.signal); // a cancellable back-off
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return waitFor<void>({ ms, signal });
}
