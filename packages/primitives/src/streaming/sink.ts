// Where the events of a streaming run go: a sink on the run's context. Leaves push chunks into it;
// composites hand their children a derived sink (muted for a sequence's inner steps, counting for
// a recovering step's attempts). Without a sink (a plain execute) a chunk costs one lookup.
import { createContextKey, type WorkflowContext } from '@tta/agent-context';
import type { StreamEvent } from './events.js';

/**
 * Receives a streaming run's events. `push` returns a promise while the consumer is behind
 * (backpressure): producers await it.
 *
 * @example
 * ```ts
 * const sink: StreamSink = { all: false, push: (event) => { events.push(event); } };
 * ```
 */
export interface StreamSink {
  /** Whether every step's chunks reach the consumer (else, in a sequence, only the last step's). */
  readonly all: boolean;
  /** Set on a sink that drops chunks (a sequence's inner steps). */
  readonly muted?: boolean | undefined;
  push(event: StreamEvent): void | Promise<void>;
}

/**
 * The context slot of a streaming run's sink.
 *
 * @example
 * ```ts
 * const streaming = ctx.getValue(STREAM_SINK) !== undefined;
 * ```
 */
export const STREAM_SINK = createContextKey<StreamSink>('tta.primitives.stream-sink');

/**
 * True when `context` belongs to a streaming run (a step may then produce its output in chunks).
 *
 * @example
 * ```ts
 * const answer = isStreaming(context) ? await streamAnswer(context) : await completeAnswer(context);
 * ```
 */
export function isStreaming(context: WorkflowContext): boolean {
  return context.getValue(STREAM_SINK) !== undefined;
}

/**
 * Sends a chunk of the step at `path` to the run's consumer, if the run streams; await it (the
 * consumer may be behind). A custom streaming step calls it for each piece it produces.
 *
 * @example
 * ```ts
 * for await (const row of rows) await emitChunk(context, this.path, row);
 * ```
 */
export function emitChunk(
  context: WorkflowContext,
  path: string,
  chunk: unknown,
): void | Promise<void> {
  return context.getValue(STREAM_SINK)?.push({ type: 'chunk', path, chunk });
}

/**
 * `sink` with `onChunk` told of every chunk before it passes on (the same muting and scope): how
 * a step counts what it streamed, and how a cache records it.
 */
export function tapChunks(
  sink: StreamSink,
  onChunk: (event: { readonly path: string; readonly chunk: unknown }) => void,
): StreamSink {
  return {
    all: sink.all,
    muted: sink.muted,
    push: (event) => {
      if (event.type === 'chunk') onChunk(event);
      return sink.push(event);
    },
  };
}

/** A sink that drops chunks (a sequence's inner steps) and passes everything else. */
function mutedSink(sink: StreamSink): StreamSink {
  return {
    all: false,
    muted: true,
    push: (event) => (event.type === 'chunk' ? undefined : sink.push(event)),
  };
}

/** The context a sequence gives a step that is not its last: its chunks do not reach the consumer. */
export function mutedContext(context: WorkflowContext): WorkflowContext {
  const sink = context.getValue(STREAM_SINK);
  return sink === undefined || sink.all ? context : context.withValue(STREAM_SINK, mutedSink(sink));
}
