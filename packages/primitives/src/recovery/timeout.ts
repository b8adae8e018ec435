import {
  AbortScope,
  isTtaError,
  toCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions } from '../core/types.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { declareOptions, number, primitive } from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';

/**
 * Options of {@link TimeoutPrimitive}.
 *
 * @example
 * ```ts
 * callModel.withTimeout({ timeoutMs: 10_000, fallback: cannedAnswer });
 * ```
 */
export interface TimeoutOptions<I, O> extends PrimitiveOptions {
  /** The time limit in ms (finite, > 0). Required. A sooner context deadline wins. */
  timeoutMs: number;
  /** Runs (with the caller's context) when the time is up, instead of rejecting. Default: none. */
  fallback?: WorkflowPrimitive<I, O> | undefined;
}

/** The options of {@link TimeoutPrimitive}: checks, defaults and what `describe()` shows. */
export const TIMEOUT_OPTIONS = declareOptions('TimeoutPrimitive', {
  timeoutMs: number({ positive: true }),
  fallback: primitive<WorkflowPrimitive<never, unknown> | undefined>(false),
});

/**
 * Limits how long `inner` may take. When the time is up it aborts the inner step's signal (the
 * reason is a `TimeoutError`), emits a `timeout` event, and rejects with that `TimeoutError` (or
 * returns the fallback's result). The inner step keeps the caller's context (same records, ids
 * and trace) with the timeout added to its cancellation. A late inner result or error is
 * ignored; the timer is always cleared; cancelling the caller rejects at once.
 *
 * @example
 * ```ts
 * const bounded = new TimeoutPrimitive(callModel, { timeoutMs: 10_000, fallback: cannedAnswer });
 * // or: callModel.withTimeout(10_000)
 * ```
 */
export class TimeoutPrimitive<I, O> extends WorkflowPrimitive<I, O> {
  override readonly type = 'timeout';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly timeoutMs: number;
  readonly #fallback: WorkflowPrimitive<I, O> | undefined;

  constructor(inner: WorkflowPrimitive<I, O>, options: TimeoutOptions<I, O>) {
    super(options);
    requirePrimitive('TimeoutPrimitive', 'inner', inner);
    if (options === undefined) throw new TypeError('TimeoutPrimitive: options are required');
    const o = TIMEOUT_OPTIONS.resolve(options, this.name);
    this.inner = inner;
    this.timeoutMs = o.timeoutMs;
    this.#fallback = o.fallback as WorkflowPrimitive<I, O> | undefined;
    this.adoptChildren();
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return TIMEOUT_OPTIONS.describe({ timeoutMs: this.timeoutMs, fallback: this.#fallback });
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [
      { primitive: this.inner },
      ...(this.#fallback === undefined ? [] : [{ label: 'on timeout', primitive: this.#fallback }]),
    ];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    const limitMs = Math.min(this.timeoutMs, context.remainingMs());
    const byDeadline = limitMs < this.timeoutMs;
    const scope = new AbortScope();
    // Read before the inner step starts, so the caller's deadline fires before the inner's.
    const signal = context.signal;
    const guarded = context.withCancellation({ signal: scope });
    const timedOut = () => {
      const error = new TimeoutError({ step: this.inner.name, timeoutMs: limitMs });
      scope.abort(error);
      this.emit({ type: 'timeout', timeoutMs: limitMs }, context);
      if (this.#fallback === undefined) throw error;
      return this.#fallback.execute(input, context);
    };
    return waitFor<O>({
      promise: this.inner.execute(input, guarded),
      ms: limitMs,
      onTimer: timedOut,
      signal,
      onAbort: (reason) => {
        // The context's deadline is what limited this timeout: it is the timeout that fired.
        if (byDeadline && isTtaError(reason, 'DEADLINE_EXCEEDED')) return timedOut();
        scope.abort(reason);
        context.throwIfCancelled();
        throw toCancellationError(reason);
      },
      onEnd: () => guarded.dispose(),
    });
  }
}
