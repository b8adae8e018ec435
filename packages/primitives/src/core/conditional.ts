import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { decide } from '../hooks/step-interceptor.js';
import type { DescribedChild } from './describe.js';
import { isWorkflowPrimitive } from './is-primitive.js';
import type { PrimitiveOptions, Streams } from './types.js';

/**
 * Decides which branch a {@link ConditionalPrimitive} runs. Sync or async.
 *
 * @example
 * ```ts
 * const isLong: Predicate<string> = (text) => text.length > 2000;
 * ```
 */
export type Predicate<I> = (input: I, context: WorkflowContext) => boolean | Promise<boolean>;

/**
 * Runs `thenPrimitive` when the predicate holds, else `elsePrimitive`; without an else branch the
 * input passes through unchanged.
 *
 * @example
 * ```ts
 * const maybeTranslate = new ConditionalPrimitive(
 *   (msg: Message) => msg.language !== 'en',
 *   translate, // Message -> Message
 * );
 * ```
 */
export class ConditionalPrimitive<I, T, E = I, CT = unknown, CE = CT> extends WorkflowPrimitive<
  I,
  T | E
> {
  override readonly type = 'conditional';
  /** Type-only: it streams the chunks of the branch it takes. */
  declare readonly '~chunk': CT | CE;
  readonly #predicate: Predicate<I>;
  readonly #then: WorkflowPrimitive<I, T>;
  readonly #else: WorkflowPrimitive<I, E> | undefined;

  constructor(
    predicate: Predicate<I>,
    thenPrimitive: WorkflowPrimitive<I, T> & Streams<CT>,
    elsePrimitive?: WorkflowPrimitive<I, E> & Streams<CE>,
    options?: PrimitiveOptions,
  ) {
    super(options);
    if (typeof predicate !== 'function')
      throw new TypeError('ConditionalPrimitive: predicate must be a function');
    if (!isWorkflowPrimitive(thenPrimitive))
      throw new TypeError('ConditionalPrimitive: then branch must be a primitive');
    if (elsePrimitive !== undefined && !isWorkflowPrimitive(elsePrimitive)) {
      throw new TypeError('ConditionalPrimitive: else branch must be a primitive');
    }
    this.#predicate = predicate;
    this.#then = thenPrimitive;
    this.#else = elsePrimitive;
    this.adoptChildren();
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [
      { label: 'then', primitive: this.#then },
      ...(this.#else === undefined ? [] : [{ label: 'else', primitive: this.#else }]),
    ];
  }

  protected async run(input: I, context: WorkflowContext): Promise<T | E> {
    // Recorded in durable runs: a resumed run takes the branch it took.
    const holds = await decide(this, context, async () =>
      Boolean(await this.#predicate(input, context)),
    );
    if (holds) return this.runStep(this.#then, input, context);
    if (this.#else !== undefined) return this.runStep(this.#else, input, context);
    return input as unknown as E;
  }
}

/**
 * Shorthand for {@link ConditionalPrimitive}.
 *
 * @example
 * ```ts
 * const answer = when((q: string) => q.length > 200, summarizeFirst, answerDirectly);
 * ```
 */
export function when<I, T, E = I, CT = unknown, CE = never>(
  predicate: Predicate<I>,
  thenPrimitive: WorkflowPrimitive<I, T> & Streams<CT>,
  elsePrimitive?: WorkflowPrimitive<I, E> & Streams<CE>,
  options?: PrimitiveOptions,
): ConditionalPrimitive<I, T, E, CT, CE> {
  return new ConditionalPrimitive(predicate, thenPrimitive, elsePrimitive, options);
}
