// A stream kept with its output, so a cache hit can send the chunks again (same boundaries, same
// step paths) before the output. Stored as plain JSON so any store (Redis too) keeps it.
import type { WorkflowContext } from '@tta/agent-context';
import { STREAM_SINK, tapChunks } from './sink.js';

const MARK = '~tta.stream';

export interface RecordedStream<O> {
  readonly [MARK]: 1;
  readonly output: O;
  readonly chunks: readonly { readonly path: string; readonly chunk: unknown }[];
}

export function isRecordedStream<O>(value: unknown): value is RecordedStream<O> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[MARK] === 1 &&
    Array.isArray((value as { chunks?: unknown }).chunks)
  );
}

export function recordedStream<O>(
  output: O,
  chunks: RecordedStream<O>['chunks'],
): RecordedStream<O> {
  return { [MARK]: 1, output, chunks };
}

/** `context` with a sink that keeps every chunk passing through (muted or not) in `into`. */
export function recordingContext(
  context: WorkflowContext,
  into: { path: string; chunk: unknown }[],
): WorkflowContext {
  const sink = context.getValue(STREAM_SINK);
  if (sink === undefined) return context;
  return context.withValue(
    STREAM_SINK,
    tapChunks(sink, (event) => into.push({ path: event.path, chunk: event.chunk })),
  );
}

/** Sends recorded chunks to the run's consumer again, in order, waiting for it when it is behind. */
export async function replayChunks(
  context: WorkflowContext,
  chunks: RecordedStream<unknown>['chunks'],
): Promise<void> {
  const sink = context.getValue(STREAM_SINK);
  if (sink === undefined) return;
  for (const { path, chunk } of chunks) {
    const waiting = sink.push({ type: 'chunk', path, chunk });
    if (waiting !== undefined) await waiting;
  }
}
