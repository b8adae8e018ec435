import { toCancellationError } from '@tta/agent-context';

/**
 * Waits `ms`, rejecting at once (with the abort reason as a cancellation error) when `signal`
 * aborts. The timer and the abort listener are always removed. Timers are looked up at call
 * time so fake timers apply.
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
