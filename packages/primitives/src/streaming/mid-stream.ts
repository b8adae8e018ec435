// What a recovering step (retry, fallback) may do once chunks of a failed attempt have reached the
// consumer. Gateways recover only before the first chunk; appending a second attempt's output to
// the first's garbles text. So the policy is explicit: stop, restart behind a `reset` event, or
// let the next attempt continue from what was sent.
import { createContextKey, type WorkflowContext } from '@tta/agent-context';
import { interceptorsEnabled } from '../hooks/step-interceptor.js';
import { STREAM_SINK, type StreamSink } from './sink.js';

/**
 * What a retry or fallback does when an attempt fails after some of its chunks were sent:
 * - `'before-first-chunk'`: recover only while nothing was sent; after that the error propagates;
 * - `'restart'`: recover, sending a `reset` event first (the consumer discards the partial output);
 * - `'continue'`: recover, and the next attempt continues from the chunks already sent (a model
 *   gets them as an assistant prefix); the consumer keeps them.
 *
 * @example
 * ```ts
 * model.withRetry({ maxRetries: 2, midStream: 'restart' });
 * ```
 */
export type MidStreamPolicy = 'before-first-chunk' | 'restart' | 'continue';

export const MID_STREAM_POLICIES: readonly MidStreamPolicy[] = [
  'before-first-chunk',
  'restart',
  'continue',
];

/**
 * What a `continue` attempt starts from: the chunks the failed attempts already sent. The first
 * streaming step of the attempt whose chunks reach the consumer takes it (see `streamPrefix`).
 *
 * @example
 * ```ts
 * const prefix = context.getValue(STREAM_PREFIX);
 * ```
 */
export const STREAM_PREFIX = createContextKey<{
  readonly chunks: readonly unknown[];
  taken: boolean;
}>('tta.primitives.stream-prefix');

/**
 * The chunks already sent by earlier attempts of a `continue` recovery, for the streaming step
 * that now carries on (empty otherwise). The first step whose chunks reach the consumer takes them
 * (the same step on a retry, the next alternative's on a fallback); it sends only what follows.
 *
 * @example
 * ```ts
 * const already = streamPrefix(context).join('');
 * ```
 */
export function streamPrefix(context: WorkflowContext): readonly unknown[] {
  const prefix = context.getValue(STREAM_PREFIX);
  if (prefix === undefined || prefix.taken || context.getValue(STREAM_SINK)?.muted === true)
    return [];
  prefix.taken = true;
  return prefix.chunks;
}

/** One recovering step's attempts in a streaming run: counts what reached the consumer. */
export class StreamAttempts {
  readonly #path: string;
  readonly #policy: MidStreamPolicy;
  readonly #sink: StreamSink;
  readonly #context: WorkflowContext;
  // Chunks sent since the step started (or since the last reset); the chunks themselves only for
  // `continue` (the next attempt's prefix): the other policies need the count.
  #count = 0;
  #kept: unknown[] = [];
  #closeLast: () => void = () => {};

  private constructor(
    path: string,
    policy: MidStreamPolicy,
    sink: StreamSink,
    context: WorkflowContext,
  ) {
    this.#path = path;
    this.#policy = policy;
    this.#sink = sink;
    this.#context = context;
  }

  /** Undefined when the run does not stream (nothing to count). */
  static begin(
    path: string,
    policy: MidStreamPolicy,
    context: WorkflowContext,
  ): StreamAttempts | undefined {
    // A streaming run enables interceptors while it runs: without any, nothing streams.
    if (!interceptorsEnabled()) return undefined;
    const sink = context.getValue(STREAM_SINK);
    return sink === undefined ? undefined : new StreamAttempts(path, policy, sink, context);
  }

  /** The context for the next attempt: its chunks are counted; a `continue` carries the prefix. */
  next(context: WorkflowContext = this.#context, onChunk?: () => void): WorkflowContext {
    const parent = this.#sink;
    const keep = this.#policy === 'continue' ? this.#kept : undefined;
    // An attempt that was given up on may still be producing: from now on it is not heard.
    this.#closeLast();
    let open = true;
    this.#closeLast = () => {
      open = false;
    };
    const counting: StreamSink = {
      all: parent.all,
      muted: parent.muted,
      push: (event) => {
        if (!open) return;
        if (event.type === 'chunk') {
          this.#count++;
          keep?.push(event.chunk);
          onChunk?.();
        }
        return parent.push(event);
      },
    };
    let next = context.withValue(STREAM_SINK, counting);
    if (keep !== undefined && keep.length > 0)
      next = next.withValue(STREAM_PREFIX, { chunks: [...keep], taken: false });
    return next;
  }

  /** After a failed attempt: whether the policy lets the step try again. */
  mayRecover(): boolean {
    return this.#count === 0 || this.#policy !== 'before-first-chunk';
  }

  /** Before the next attempt: a `restart` voids what was sent, with a `reset` event. */
  async beforeNext(error: unknown): Promise<void> {
    this.#closeLast();
    if (this.#policy !== 'restart' || this.#count === 0) return;
    const discarded = this.#count;
    this.#count = 0;
    await this.#sink.push({ type: 'reset', path: this.#path, discarded, error });
  }
}
