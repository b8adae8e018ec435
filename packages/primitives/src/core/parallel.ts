import {
  AbortScope,
  CancelledError,
  isCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { declareOptions, oneOf } from '../internal/options.js';
import type { DescribedChild } from './describe.js';
import { isWorkflowPrimitive } from './is-primitive.js';
import type {
  BranchInput,
  BranchOutputs,
  CompatibleInputs,
  ParallelBranches,
  ParallelMode,
  ParallelOptions,
  ParallelOutput,
  ParallelOutputs,
  ParallelPrimitiveConstructor,
} from './parallel-types.js';
import type { AnyPrimitive, ChunkOf } from './types.js';

/** The options of {@link ParallelPrimitive}: checks, defaults and what `describe()` shows. */
export const PARALLEL_OPTIONS = declareOptions('ParallelPrimitive', {
  concurrency: {
    check: (v, where) => {
      if (v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && (v as number) >= 1))
        return v as number;
      throw new RangeError(`${where} must be a positive integer or Infinity (got ${String(v)})`);
    },
    default: { value: Number.POSITIVE_INFINITY },
    docDefault: '`Infinity`',
    describe: 'if-set',
  },
  mode: oneOf<ParallelMode>(['all', 'allSettled'], 'all', { describe: 'if-set' }),
});

/**
 * Runs branches concurrently on the same input, each with its own child context, and collects
 * their outputs in branch order (tuple) or by key (record).
 *
 * @example
 * ```ts
 * const enrich = new ParallelPrimitive([sentiment, entities, summary], { concurrency: 2 });
 * const [mood, names, short] = await enrich.execute(text);
 *
 * const settled = new ParallelPrimitive({ a: modelA, b: modelB }, { mode: 'allSettled' });
 * const { a, b } = await settled.execute(prompt); // { status: 'fulfilled', value } | { status: 'rejected', reason }
 * ```
 */
class Parallel<
  I,
  O extends ParallelOutputs,
  M extends ParallelMode = 'all',
  C = unknown,
> extends WorkflowPrimitive<I, ParallelOutput<O, M>> {
  override readonly type = 'parallel';
  /** Type-only: it streams every branch's chunks. */
  declare readonly '~chunk': C;
  /** The branches as given (a frozen copy). */
  readonly branches: ParallelBranches;
  readonly #keys: readonly (string | number)[];
  readonly #primitives: readonly AnyPrimitive[];
  readonly #concurrency: number;
  readonly #mode: ParallelMode;
  readonly #options: ParallelOptions<M> | undefined;

  static {
    Object.defineProperty(Parallel, 'name', { value: 'ParallelPrimitive' });
  }

  constructor(branches: ParallelBranches, options?: ParallelOptions<M>) {
    super(options);
    const isList = Array.isArray(branches);
    if (typeof branches !== 'object' || branches === null) {
      throw new TypeError('ParallelPrimitive: branches must be an array or a record of primitives');
    }
    const entries = isList ? branches.map((b, i) => [i, b] as const) : Object.entries(branches);
    if (entries.length === 0)
      throw new TypeError('ParallelPrimitive: at least one branch is required');
    for (const [key, branch] of entries) {
      if (!isWorkflowPrimitive(branch))
        throw new TypeError(`ParallelPrimitive: branch ${String(key)} is not a primitive`);
    }
    const { concurrency, mode } = PARALLEL_OPTIONS.resolve(options, this.name);
    this.branches = isList ? Object.freeze([...branches]) : Object.freeze({ ...branches });
    this.#keys = entries.map(([key]) => key);
    this.#primitives = entries.map(([, branch]) => branch);
    this.#concurrency = concurrency;
    this.#mode = mode;
    this.#options = options;
    this.adoptChildren();
  }

  /**
   * `self` with `branch` added: a list-branch parallel step gains a branch (keeping its options),
   * anything else becomes the first of two branches. What `WorkflowPrimitive.parallel()` builds.
   */
  static appendBranch(self: AnyPrimitive, branch: AnyPrimitive): AnyPrimitive {
    if (self instanceof Parallel && Array.isArray(self.branches)) {
      return new Parallel([...self.branches, branch], self.options);
    }
    return new Parallel([self, branch]);
  }

  /** The options this primitive was built with (used when a branch is appended). */
  get options(): ParallelOptions<M> | undefined {
    return this.#options;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return PARALLEL_OPTIONS.describe({ concurrency: this.#concurrency, mode: this.#mode });
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.#primitives.map((primitive, i) => ({ label: String(this.#keys[i]), primitive }));
  }

  protected run(input: I, context: WorkflowContext): Promise<ParallelOutput<O, M>> {
    const fanOut =
      this.#mode === 'all' && this.#concurrency >= this.#primitives.length
        ? this.#allAtOnce(input, context)
        : this.#pooled(input, context);
    // The caller's abort releases the caller at once; the branches stop through their contexts.
    const signal = context.signal;
    return signal === undefined ? fanOut : waitFor({ promise: fanOut, signal });
  }

  /**
   * Every branch at once, the output when all succeed (the usual case): the branches' promises
   * go to `Promise.all`, whose per-branch bookkeeping is the engine's. The first failure aborts
   * the others (through their contexts) and is the step's error.
   */
  #allAtOnce(input: I, context: WorkflowContext): Promise<ParallelOutput<O, M>> {
    const primitives = this.#primitives;
    const total = primitives.length;
    const scope = new AbortScope();
    const contexts = context.children(total, { signal: scope });
    const running = new Array<Promise<unknown>>(total);
    for (let i = 0; i < total; i++)
      running[i] = this.runStepIn(
        primitives[i] as AnyPrimitive,
        input,
        contexts[i] as WorkflowContext,
      );
    const disposeAll = () => {
      for (const branch of contexts) branch.dispose();
    };
    return Promise.all(running).then(
      (values) => {
        disposeAll();
        return this.#output(values) as ParallelOutput<O, M>;
      },
      (error: unknown) => {
        scope.abort(new CancelledError({ message: 'A parallel branch failed' }, { cause: error }));
        disposeAll();
        throw error;
      },
    );
  }

  /** Branch outputs in branch order, as the step's output: the list, or a record by key. */
  #output(values: unknown[]): unknown {
    if (Array.isArray(this.branches)) return values;
    const keys = this.#keys;
    const record: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) record[keys[i] as string] = values[i];
    return record;
  }

  /** At most `concurrency` branches at a time, or every outcome (`allSettled`). */
  #pooled(input: I, context: WorkflowContext): Promise<ParallelOutput<O, M>> {
    const keys = this.#keys;
    const primitives = this.#primitives;
    const total = primitives.length;
    const settledMode = this.#mode === 'allSettled';
    const results = (
      Array.isArray(this.branches)
        ? new Array(total)
        : Object.fromEntries(keys.map((k) => [k, undefined]))
    ) as Record<string | number, unknown>;
    // A scope, not a controller: no AbortSignal is made unless a branch reads one.
    const scope = new AbortScope();

    const fanOut = new Promise<ParallelOutput<O, M>>((resolve, reject) => {
      let started = 0;
      let running = 0;
      let finished = 0;
      let stopped = false;

      const stop = (error: unknown) => {
        stopped = true;
        scope.abort(new CancelledError({ message: 'A parallel branch failed' }, { cause: error }));
        reject(error);
      };
      const finish = () => {
        running--;
        finished++;
        if (finished === total) resolve(results as ParallelOutput<O, M>);
        else launch();
      };
      const overrides = { signal: scope };
      const launch = () => {
        const count = Math.min(total - started, this.#concurrency - running);
        if (stopped || count <= 0) return;
        // Branches that start together are made together: one clock read for all of them.
        for (const branch of context.children(count, overrides)) {
          const index = started++;
          const key = keys[index] as string | number;
          running++;
          this.runStepIn(primitives[index] as AnyPrimitive, input, branch).then(
            (value) => {
              branch.dispose();
              if (stopped) return;
              results[key] = settledMode ? { status: 'fulfilled', value } : value;
              finish();
            },
            (reason: unknown) => {
              branch.dispose();
              if (stopped) return;
              // Cancellation of the whole step is not a branch outcome, even when settling.
              if (!settledMode || (isCancellationError(reason) && context.isCancelled))
                return stop(reason);
              results[key] = { status: 'rejected', reason };
              finish();
            },
          );
        }
      };
      launch();
    });
    return fanOut;
  }
}

