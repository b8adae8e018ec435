import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { interceptorsEnabled } from '../hooks/step-interceptor.js';
import { mutedContext } from '../streaming/sink.js';
import type { DescribedChild } from './describe.js';
import { isWorkflowPrimitive } from './is-primitive.js';
import type {
  AnyPrimitive,
  ChunkOf,
  InputOf,
  OutputOf,
  PrimitiveOptions,
  Streams,
} from './types.js';

/**
 * Checks a chain: each step must accept the previous step's output.
 *
 * @example
 * ```ts
 * // Checked for you by `sequential(...)`: each step accepts the previous output.
 * type Ok = SequenceChain<[typeof trim, typeof count]>;
 * ```
 */
export type SequenceChain<
  S extends readonly AnyPrimitive[],
  Prev = never,
  First extends boolean = true,
> = S extends readonly [infer H extends AnyPrimitive, ...infer R extends readonly AnyPrimitive[]]
  ? [
      // A step that fits is itself (so it gives no inference to a step built inline, such as a
      // router whose input comes from its routes); one that does not is asked to take `Prev`.
      First extends true
        ? H
        : [Prev] extends [InputOf<H>]
          ? H
          : WorkflowPrimitive<Prev, OutputOf<H>>,
      ...SequenceChain<R, OutputOf<H>, false>,
    ]
  : [];

type Last<S extends readonly unknown[]> = S extends readonly [...unknown[], infer L] ? L : never;

declare const explicit: unique symbol;
/** The default of a type parameter that must be given explicitly. */
type ExplicitTypes = { readonly [explicit]: true };

// Sequences built without a name are pure composition and flatten into their parent.
const anonymous = new WeakSet<AnyPrimitive>();

/**
 * Runs steps one after another, each receiving the previous step's output, all with the same
 * context. Unnamed nested sequences are flattened into one list of steps; a named one stays a
 * single step (with its own span).
 */
class Sequential<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  override readonly type = 'sequential';
  /** Type-only: it streams its last step's chunks (see `stream()`'s `allSteps`). */
  declare readonly '~chunk': C;

  static {
    // Bundlers rename classes that refer to themselves; the default primitive name must not change.
    Object.defineProperty(Sequential, 'name', { value: 'SequentialPrimitive' });
  }

  /** The steps, in order, after flattening. */
  readonly steps: readonly AnyPrimitive[];

  constructor(steps: readonly AnyPrimitive[], options?: PrimitiveOptions) {
    super(options);
    if (!Array.isArray(steps) || steps.length === 0) {
      throw new TypeError('SequentialPrimitive: steps must be a non-empty array of primitives');
    }
    const flat: AnyPrimitive[] = [];
    for (const [index, step] of steps.entries()) {
      if (!isWorkflowPrimitive(step))
        throw new TypeError(`SequentialPrimitive: steps[${index}] is not a primitive`);
      if (step instanceof Sequential && anonymous.has(step)) flat.push(...step.steps);
      else flat.push(step);
    }
    this.steps = Object.freeze(flat);
    if (options?.name === undefined) anonymous.add(this);
    this.adoptChildren();
  }

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    let value: unknown = input;
    const steps = this.steps;
    const last = steps.length - 1;
    // In a streaming run only the last step's chunks reach the consumer (unless it asked for all).
    const inner = interceptorsEnabled() ? mutedContext(context) : context;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as AnyPrimitive;
      const stepContext = i === last ? context : inner;
      value = await (stepContext === context
        ? this.runStep(step, value, context)
        : step.execute(value, stepContext));
    }
    return value as O;
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.steps.map((primitive, i) => ({ label: String(i + 1), primitive }));
  }
}

/**
 * A primitive running steps one after another; see {@link SequentialPrimitiveConstructor}.
 *
 * @example
 * ```ts
 * const flow: SequentialPrimitive<string, number> = sequential(trim, count);
 * ```
 */
export type SequentialPrimitive<I, O, C = unknown> = Sequential<I, O, C>;

/**
 * The constructor of {@link SequentialPrimitive}: a list of steps of one type `T → T`, or a
 * tuple checked link by link (the first step's input to the last step's output); explicit type
 * arguments (`new SequentialPrimitive<I, O>(steps)`) accept any steps.
 *
 * @example
 * ```ts
 * const cleanups: WorkflowPrimitive<string, string>[] = [trim, lowercase, dedupeSpaces];
 * const clean = new SequentialPrimitive(cleanups); // SequentialPrimitive<string, string>
 * ```
 */
export interface SequentialPrimitiveConstructor {
  new <T>(
    steps: readonly WorkflowPrimitive<T, T>[],
    options?: PrimitiveOptions,
  ): SequentialPrimitive<T, T>;
  // Explicit type arguments only: without them `I` is the marker and `steps` cannot be given.
  new <I = ExplicitTypes, O = unknown>(
    steps: [I] extends [ExplicitTypes] ? never : readonly AnyPrimitive[],
    options?: PrimitiveOptions,
  ): SequentialPrimitive<I, O>;
  new <const S extends readonly [AnyPrimitive, ...AnyPrimitive[]]>(
    steps: S & SequenceChain<S>,
    options?: PrimitiveOptions,
  ): SequentialPrimitive<InputOf<S[0]>, OutputOf<Last<S>>, ChunkOf<Last<S>>>;
  readonly prototype: SequentialPrimitive<unknown, unknown>;
}

/**
 * Runs steps one after another (see the class documentation).
 *
 * @example
 * ```ts
 * const flow = new SequentialPrimitive([trim, tokenize, count], { name: 'stats' });
 * ```
 */
export const SequentialPrimitive = Sequential as unknown as SequentialPrimitiveConstructor;

/**
 * Composes steps in sequence, checking at compile time that each step accepts the previous
 * step's output. Nested unnamed sequences flatten. An options object first names the sequence
 * (a named sequence stays one step, with its own span).
 *
 * @example
 * ```ts
 * const flow = sequential(
 *   lambda((q: string) => q.trim()),
 *   lambda((q: string) => q.length),
 * ); // SequentialPrimitive<string, number>
 * const named = sequential({ name: 'measure' }, trim, count);
 * ```
 */
export function sequential<T, C = unknown>(
  ...steps: (WorkflowPrimitive<T, T> & Streams<C>)[]
): SequentialPrimitive<T, T, C>;
export function sequential<T, C = unknown>(
  options: PrimitiveOptions,
  ...steps: (WorkflowPrimitive<T, T> & Streams<C>)[]
): SequentialPrimitive<T, T, C>;
export function sequential<const S extends readonly [AnyPrimitive, ...AnyPrimitive[]]>(
  options: PrimitiveOptions,
  ...steps: S & SequenceChain<S>
): SequentialPrimitive<InputOf<S[0]>, OutputOf<Last<S>>, ChunkOf<Last<S>>>;
export function sequential<const S extends readonly [AnyPrimitive, ...AnyPrimitive[]]>(
  ...steps: S & SequenceChain<S>
): SequentialPrimitive<InputOf<S[0]>, OutputOf<Last<S>>, ChunkOf<Last<S>>>;
export function sequential(...args: unknown[]): AnyPrimitive {
  const [first, ...rest] = args;
  if (
    first !== undefined &&
    !isWorkflowPrimitive(first) &&
    typeof first === 'object' &&
    first !== null
  ) {
    return new Sequential(rest as AnyPrimitive[], first as PrimitiveOptions);
  }
  return new Sequential(args as AnyPrimitive[]);
}
