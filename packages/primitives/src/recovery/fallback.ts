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

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    const errors: unknown[] = [];
    const alternatives = this.alternatives;
    // In a streaming run, what each alternative sent decides whether the next one may run.
    const streamed = StreamAttempts.begin(this.path, this.midStream, context);
    for (let i = 0; i < alternatives.length; i++) {
      const alternative = alternatives[i] as WorkflowPrimitive<I, O>;
      try {
        return await (streamed === undefined
          ? this.runStep(alternative, input, context)
          : alternative.execute(input, streamed.next()));
      } catch (error) {
        // A spent budget is not a reason to try a (possibly pricier) alternative.
        context.budget?.check(error);
        if (context.isCancelled || isCancellationError(error)) throw error;
        if (streamed?.mayRecover() === false) throw error;
        errors.push(error);
        const next = alternatives[i + 1];
        if (next !== undefined) {
          // Not `await streamed?.…`: awaiting undefined still costs a microtask turn.
          if (streamed !== undefined) await streamed.beforeNext(error);
          if (this.listened)
            this.emit(
              { type: 'fallback', from: alternative.name, to: next.name, index: i + 1, error },
              context,
            );
        }
      }
    }
    throw new FallbackError({
      fallback: this.name,
      errors,
      attempted: alternatives.map((a) => a.name),
    });
  }
}