/**
 * A primitive running branches concurrently; see {@link ParallelPrimitiveConstructor}.
 *
 * @example
 * ```ts
 * const fan: ParallelPrimitive<string, [Summary, Label]> = parallel(summarize, classify);
 * ```
 */
export type ParallelPrimitive<
  I,
  O extends ParallelOutputs,
  M extends ParallelMode = 'all',
  C = unknown,
> = Parallel<I, O, M, C>;
/**
 * The constructor of `ParallelPrimitive` (see the class documentation).
 *
 * @example
 * ```ts
 * const enrich = new ParallelPrimitive([sentiment, entities], { concurrency: 2 });
 * const [mood, names] = await enrich.execute(text);
 * ```
 */
export const ParallelPrimitive = Parallel as unknown as ParallelPrimitiveConstructor;

/**
 * Runs branches concurrently on the same input. With primitives as arguments the output is a
 * tuple in branch order; with a record, an object with the same keys.
 *
 * @example
 * ```ts
 * const both = parallel(summarize, classify); // output: [Summary, Label]
 * const named = parallel({ summary: summarize, label: classify }); // output: { summary, label }
 * ```
 */
export function parallel<I, O>(...branches: WorkflowPrimitive<I, O>[]): ParallelPrimitive<I, O[]>;
export function parallel<
  const B extends readonly [AnyPrimitive, ...AnyPrimitive[]],
  M extends ParallelMode = 'all',
>(
  ...args: [...branches: B, options: ParallelOptions<M> & CompatibleInputs<B>]
): ParallelPrimitive<BranchInput<B>, BranchOutputs<B>, M, ChunkOf<B[number]>>;
export function parallel<const B extends readonly [AnyPrimitive, ...AnyPrimitive[]]>(
  ...branches: B & CompatibleInputs<B>
): ParallelPrimitive<BranchInput<B>, BranchOutputs<B>, 'all', ChunkOf<B[number]>>;
export function parallel<
  const B extends { readonly [key: string]: AnyPrimitive },
  M extends ParallelMode = 'all',
>(
  branches: B & CompatibleInputs<B>,
  options?: ParallelOptions<M>,
): ParallelPrimitive<BranchInput<B>, BranchOutputs<B>, M, ChunkOf<B[keyof B]>>;
export function parallel(...args: unknown[]): AnyPrimitive {
  const [first, second] = args;
  if (
    args.length <= 2 &&
    !isWorkflowPrimitive(first) &&
    typeof first === 'object' &&
    first !== null
  ) {
    return new Parallel(first as ParallelBranches, second as ParallelOptions<ParallelMode>);
  }
  // Branches, then (optionally) an options object last.
  const last = args.at(-1);
  if (args.length > 1 && !isWorkflowPrimitive(last) && typeof last === 'object' && last !== null)
    return new Parallel(args.slice(0, -1) as AnyPrimitive[], last as ParallelOptions<ParallelMode>);
  return new Parallel(args as AnyPrimitive[]);
}
