// The base of every primitive, in one file because its parts share private state (name, path,
// children) and every primitive inherits all of them: execute and its interception point, the
// place in the tree, and the fluent methods. Most of its length is the public API's documentation.
import { currentContext, runWithContext, WorkflowContext } from '@tta/agent-context';
import {
  BulkheadPrimitive,
  CircuitBreakerPrimitive,
  FallbackPrimitive,
  ParallelPrimitive,
  RateLimitPrimitive,
  RetryPrimitive,
  SequentialPrimitive,
  TimeoutPrimitive,
} from '../classes.js';
import type { PrimitiveEventInit, ToolDescription } from '../hooks/events.js';
import type { ExecutionInfo } from '../hooks/hooks.js';
import { emitEvent, hasAroundHooks, hasEventListeners, runAroundHooks } from '../hooks/registry.js';
import { interceptorsEnabled, STEP_INTERCEPTOR } from '../hooks/step-interceptor.js';
import type { BulkheadOptions } from '../recovery/bulkhead.js';
import type { CircuitBreakerOptions } from '../recovery/circuit-breaker.js';
import type { FallbackOptions } from '../recovery/fallback.js';
import type { RateLimitOptions } from '../recovery/rate-limit.js';
import type { RetryOptions } from '../recovery/retry.js';
import type { TimeoutOptions } from '../recovery/timeout.js';
import type { StreamEvent } from '../streaming/events.js';
import { type StreamOptions, streamWorkflow } from '../streaming/run-stream.js';
import { STREAM_SINK, type StreamSink, tapChunks } from '../streaming/sink.js';
import {
  type DescribedChild,
  descriptionToMermaid,
  type PrimitiveDescription,
} from './describe.js';
import { isWorkflowPrimitive, PRIMITIVE_BRAND } from './is-primitive.js';
import type { ParallelPrimitive as Parallel } from './parallel.js';
import type { ParallelMode } from './parallel-types.js';
import type { AnyPrimitive, ChunkOf, Policy, PrimitiveOptions, Streams } from './types.js';

/**
 * The base of every primitive: a typed, composable async step from `I` to `O`.
 *
 * Subclasses implement {@link WorkflowPrimitive.run}; callers use {@link WorkflowPrimitive.execute},
 * which resolves the context, checks cancellation, makes the context current and runs the hooks.
 *
 * @example
 * ```ts
 * class Uppercase extends WorkflowPrimitive<string, string> {
 *   override readonly type = 'uppercase';
 *   protected run(input: string) { return input.toUpperCase(); }
 * }
 * const out = await new Uppercase().pipe(lambda((s: string) => s.length)).execute('hi'); // 2
 * ```
 */
export abstract class WorkflowPrimitive<in I, out O> {
  /** A short, stable kind name (`'sequential'`, `'retry'`, …) used for span names and metric labels. */
  readonly type: string = 'custom';
  /**
   * Type-only (never set): what the step streams (`ChunkOf`). Steps that stream say what; `unknown`
   * here means "not tracked".
   */
  declare readonly '~chunk': unknown;
  /**
   * Type-only (never set): a function-typed member makes assignability between subclasses
   * strictly contravariant in `I` (method parameters alone are bivariant).
   */
  declare protected readonly variance: (input: I) => O;

  #name: string;
  readonly #tool: ToolDescription | undefined;
  // Whether the name was given: a step without one is named after its place once composed.
  readonly #named: boolean;
  // The nearest named ancestor's name (or this step's own) and the path from it: what an unnamed
  // step is named after. Undefined outside any named step.
  #scope: string | undefined;
  // The place in the composition tree, set when a composite adopts this step (see `path`).
  #path: string;
  #segment = '';
  #children: readonly WorkflowPrimitive<unknown, unknown>[] = NO_CHILDREN;

  static {
    Object.defineProperty(WorkflowPrimitive.prototype, PRIMITIVE_BRAND, { value: true });
  }

