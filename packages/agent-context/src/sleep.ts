import { toCancellationError } from './errors/cancellation.js';

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
  if (signal?.aborted) return Promise.reject(toCancellationError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(toCancellationError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
