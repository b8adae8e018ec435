import { isCancellationError, type WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { FallbackError } from '../errors/fallback-error.js';
import { requirePrimitive } from '../internal/validate.js';
import {
  MID_STREAM_POLICIES,
  type MidStreamPolicy,
  StreamAttempts,
} from '../streaming/mid-stream.js';

/**
 * Options of {@link FallbackPrimitive}.
 *
 * @example
 * ```ts
 * new FallbackPrimitive(primary, [backup], { name: 'answer', midStream: 'restart' });
 * ```
 */
export interface FallbackOptions extends PrimitiveOptions {
  /**
   * In a streaming run, what an alternative that fails after sending chunks leads to: no next
   * alternative, the next one behind a `reset` event, or the next one continuing from the chunks
   * sent (see docs/streaming.md). Default: `'before-first-chunk'`.
   */
  midStream?: MidStreamPolicy | undefined;
}

/**
 * Tries `primary`, then each fallback in order, on the same input: the first success wins. When
 * all fail, rejects with a `FallbackError` carrying every error in order. Cancellation (of this
 * context, or a cancellation error) is rethrown at once, never a reason to try the next one.
 * Emits a `fallback` event at each switch.
 *
 * @example
 * ```ts
 * const answer = new FallbackPrimitive(gpt4, [claude, localLlama]);
 * // or: gpt4.withFallback(claude, localLlama)
 * ```
 */
export class FallbackPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'fallback';
  /** The primary first, then the fallbacks, in the order tried. */
  readonly alternatives: readonly WorkflowPrimitive<I, O>[];
  /** What a failure after chunks were sent leads to in a streaming run. */
  readonly midStream: MidStreamPolicy;

  constructor(
    primary: WorkflowPrimitive<I, O> & Streams<C>,
    fallbacks:
      | (WorkflowPrimitive<I, O> & Streams<C>)
      | readonly (WorkflowPrimitive<I, O> & Streams<C>)[],
    options?: FallbackOptions,
  ) {
    super(options);
    const midStream = options?.midStream ?? 'before-first-chunk';
    if (!MID_STREAM_POLICIES.includes(midStream))
      throw new TypeError(
        `FallbackPrimitive: midStream must be ${MID_STREAM_POLICIES.map((p) => `'${p}'`).join(' or ')} (got ${String(midStream)})`,
      );
    this.midStream = midStream;
    const list = Array.isArray(fallbacks) ? fallbacks : [fallbacks];
    requirePrimitive('FallbackPrimitive', 'primary', primary);
    if (list.length === 0)
      throw new TypeError('FallbackPrimitive: at least one fallback is required');
    for (const [i, f] of list.entries())
      requirePrimitive('FallbackPrimitive', `fallbacks[${i}]`, f);
    this.alternatives = Object.freeze([primary, ...list]);
    this.adoptChildren();
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.alternatives.map((primitive, i) => ({
      label: i === 0 ? 'primary' : `fallback ${i}`,
      primitive,
    }));
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    // In a streaming run, what each alternative sent decides whether the next one may run.
    const streamed = StreamAttempts.begin(this.path, this.midStream, context);
    return this.#from(0, input, context, streamed, undefined);
  }

  /**
   * Runs alternative `i`, the next ones taking over its failure. A chain of rejection handlers,
   * not `await` in a loop: a failure reaches the handler as a value, where `await` would throw it
   * again inside the function (V8's throw builds a message per throw), and no async frame is made.
   */
  #from(
    i: number,
    input: I,
    context: WorkflowContext,
    streamed: StreamAttempts | undefined,
    errors: unknown[] | undefined,
  ): Promise<O> {
    const alternative = this.alternatives[i] as WorkflowPrimitive<I, O>;
    let running: Promise<O>;
    try {
      running =
        streamed === undefined
          ? this.runStep(alternative, input, context)
          : alternative.execute(input, streamed.next());
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.catch((error: unknown) =>
      this.#failed(error, i, input, context, streamed, errors),
    );
  }

  /** Alternative `i` failed with `error`: the next one runs, or the fallback fails. */
  #failed(
    error: unknown,
    i: number,
    input: I,
    context: WorkflowContext,
    streamed: StreamAttempts | undefined,
    errors: unknown[] | undefined,
  ): Promise<O> {
    // A spent budget is not a reason to try a (possibly pricier) alternative.
    context.budget?.check(error);
    if (context.isCancelled || isCancellationError(error)) throw error;
    if (streamed?.mayRecover() === false) throw error;
    const seen = errors ?? [];
    seen.push(error);
    const alternatives = this.alternatives;
    const next = alternatives[i + 1];
    if (next === undefined)
      throw new FallbackError({
        fallback: this.name,
        errors: seen,
        attempted: alternatives.map((a) => a.name),
      });
    const switchTo = (): Promise<O> => {
      if (this.listened)
        this.emit(
          {
            type: 'fallback',
            from: (alternatives[i] as WorkflowPrimitive<I, O>).name,
            to: next.name,
            index: i + 1,
            error,
          },
          context,
        );
      return this.#from(i + 1, input, context, streamed, seen);
    };
    // Not `streamed?.…`: a promise to wait for only in a streaming run.
    return streamed === undefined ? switchTo() : streamed.beforeNext(error).then(switchTo);
  }
}
