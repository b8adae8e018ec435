// `stream()`: runs a workflow as `execute` does, with a sink on its context, and hands the events
// to the consumer through a bounded queue. The run starts on the first read; a consumer that
// stops reading (`break`, `return()`) or aborts its signal cancels the run at once (the signal
// every step sees aborts synchronously, so an HTTP request in flight is aborted in that turn).
import {
  CancelledError,
  currentContext,
  toCancellationError,
  USAGE_OBSERVER,
  WorkflowContext,
} from '@tta/agent-context';
import { enableStepInterceptors } from '../hooks/step-interceptor.js';
import { EventQueue } from './event-queue.js';
import type { StreamEvent } from './events.js';
import { STREAM_SINK, type StreamSink } from './sink.js';

/**
 * Options of `stream()`.
 *
 * @example
 * ```ts
 * flow.stream(input, { context: ctx, allSteps: true, highWaterMark: 16, signal: req.signal });
 * ```
 */
export interface StreamOptions {
  /** The context to run with. Default: the current one, else a new root context. */
  context?: WorkflowContext | undefined;
  /** Cancels the run (the iterator then rejects with the cancellation). Default: none. */
  signal?: AbortSignal | undefined;
  /** Send every step's chunks, not only those of each sequence's last step. Default: false. */
  allSteps?: boolean | undefined;
  /** Events held for a consumer that is behind before the run waits for it. Default: 64. */
  highWaterMark?: number | undefined;
}

interface Executable<I, O> {
  execute(input: I, context?: WorkflowContext): Promise<O>;
}

/**
 * The events of one run of anything with `execute(input, context)` (see `WorkflowPrimitive.stream`,
 * which is this over the primitive). With `detach`, a consumer that leaves (or aborts its signal)
 * stops receiving events but does not cancel the run (a durable run goes on without a watcher).
 *
 * @example
 * ```ts
 * const events = streamWorkflow({ execute: (q: string, ctx) => answer.execute(q, ctx) }, 'Why?');
 * ```
 */
export function streamWorkflow<I, O>(
  workflow: Executable<I, O>,
  input: I,
  options: StreamOptions = {},
  // Detached: the consumer leaving (or its signal) stops the events, not the run (a durable run
  // goes on without anyone watching).
  { detach = false }: { detach?: boolean } = {},
): AsyncIterableIterator<StreamEvent<O>> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('stream: options must be an object');
  const highWaterMark = options.highWaterMark ?? 64;
  if (!(Number.isInteger(highWaterMark) && highWaterMark >= 1))
    throw new RangeError('stream: highWaterMark must be an integer >= 1');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new TypeError('stream: signal must be an AbortSignal');
  if (options.context !== undefined && !(options.context instanceof WorkflowContext))
    throw new TypeError('stream: context must be a WorkflowContext');
  const queue = new EventQueue(highWaterMark);
  const stop = new AbortController();
  let started = false;
  let finished = false;
  // Step events stay on while the run streams; off once it ended or its consumer left (a step that
  // ignores its signal may never end, and must not keep every execute on the slow path).
  let release = () => {};
  const onAbort = () => {
    // The consumer hears of the cancellation at once, even if a step ignores its signal.
    queue.end({ error: toCancellationError(options.signal?.reason) });
    release();
  };
  const start = () => {
    started = true;
    release = enableStepInterceptors();
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const sink: StreamSink = { all: options.allSteps === true, push: (event) => queue.push(event) };
    let context = options.context ?? currentContext() ?? new WorkflowContext();
    if (!detach) context = context.withCancellation({ signal: stop.signal });
    if (options.signal !== undefined && !detach)
      context = context.withCancellation({ signal: options.signal });
    // Usage reaches the consumer and whoever observed it before (a durable run's journal).
    const observer = context.getValue(USAGE_OBSERVER);
    context = context.withValue(STREAM_SINK, sink).withValue(USAGE_OBSERVER, (usage) => {
      observer?.(usage);
      void queue.push({ type: 'usage', usage });
    });
    let running: Promise<O>;
    try {
      running = workflow.execute(input, context);
    } catch (error) {
      running = Promise.reject(error);
    }
    running
      .then(
        async (output) => {
          await queue.push({ type: 'result', output });
          queue.end();
        },
        (error: unknown) => queue.end({ error }),
      )
      .finally(() => {
        finished = true;
        options.signal?.removeEventListener('abort', onAbort);
        release();
        context.dispose();
      });
  };
  const cancel = () => {
    if (!started || finished) {
      queue.drop();
      return;
    }
    stop.abort(new CancelledError({ message: 'The stream consumer stopped reading' }));
    queue.drop();
    release();
  };
  const iterator: AsyncIterableIterator<StreamEvent<O>> = {
    next: () => {
      if (!started) start();
      return queue.next() as Promise<IteratorResult<StreamEvent<O>>>;
    },
    return: async () => {
      cancel();
      return { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      cancel();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
