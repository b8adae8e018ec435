import { CancelledError } from './errors/cancelled-error.js';

/**
 * An abort controller whose `AbortSignal` is only created when someone reads it. Pass it as a
 * context's `signal` where many scopes are made and few are read (one per parallel branch, say):
 * `isCancelled` and `throwIfCancelled()` work without ever creating the signal.
 *
 * @example
 * ```ts
 * const scope = new AbortScope();
 * const branch = ctx.child({ signal: scope });
 * scope.abort(new Error('sibling failed')); // branch.isCancelled === true
 * ```
 */
export class AbortScope {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** True once `abort()` has been called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The reason given to `abort()` (a `CancelledError` when none was given). */
  get reason(): unknown {
    return this.#reason;
  }

  /** The signal; created on first read, already aborted if the scope is. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the scope (once; later calls do nothing). */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new CancelledError({ message: 'The scope was aborted' });
    this.#controller?.abort(this.#reason);
  }
}