  constructor(options?: PrimitiveOptions) {
    // Plain JavaScript (or a cast) can still pass a step where options belong: say so at once.
    if (isWorkflowPrimitive(options))
      throw new TypeError(`${new.target.name}: options must be an options object, not a primitive`);
    const name = options?.name;
    if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
      throw new TypeError(`${new.target.name}: name must be a non-empty string`);
    }
    this.#named = name !== undefined;
    this.#tool = toolOption(new.target.name, options?.tool);
    this.#name = name ?? new.target.name;
    this.#path = this.#name;
    this.#scope = name;
  }

  /**
   * Shown in spans, metrics and errors. The name given; else, inside a named workflow (or any
   * named step), one derived from its place under that name and its type
   * (`support-triage/2.fallback`), so the spans and metric series of different steps never merge;
   * else the class name. Never an input value or an id: metric label sets stay bounded.
   *
   * @example
   * ```ts
   * const flow = sequential({ name: 'triage' }, clean, answer.withTimeout(5000));
   * flow.steps[1]?.name; // 'triage/2.timeout'
   * ```
   */
  get name(): string {
    return this.#name;
  }

  /**
   * Set when the step was marked as a tool (`tool` option): what GenAI telemetry shows about it.
   *
   * @example
   * ```ts
   * lambda(search, { name: 'search', tool: true }).tool; // {}
   * ```
   */
  get tool(): ToolDescription | undefined {
    return this.#tool;
  }

  /**
   * This step's stable place in the composition tree: the root's name, then the segment each
   * composite gives its child (`support-triage/2/fallback-1`). Computed when the tree is composed,
   * never per call. A step used in several places has the path of the place composed last.
   *
   * @example
   * ```ts
   * const flow = sequential({ name: 'triage' }, clean, answer);
   * answer.path; // 'triage/2'
   * ```
   */
  get path(): string {
    return this.#path;
  }

  /**
   * True for a step that composes no other steps (a `lambda`, a model call): the unit a durable
   * run journals.
   *
   * @example
   * ```ts
   * lambda((x: number) => x).isLeaf; // true
   * sequential(a, b).isLeaf; // false
   * ```
   */
  get isLeaf(): boolean {
    return this.#children.length === 0;
  }

  /**
   * The steps this one composes, in order (empty for a leaf): walk them to visit the whole tree.
   *
   * @example
   * ```ts
   * const names = sequential(a, b).children.map((c) => c.name);
   * ```
   */
  get children(): readonly WorkflowPrimitive<unknown, unknown>[] {
    return this.#children;
  }

  /**
   * Gives every child from `describeChildren()` its path under this step. Composite primitives
   * call it at the end of their constructor.
   */
  protected adoptChildren(): void {
    const children: WorkflowPrimitive<unknown, unknown>[] = [];
    for (const { label, segment, primitive } of this.describeChildren()) {
      if (!(primitive instanceof WorkflowPrimitive) || !(#path in primitive)) continue;
      primitive.#place(this.#path, this.#scope, segment ?? label?.replaceAll(' ', '-') ?? 'inner');
      children.push(primitive);
    }
    this.#children = children;
  }

  #place(parentPath: string, parentScope: string | undefined, segment: string): void {
    this.#segment = segment;
    this.#path = `${parentPath}/${segment}`;
    if (!this.#named) {
      this.#scope = parentScope === undefined ? undefined : `${parentScope}/${segment}`;
      this.#name =
        this.#scope === undefined ? this.constructor.name : `${this.#scope}.${this.type}`;
    }
    for (const child of this.#children) child.#place(this.#path, this.#scope, child.#segment);
  }

  /**
   * Does the step's work. Called by {@link WorkflowPrimitive.execute} with the resolved context,
   * which is current (`currentContext()`) while it runs. May return a value or a promise.
   */
  protected abstract run(input: I, context: WorkflowContext): Promise<O> | O;

  /**
   * Runs the primitive. Without a context it uses the current one (inside another step) or
   * starts a new root context. Rejects at once, without running, if the context is cancelled.
   */
  execute(input: I, context?: WorkflowContext): Promise<O> {
    const active = currentContext();
    const ctx = context ?? active ?? new WorkflowContext();
    return active === ctx ? this.#executeCurrent(input, ctx) : this.#executeEntering(input, ctx);
  }

  /** `execute` with a context that is not current: it is entered for the run. */
  #executeEntering(input: I, ctx: WorkflowContext): Promise<O> {
    const rejected = ctx.isCancelled ? rejectIfCancelled(ctx) : undefined;
    if (rejected !== undefined) return rejected;
    // Without hooks or interceptors the step runs directly: no extra frame (error stacks are
    // captured per frame).
    if (!hasAroundHooks() && !interceptorsEnabled())
      return runWithContext(ctx, () => this.#invoke(input, ctx));
    return runWithContext(ctx, () => this.#intercept(input, ctx));
  }

  /** `execute` with a context known to be current (nothing to enter). */
  #executeCurrent(input: I, ctx: WorkflowContext): Promise<O> {
    const rejected = ctx.isCancelled ? rejectIfCancelled(ctx) : undefined;
    if (rejected !== undefined) return rejected;
    if (!hasAroundHooks() && !interceptorsEnabled()) return this.#invoke(input, ctx);
    return this.#intercept(input, ctx);
  }

  /**
   * For composite primitives: runs `step` from inside this step's `run` with the context `run`
   * was given. That context is current there (also after `run`'s awaits), so this is
   * `step.execute(input, context)` without asking AsyncLocalStorage which context is current, a
   * lookup that costs more than the rest of a nested call's entry on Node 20. Any other context
   * (a child, a derived one) goes through `step.execute`.
   *
   * @example
   * ```ts
   * class Twice<T> extends WorkflowPrimitive<T, T> {
   *   constructor(readonly inner: WorkflowPrimitive<T, T>) { super(); }
   *   protected async run(input: T, context: WorkflowContext) {
   *     const once = await this.runStep(this.inner, input, context);
   *     return this.runStep(this.inner, once, context);
   *   }
   * }
   * ```
   */
  protected runStep<I2, O2>(
    step: WorkflowPrimitive<I2, O2>,
    input: I2,
    context: WorkflowContext,
  ): Promise<O2> {
    // A step with an `execute` of its own (or from another copy of this package) keeps it.
    return step.execute === BASE_EXECUTE
      ? step.#executeCurrent(input, context)
      : step.execute(input, context);
  }

  /**
   * For composite primitives: runs `step` with a context this step has just made for it (a
   * child, a derived one, a branch's): no code has run in it yet, so it is not current and is
   * entered for the run without asking AsyncLocalStorage first. Otherwise `step.execute(input,
   * context)`.
   *
   * @example
   * ```ts
   * class Isolated<I, O> extends WorkflowPrimitive<I, O> {
   *   constructor(readonly inner: WorkflowPrimitive<I, O>) { super(); }
   *   protected run(input: I, context: WorkflowContext) {
   *     return this.runStepIn(this.inner, input, context.child({ state: {} }));
   *   }
   * }
   * ```
   */
  protected runStepIn<I2, O2>(
    step: WorkflowPrimitive<I2, O2>,
    input: I2,
    context: WorkflowContext,
  ): Promise<O2> {
    return step.execute === BASE_EXECUTE
      ? step.#executeEntering(input, context)
      : step.execute(input, context);
  }

  /**
   * The one place where a step's run can be intercepted (when anything intercepts): the
   * registered `aroundExecute` hooks (spans, metrics, logs) today. A hook may run the step with a
   * derived context, which is then current while the step runs. Journal replay and streaming
   * plug in here too.
   */
  #intercept(input: I, ctx: WorkflowContext): Promise<O> {
    const info: ExecutionInfo = { primitive: this, input, context: ctx };
    const invoke = (stepContext: WorkflowContext): Promise<O> =>
      stepContext === ctx
        ? this.#invoke(input, ctx)
        : runWithContext(stepContext, () => this.#invoke(input, stepContext));
    const interceptor = interceptorsEnabled() ? ctx.getValue(STEP_INTERCEPTOR) : undefined;
    // The run's interceptor sits inside the hooks: a step it answers still gets its span.
    const step =
      interceptor === undefined
        ? invoke
        : (stepContext: WorkflowContext) =>
            interceptor({ primitive: this, input, context: stepContext }, (derived) =>
              derived === undefined || derived === stepContext
                ? invoke(stepContext)
                : runWithContext(derived, () => this.#invoke(input, derived)),
            ) as Promise<O>;
    // A streaming run tells its consumer when each step starts and ends.
    const sink = interceptorsEnabled() ? ctx.getValue(STREAM_SINK) : undefined;
    const observed =
      sink === undefined
        ? step
        : (stepContext: WorkflowContext) => this.#streamStep(sink, stepContext, step);
    return hasAroundHooks() ? runAroundHooks(info, observed) : observed(ctx);
  }

  async #streamStep(
    sink: StreamSink,
    context: WorkflowContext,
    step: (context: WorkflowContext) => Promise<O>,
  ): Promise<O> {
    const path = this.#path;
    const primitive = this.type;
    await sink.push({ type: 'step-start', path, primitive });
    let chunks = 0;
    let firstChunkMs = 0;
    const started = performance.now();
    const counting = tapChunks(sink, () => {
      if (chunks++ === 0) firstChunkMs = performance.now() - started;
    });
    let ok = false;
    try {
      const output = await step(context.withValue(STREAM_SINK, counting));
      ok = true;
      return output;
    } finally {
      const durationMs = performance.now() - started;
      if (chunks > 0)
        this.emit({ type: 'stream', chunks, timeToFirstChunkMs: firstChunkMs }, context);
      await sink.push({ type: 'step-end', path, primitive, ok, durationMs, chunks });
    }
  }

  /**
   * The chunks this step's output streams as when it is not produced again (a durable run
   * replaying the step from its journal): for a streaming step its text (or its items); empty for
   * a step that does not stream.
   *
   * @example
   * ```ts
   * lambda.stream(words).chunksOf('one two'); // ['one two']
   * ```
   */
  chunksOf(_output: O): readonly unknown[] {
    return NO_CHUNKS;
  }

  /**
   * Runs the primitive like `execute`, yielding its events as they happen: `chunk`s of the steps
   * that stream (a sequence's last step, every parallel branch, the route taken…), `step-start` /
   * `step-end` for every step, `reset` when a recovering step starts over, `usage`, and last a
   * `result` with the output `execute` would return. The run starts on the first read and is
   * cancelled when the consumer stops (`break`) or `options.signal` aborts.
   *
   * @example
   * ```ts
   * for await (const event of answer.stream('Why is the sky blue?')) {
   *   if (event.type === 'chunk') process.stdout.write(String(event.chunk));
   * }
   * ```
   */
  stream(
    input: I,
    options: StreamOptions & { allSteps: true },
  ): AsyncIterableIterator<StreamEvent<O, unknown>>;
  stream(
    input: I,
    options?: StreamOptions & { allSteps?: false | undefined },
  ): AsyncIterableIterator<StreamEvent<O, ChunkOf<this>>>;
  // `allSteps` not known to be false: any step's chunks may come.
  stream(input: I, options?: StreamOptions): AsyncIterableIterator<StreamEvent<O, unknown>>;
  stream(input: I, options?: StreamOptions): AsyncIterableIterator<StreamEvent<O, unknown>> {
    return streamWorkflow(this, input, options);
  }

  /**
   * `this` then `next`: the output of this step is the input of `next`. Chains flatten:
   * `a.pipe(b).pipe(c)` is one `SequentialPrimitive` of three steps.
   */
  pipe<O2, C2 = unknown>(
    next: WorkflowPrimitive<O, O2> & Streams<C2>,
  ): SequentialPrimitive<I, O2, C2> {
    // The link is checked by this method's signature; the constructor needs no second check.
    return new SequentialPrimitive<I, O2>([this, next] as never) as SequentialPrimitive<I, O2, C2>;
  }

  /**
   * `this` and `other` concurrently on the same input; the output is a tuple in branch order.
   * Chains flatten: `a.parallel(b).parallel(c)` has three branches and outputs `[A, B, C]`.
   */
  parallel<T extends unknown[], M extends ParallelMode, O2>(
    this: Parallel<I, T, M>,
    other: WorkflowPrimitive<I, O2>,
  ): Parallel<I, [...T, O2], M>;
  parallel<O2>(other: WorkflowPrimitive<I, O2>): Parallel<I, [O, O2]>;
  parallel(other: AnyPrimitive): AnyPrimitive {
    return ParallelPrimitive.appendBranch(this, other);
  }

  /**
   * This primitive and everything it is built from, as a JSON tree of types, names, options and
   * labelled children: where the retries, timeouts and breakers sit.
   *
   * @example
   * ```ts
   * console.log(JSON.stringify(workflow.describe(), null, 2));
   * ```
   */
  describe(): PrimitiveDescription {
    const options = this.describeOptions();
    const children = this.describeChildren().map(({ label, primitive }) => {
      const child = primitive.describe();
      return label === undefined ? child : { ...child, label };
    });
    return {
      type: this.type,
      name: this.name,
      ...(options !== undefined && Object.keys(options).length > 0 ? { options } : {}),
      ...(children.length > 0 ? { children } : {}),
    };
  }

  /**
   * The same tree as a Mermaid flowchart (see `describe()`).
   *
   * @example
   * ```ts
   * await writeFile('workflow.mmd', workflow.toMermaid());
   * ```
   */
  toMermaid(): string {
    return descriptionToMermaid(this.describe());
  }

  /** Options worth showing in `describe()`. Override in primitives that have some. */
  protected describeOptions(): Record<string, string | number | boolean> | undefined {
    return undefined;
  }

  /** What this primitive wraps or composes, for `describe()`. Override in composite primitives. */
  protected describeChildren(): readonly DescribedChild[] {
    return [];
  }

  /** Shorthand for `new RetryPrimitive(this, options)`. */
  withRetry(options?: RetryOptions): RetryPrimitive<I, O, ChunkOf<this>> {
    return new RetryPrimitive(this, options ?? {}) as RetryPrimitive<I, O, ChunkOf<this>>;
  }

  /**
   * Shorthand for `new TimeoutPrimitive(this, { timeoutMs })` (or with full options); `options`
   * names the timeout step.
   *
   * @example
   * ```ts
   * const bounded = callModel.withTimeout(2000, { name: 'model-timeout' });
   * ```
   */
  withTimeout(
    timeout: number | TimeoutOptions<I, O>,
    options?: PrimitiveOptions,
  ): TimeoutPrimitive<I, O, ChunkOf<this>> {
    const given = typeof timeout === 'number' ? { timeoutMs: timeout } : timeout;
    return new TimeoutPrimitive(
      this,
      options?.name === undefined ? given : { ...given, name: options.name },
    ) as TimeoutPrimitive<I, O, ChunkOf<this>>;
  }

  /**
   * Shorthand for `new FallbackPrimitive(this, fallbacks)`: tried in order when this fails. An
   * options object last names the fallback step (and sets its `midStream` policy).
   *
   * @example
   * ```ts
   * const answer = primaryModel.withFallback(backupModel, cannedAnswer, { name: 'answer' });
   * ```
   */
  withFallback<O2 = O, C2 = never>(
    ...fallbacks: (WorkflowPrimitive<I, O2> & Streams<C2>)[]
  ): FallbackPrimitive<I, O | O2, ChunkOf<this> | C2>;
  withFallback<O2 = O, C2 = never>(
    ...args: [...fallbacks: (WorkflowPrimitive<I, O2> & Streams<C2>)[], options: FallbackOptions]
  ): FallbackPrimitive<I, O | O2, ChunkOf<this> | C2>;
  withFallback<O2 = O>(...args: unknown[]): FallbackPrimitive<I, O | O2, unknown> {
    const last = args.at(-1);
    if (last !== undefined && !isWorkflowPrimitive(last))
      return new FallbackPrimitive<I, O | O2>(
        this,
        args.slice(0, -1) as WorkflowPrimitive<I, O2>[],
        last as FallbackOptions,
      );
    return new FallbackPrimitive<I, O | O2>(this, args as WorkflowPrimitive<I, O2>[]);
  }

  /** Shorthand for `new CircuitBreakerPrimitive(this, options)`. */
  withCircuitBreaker(
    options?: CircuitBreakerOptions,
  ): CircuitBreakerPrimitive<I, O, ChunkOf<this>> {
    return new CircuitBreakerPrimitive(this, options ?? {}) as CircuitBreakerPrimitive<
      I,
      O,
      ChunkOf<this>
    >;
  }

  /** Shorthand for `new BulkheadPrimitive(this, options)`. */
  withBulkhead(options: BulkheadOptions): BulkheadPrimitive<I, O, ChunkOf<this>> {
    return new BulkheadPrimitive(this, options) as BulkheadPrimitive<I, O, ChunkOf<this>>;
  }

  /** Shorthand for `new RateLimitPrimitive(this, options)`. */
  withRateLimit(options: RateLimitOptions): RateLimitPrimitive<I, O, ChunkOf<this>> {
    return new RateLimitPrimitive(this, options) as RateLimitPrimitive<I, O, ChunkOf<this>>;
  }

  /**
   * Wraps this step in policies, each around the result of the previous one (the same order as
   * chaining `withTimeout(…).withRetry(…)`). A policy is any function from a primitive to a
   * primitive of the same input and output: the built-in factories (`retry`, `timeout`,
   * `fallback`, `circuitBreaker`, `bulkhead`, `rateLimit`) or your own. An options object first
   * names the outermost step (it is passed to the last policy, as its second argument).
   *
   * @example
   * ```ts
   * const resilient = callModel.with(timeout(2_000), retry({ maxRetries: 2 }), circuitBreaker());
   * ```
   */
  with(...policies: Policy<I, O>[]): WorkflowPrimitive<I, O>;
  with(options: PrimitiveOptions, ...policies: Policy<I, O>[]): WorkflowPrimitive<I, O>;
  with(...args: unknown[]): WorkflowPrimitive<I, O> {
    const first = args[0];
    const named = typeof first === 'object' && first !== null && !isWorkflowPrimitive(first);
    const policies = (named ? args.slice(1) : args) as Policy<I, O>[];
    const options = named ? (first as PrimitiveOptions) : undefined;
    let wrapped: WorkflowPrimitive<I, O> = this;
    for (const [index, policy] of policies.entries()) {
      if (typeof policy !== 'function')
        throw new TypeError(`${this.name}.with: policies[${index}] must be a function`);
      // The name, if given, is the outermost policy's.
      wrapped = policy(wrapped, index === policies.length - 1 ? options : undefined);
      if (!isWorkflowPrimitive(wrapped))
        throw new TypeError(`${this.name}.with: policies[${index}] did not return a primitive`);
    }
    return wrapped;
  }

  /**
   * Whether events reach anyone (a hook listens): on a hot path, build an event only then.
   *
   * @example
   * ```ts
   * if (this.listened) this.emit({ type: 'retry', attempt, delayMs, error }, context);
   * ```
   */
  protected get listened(): boolean {
    return hasEventListeners();
  }

  /** Sends an event to the registered hooks. Cheap when nothing listens. */
  protected emit(event: PrimitiveEventInit, context: WorkflowContext): void {
    if (!hasEventListeners()) return;
    // Object.assign, not a spread: a spread that adds keys is slow on Node 20.
    emitEvent(
      Object.assign({ primitive: this, context, time: Date.now() }, event) as Parameters<
        typeof emitEvent
      >[0],
    );
  }

  #invoke(input: I, ctx: WorkflowContext): Promise<O> {
    try {
      const result = this.run(input, ctx);
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

// What `runStep` compares a step's `execute` with: the one it can skip the lookup for.
const BASE_EXECUTE = WorkflowPrimitive.prototype.execute;

/** The rejection of a step whose context is cancelled (it does not run), else undefined. */
function rejectIfCancelled(ctx: WorkflowContext): Promise<never> | undefined {
  try {
    ctx.throwIfCancelled();
  } catch (error) {
    return Promise.reject(error);
  }
  return undefined;
}

const NO_CHUNKS: readonly unknown[] = Object.freeze([]);
const NO_CHILDREN: readonly never[] = Object.freeze([]);

function toolOption(owner: string, value: unknown): ToolDescription | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return Object.freeze({});
  const description = (value as ToolDescription | null)?.description;
  if (
    typeof value !== 'object' ||
    value === null ||
    (description !== undefined && typeof description !== 'string')
  )
    throw new TypeError(`${owner}: tool must be true or { description?: string }`);
  return Object.freeze(description === undefined ? {} : { description });
}
