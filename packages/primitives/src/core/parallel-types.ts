import type { ParallelPrimitive } from './parallel.js';
import type { AnyPrimitive, ChunkOf, InputOf, OutputOf, PrimitiveOptions } from './types.js';

// The types of parallel composition: branches, options, and how inputs and outputs are inferred.

/**
 * `'all'`: fail fast, like `Promise.all`. `'allSettled'`: every outcome, like `Promise.allSettled`.
 *
 * @example
 * ```ts
 * const mode: ParallelMode = strict ? 'all' : 'allSettled';
 * ```
 */
export type ParallelMode = 'all' | 'allSettled';

/**
 * Branches: a list (output is a tuple in branch order) or a record (output has the same keys).
 *
 * @example
 * ```ts
 * const branches: ParallelBranches = [summarize, classify];
 * ```
 */
export type ParallelBranches = readonly AnyPrimitive[] | { readonly [key: string]: AnyPrimitive };

/**
 * Options of {@link ParallelPrimitive}.
 *
 * @example
 * ```ts
 * new ParallelPrimitive([a, b, c], { concurrency: 2, mode: 'allSettled' });
 * ```
 */
export interface ParallelOptions<M extends ParallelMode = 'all'> extends PrimitiveOptions {
  /** At most this many branches run at once; the rest start as others finish. Default: `Infinity`. */
  concurrency?: number | undefined;
  /**
   * `'all'` (default): the first branch error rejects the parallel step and aborts the other
   * branches' signals. `'allSettled'`: waits for every branch and returns per-branch outcomes.
   */
  mode?: M | undefined;
}

// A `never` branch (only a cast makes one) constrains nothing.
type TupleInput<B extends readonly unknown[]> = B extends readonly [infer H, ...infer R]
  ? ([H] extends [never] ? unknown : InputOf<H>) & TupleInput<R>
  : number extends B['length']
    ? InputOf<B[number]>
    : unknown;

type RecordInput<B> = { [K in keyof B]: (input: InputOf<B[K]>) => void }[keyof B] extends (
  input: infer X,
) => void
  ? X
  : never;

/**
 * The input every branch accepts (the intersection of the branches' inputs).
 *
 * @example
 * ```ts
 * type Input = BranchInput<[typeof summarize, typeof classify]>; // what both branches accept
 * ```
 */
export type BranchInput<B> = B extends readonly unknown[] ? TupleInput<B> : RecordInput<B>;

/**
 * Checks that the branches can take one input: when their inputs have nothing in common (a
 * string branch beside a number branch), every branch is flagged with the reason.
 *
 * @example
 * ```ts
 * parallel(countWords, double); // error: the branches take inputs with nothing in common
 * ```
 */
export type CompatibleInputs<B> = [BranchInput<B>] extends [never]
  ? { readonly [K in keyof B]: 'the branches take inputs with nothing in common' } & {
      readonly error: 'the branches take inputs with nothing in common';
    }
  : unknown;

/**
 * The branches' outputs, in the shape of the branches (tuple or record).
 *
 * @example
 * ```ts
 * type Outputs = BranchOutputs<{ summary: typeof summarize }>; // { summary: Summary }
 * ```
 */
export type BranchOutputs<B> = { -readonly [K in keyof B]: OutputOf<B[K]> };

/**
 * Outcomes shaped like `Promise.allSettled`'s for outputs `O` (a tuple or a record).
 *
 * @example
 * ```ts
 * type Outcomes = SettledOutputs<[string, number]>;
 * ```
 */
export type SettledOutputs<O> = { -readonly [K in keyof O]: PromiseSettledResult<O[K]> };

/**
 * What a {@link ParallelPrimitive} with branch outputs `O` returns in mode `M`.
 *
 * @example
 * ```ts
 * type Result = ParallelOutput<[string, number], 'allSettled'>; // [PromiseSettledResult<string>, PromiseSettledResult<number>]
 * ```
 */
export type ParallelOutput<O, M extends ParallelMode> = M extends 'allSettled'
  ? SettledOutputs<O>
  : O;

/**
 * Branch outputs: a tuple (list branches) or a record (keyed branches).
 *
 * @example
 * ```ts
 * const outputs: ParallelOutputs = await fan.execute(input);
 * ```
 */
export type ParallelOutputs = unknown[] | { [key: string]: unknown };

/**
 * The constructor of {@link ParallelPrimitive}: infers the input (what every branch accepts) and
 * the outputs (tuple or record) from the branches.
 *
 * @example
 * ```ts
 * const both = new ParallelPrimitive({ summary: summarize, label: classify }); // output: { summary, label }
 * ```
 */
export interface ParallelPrimitiveConstructor {
  new <const B extends readonly AnyPrimitive[], M extends ParallelMode = 'all'>(
    branches: B & CompatibleInputs<B>,
    options?: ParallelOptions<M>,
  ): ParallelPrimitive<BranchInput<B>, BranchOutputs<B>, M, ChunkOf<B[number]>>;
  new <const B extends { readonly [key: string]: AnyPrimitive }, M extends ParallelMode = 'all'>(
    branches: B & CompatibleInputs<B>,
    options?: ParallelOptions<M>,
  ): ParallelPrimitive<BranchInput<B>, BranchOutputs<B>, M, ChunkOf<B[keyof B]>>;
  readonly prototype: ParallelPrimitive<unknown, ParallelOutputs, ParallelMode>;
  /** `self` with `branch` appended (what `WorkflowPrimitive.parallel()` builds). */
  appendBranch(self: AnyPrimitive, branch: AnyPrimitive): AnyPrimitive;
}
