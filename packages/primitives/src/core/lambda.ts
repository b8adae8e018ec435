import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import {
  type StreamFunction,
  type StreamingLambdaOptions,
  StreamingLambdaPrimitive,
} from './streaming-lambda.js';
import type { PrimitiveOptions } from './types.js';

/**
 * A function a {@link LambdaPrimitive} wraps: sync or async, given the step's context.
 *
 * @example
 * ```ts
 * const trim: StepFunction<string, string> = (text) => text.trim();
 * ```
 */
export type StepFunction<I, O> = (input: I, context: WorkflowContext) => O | Promise<O>;

/**
 * Wraps a plain function as a primitive.
 *
 * @example
 * ```ts
 * const wordCount = new LambdaPrimitive((text: string) => text.split(/\s+/).length, { name: 'wordCount' });
 * ```
 */
export class LambdaPrimitive<I, O> extends WorkflowPrimitive<I, O> {
  override readonly type = 'lambda';
  /** Type-only: a plain function step does not stream. */
  declare readonly '~chunk': never;
  readonly #fn: StepFunction<I, O>;

  constructor(fn: StepFunction<I, O>, options?: PrimitiveOptions) {
    if (typeof fn !== 'function') throw new TypeError('LambdaPrimitive: fn must be a function');
    super({ name: options?.name ?? (fn.name !== '' ? fn.name : undefined), tool: options?.tool });
    this.#fn = fn;
  }

  protected run(input: I, context: WorkflowContext): O | Promise<O> {
    return this.#fn(input, context);
  }
}

/**
 * Wraps a sync or async function `(input, ctx) => output` as a primitive. Named after the
 * function unless `options.name` is given.
 *
 * @example
 * ```ts
 * const trim = lambda((text: string) => text.trim(), { name: 'trim' });
 * const flow = trim.pipe(lambda(async (text: string) => callModel(text)));
 * ```
 */
export function lambda<I, O>(
  fn: StepFunction<I, O>,
  options?: PrimitiveOptions,
): LambdaPrimitive<I, O> {
  return new LambdaPrimitive(fn, options);
}

/**
 * A streaming step from a function that yields chunks (an async generator, any async iterable):
 * see {@link StreamingLambdaPrimitive}. The output is the chunks collected (text joined).
 *
 * @example
 * ```ts
 * const words = lambda.stream(async function* (text: string) { for (const w of text.split(' ')) yield `${w} `; });
 * for await (const event of words.stream('streams are nice')) if (event.type === 'chunk') console.log(event.chunk);
 * ```
 */
function streamingLambda<I, C>(
  fn: StreamFunction<I, C>,
  options?: StreamingLambdaOptions<C, C extends string ? string : C[]>,
): StreamingLambdaPrimitive<I, C extends string ? string : C[], C>;
function streamingLambda<I, C, O>(
  fn: StreamFunction<I, C>,
  options: StreamingLambdaOptions<C, O> & { collect: (chunks: C[]) => O },
): StreamingLambdaPrimitive<I, O, C>;
function streamingLambda<I, C, O>(
  fn: StreamFunction<I, C>,
  options?: StreamingLambdaOptions<C, O>,
): StreamingLambdaPrimitive<I, O, C> {
  return new StreamingLambdaPrimitive(fn, options);
}

lambda.stream = streamingLambda;
