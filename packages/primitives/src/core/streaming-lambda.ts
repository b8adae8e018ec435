import { toCancellationError, type WorkflowContext, waitFor } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { streamPrefix } from '../streaming/mid-stream.js';
import { emitChunk } from '../streaming/sink.js';
import type { PrimitiveOptions } from './types.js';

/**
 * A function a {@link StreamingLambdaPrimitive} wraps: it produces its output in chunks.
 *
 * @example
 * ```ts
 * const words: StreamFunction<string, string> = async function* (text) { yield* text.split(' '); };
 * ```
 */
export type StreamFunction<I, C> = (
  input: I,
  context: WorkflowContext,
) => AsyncIterable<C> | Iterable<C>;

/**
 * Options of {@link StreamingLambdaPrimitive}.
 *
 * @example
 * ```ts
 * lambda.stream(rows, { name: 'rows', collect: (chunks) => chunks.length });
 * ```
 */
export interface StreamingLambdaOptions<C, O> extends PrimitiveOptions {
  /**
   * The step's output from all its chunks (those of earlier attempts a `continue` recovery kept,
   * then its own). Default: the chunks joined when they are all strings, else the array.
   */
  collect?: ((chunks: C[]) => O) | undefined;
  /**
   * The chunks an output replays as when the step is not run again (a durable run's replay).
   * Default: a text as one chunk, an array's items, else none.
   */
  replay?: ((output: O) => readonly C[]) | undefined;
}

/** The default output of a stream: text for text chunks, else the chunks. */
function collectDefault<C>(chunks: C[]): unknown {
  return chunks.every((c) => typeof c === 'string') ? chunks.join('') : chunks;
}

/**
 * A step that streams: each chunk its function yields goes to the consumer of a streaming run
 * (`stream()`) as it comes; `execute` returns them collected. In a `continue` recovery the function
 * gets the chunks already sent with `streamPrefix(ctx, step.path)` and should yield what follows.
 *
 * @example
 * ```ts
 * const count = new StreamingLambdaPrimitive(async function* (n: number) { for (let i = 1; i <= n; i++) yield `${i} `; });
 * await count.execute(3); // '1 2 3 '
 * ```
 */
export class StreamingLambdaPrimitive<I, O, C> extends WorkflowPrimitive<I, O> {
  override readonly type = 'lambda';
  /** Type-only: it streams its function's chunks. */
  declare readonly '~chunk': C;
  readonly #fn: StreamFunction<I, C>;
  readonly #collect: (chunks: C[]) => O;
  readonly #replay: ((output: O) => readonly C[]) | undefined;

  constructor(fn: StreamFunction<I, C>, options?: StreamingLambdaOptions<C, O>) {
    if (typeof fn !== 'function')
      throw new TypeError('StreamingLambdaPrimitive: fn must be a function');
    if (options?.collect !== undefined && typeof options.collect !== 'function')
      throw new TypeError('StreamingLambdaPrimitive: collect must be a function');
    super({ name: options?.name ?? (fn.name !== '' ? fn.name : undefined), tool: options?.tool });
    this.#fn = fn;
    if (options?.replay !== undefined && typeof options.replay !== 'function')
      throw new TypeError('StreamingLambdaPrimitive: replay must be a function');
    this.#collect = options?.collect ?? (collectDefault as (chunks: C[]) => O);
    this.#replay = options?.replay;
  }

  override chunksOf(output: O): readonly unknown[] {
    if (this.#replay !== undefined) return this.#replay(output);
    if (typeof output === 'string') return output === '' ? [] : [output];
    return Array.isArray(output) ? output : [];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    const pulling = this.#pull(input, context);
    // Cancellation ends the step at once, even while its source waits for something that never
    // comes: one wait for the whole stream (not one per chunk); the loop then stops pulling.
    const signal = context.signal;
    return signal === undefined ? pulling : waitFor({ promise: pulling, signal });
  }

  async #pull(input: I, context: WorkflowContext): Promise<O> {
    const chunks = [...(streamPrefix(context) as C[])];
    const path = this.path;
    const source = this.#fn(input, context);
    const iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (source as Iterable<C>)[Symbol.iterator]();
    const signal = context.signal;
    let finished = false;
    try {
      for (;;) {
        if (signal?.aborted === true) throw toCancellationError(signal.reason);
        const step = await iterator.next();
        if (step.done === true) {
          finished = true;
          break;
        }
        chunks.push(step.value);
        const waiting = emitChunk(context, path, step.value);
        if (waiting !== undefined) await waiting;
      }
    } finally {
      // Stopped early (cancelled, or a consumer error): close the source (its finally blocks run
      // as soon as it can); not awaited, a source stuck in an await cannot hold the step.
      if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
    }
    return this.#collect(chunks);
  }
}
