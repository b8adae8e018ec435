import {
  AbortScope,
  isTtaError,
  toCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { declareOptions, number, oneOf, optional, primitive } from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';
import {
  MID_STREAM_POLICIES,
  type MidStreamPolicy,
  StreamAttempts,
} from '../streaming/mid-stream.js';
import { type StreamLimits, StreamWatchdog } from '../streaming/stream-watchdog.js';

/**
 * Options of {@link TimeoutPrimitive}.
 *
 * @example
 * ```ts
 * callModel.withTimeout({ timeoutMs: 10_000, fallback: cannedAnswer });
 * ```
 */
export interface TimeoutOptions<I, O> extends PrimitiveOptions {
  /**
   * The time limit for the whole step in ms (finite, > 0). A sooner context deadline wins.
   * Default: none, but one of `timeoutMs`, `firstChunkMs` and `idleMs` is required.
   */
  timeoutMs?: number | undefined;
  /** In a streaming run: the most time from the start to the step's first chunk, in ms. Default: none. */
  firstChunkMs?: number | undefined;
  /**
   * In a streaming run: the most time between two chunks (and to the first one, without
   * `firstChunkMs`), in ms. Default: none.
   */
  idleMs?: number | undefined;
  /** Runs (with the caller's context) when the time is up, instead of rejecting. Default: none. */
  fallback?: WorkflowPrimitive<I, O> | undefined;
  /**
   * In a streaming run, whether the fallback may run once the step sent chunks (see
   * docs/streaming.md). Default: `'before-first-chunk'`.
   */
  midStream?: MidStreamPolicy | undefined;
}

/** The options of {@link TimeoutPrimitive}: checks, defaults and what `describe()` shows. */
export const TIMEOUT_OPTIONS = declareOptions('TimeoutPrimitive', {
  timeoutMs: {
    ...optional(number({ positive: true })),
    docDefault: 'none (one limit is required)',
  },
  firstChunkMs: { ...optional(number({ positive: true })), docDefault: 'none' },
  idleMs: { ...optional(number({ positive: true })), docDefault: 'none' },
  fallback: primitive<WorkflowPrimitive<never, unknown> | undefined>(false),
  midStream: oneOf(MID_STREAM_POLICIES, 'before-first-chunk', { describe: 'if-set' }),
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
export class TimeoutPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'timeout';
  readonly inner: WorkflowPrimitive<I, O>;
  /** The limit for the whole step (undefined: only the stream limits apply). */
  readonly timeoutMs: number | undefined;
  readonly #limits: StreamLimits;
  readonly #midStream: MidStreamPolicy;
  readonly #fallback: WorkflowPrimitive<I, O> | undefined;

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: TimeoutOptions<I, O>) {
    super(options);
    requirePrimitive('TimeoutPrimitive', 'inner', inner);
    if (options === undefined) throw new TypeError('TimeoutPrimitive: options are required');
    const o = TIMEOUT_OPTIONS.resolve(options, this.name);
    if (o.timeoutMs === undefined && o.firstChunkMs === undefined && o.idleMs === undefined)
      throw new TypeError(
        'TimeoutPrimitive: one of timeoutMs, firstChunkMs and idleMs is required',
      );
    this.inner = inner;
    this.timeoutMs = o.timeoutMs;
    this.#limits = { firstChunkMs: o.firstChunkMs, idleMs: o.idleMs };
    this.#midStream = o.midStream;
    this.#fallback = o.fallback as WorkflowPrimitive<I, O> | undefined;
    this.adoptChildren();
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return TIMEOUT_OPTIONS.describe({
      timeoutMs: this.timeoutMs,
      firstChunkMs: this.#limits.firstChunkMs,
      idleMs: this.#limits.idleMs,
      fallback: this.#fallback,
      midStream: this.#midStream,
    });
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [
      { primitive: this.inner },
      ...(this.#fallback === undefined ? [] : [{ label: 'on timeout', primitive: this.#fallback }]),
    ];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    const total = this.timeoutMs ?? Number.POSITIVE_INFINITY;
    const limitMs = Math.min(total, context.remainingMs());
    const byDeadline = limitMs < total;
    const scope = new AbortScope();
    // Read before the inner step starts, so the caller's deadline fires before the inner's.
    const signal = context.signal;
    let guarded = context.withCancellation({ signal: scope });
    // In a streaming run: the chunk limits, and whether the fallback may follow sent chunks.
    const streamed = StreamAttempts.begin(this.path, this.#midStream, context);
    const { firstChunkMs, idleMs } = this.#limits;
    const watchdog =
      streamed !== undefined && (firstChunkMs !== undefined || idleMs !== undefined)
        ? new StreamWatchdog(this.inner.name, this.#limits)
        : undefined;
    if (streamed !== undefined)
      guarded = streamed.next(guarded, watchdog && (() => watchdog.chunk()));
    const timedOut = (error: TimeoutError): O | Promise<O> => {
      scope.abort(error);
      // After the abort, so the inner step's signal (if it made one) hears it first.
      guarded.dispose();
      this.emit({ type: 'timeout', timeoutMs: error.timeoutMs, phase: error.phase }, context);
      const fallback = this.#fallback;
      if (fallback === undefined || streamed?.mayRecover() === false) throw error;
      if (streamed === undefined) return fallback.execute(input, context);
      return streamed.beforeNext(error).then(() => fallback.execute(input, streamed.next()));
    };
    const inner = this.runStepIn(this.inner, input, guarded);
    const ms = Number.isFinite(limitMs) ? limitMs : undefined;
    const onTimer = () => timedOut(new TimeoutError({ step: this.inner.name, timeoutMs: limitMs }));
    const onAbort = (reason: unknown) => {
      // The context's deadline is what limited this timeout: it is the timeout that fired.
      if (byDeadline && isTtaError(reason, 'DEADLINE_EXCEEDED'))
        return timedOut(new TimeoutError({ step: this.inner.name, timeoutMs: limitMs }));
      scope.abort(reason);
      guarded.dispose();
      context.throwIfCancelled();
      throw toCancellationError(reason);
    };
    // The usual case, no stream limits: one wait and nothing chained after it. The inner step's
    // context is disposed when it settles, or after the abort that a timeout or an abort makes.
    if (watchdog === undefined)
      return waitFor<O>({
        promise: inner,
        ms,
        onTimer,
        signal,
        onAbort,
        onEnd: (ended) => {
          if (ended === 'promise') guarded.dispose();
        },
      });
    return (
      waitFor<O>({
        promise: Promise.race([inner, watchdog.expired]),
        ms,
        onTimer,
        signal,
        onAbort,
        onEnd: () => watchdog.stop(),
      })
        .catch((error: unknown) => {
          // A stream limit passed (the watchdog won the race): a timeout like the total one.
          const fired = watchdog.fired;
          if (fired !== undefined && error === fired) return timedOut(fired);
          throw error;
        })
        // Only now: disposing stops the inner signal from following the scope, and a timeout
        // aborts the scope after the wait ended (a disposed combined signal would miss it).
        .finally(() => guarded.dispose())
    );
  }
}
