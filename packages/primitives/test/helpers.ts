import { getEventListeners } from 'node:events';
import { type PrimitiveHooks, registerHooks } from '../src/index.js';

/** Registers hooks for one test; returns them with an `off()` to call in `finally`. */
export function withHooks<H extends PrimitiveHooks>(hooks: H): H & { off: () => void } {
  const off = registerHooks(hooks, { onError: () => {} });
  return Object.assign(hooks, { off });
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Abort listeners still attached to a signal (a leak if non-zero after the work ended). */
export function listenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
