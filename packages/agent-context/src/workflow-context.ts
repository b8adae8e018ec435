// The public face of the context: each concern lives in `context/` (data fields, trace fields,
// cancellation, headers, JSON, value slots) and this class only delegates. Most of its length is
// the documentation of the public API.
import type { AbortScope } from './abort-scope.js';
import type { Budget, Usage } from './budget.js';
import { Cancellation, initialBudget } from './context/cancellation.js';
import { type ContextKey, lookup, type ValueNode } from './context/context-key.js';
import {
  childData,
  type Data,
  type DataOverrides,
  type DataValues,
  dataFromInit,
  dataOverrides,
  dataToJSON,
  defineDataGetters,
  emptyData,
} from './context/data-fields.js';
import { contextHeaders, initFromHeaders } from './context/headers.js';
import { initFromJSON } from './context/json.js';
import { TraceFields } from './context/trace-fields.js';
import type {
  Checkpoint,
  WorkflowContextInit,
  WorkflowContextJSON,
  WorkflowContextOverrides,
} from './context/types.js';
import { USAGE_OBSERVER } from './context/usage-observer.js';
import { InvalidContextError } from './errors/invalid-context-error.js';
import type { HeaderCarrier, PropagationHeaders } from './propagation/headers.js';
import type { TraceState } from './propagation/tracestate.js';
import { isPlainRecord, optionalSignal, optionalTime } from './validation.js';

export type {
  Checkpoint,
  WorkflowContextInit,
  WorkflowContextJSON,
  WorkflowContextOverrides,
} from './context/types.js';

/** The parts a context is made of, one per concern (see docs/architecture.md). */
interface Parts {
  readonly data: Data;
  readonly trace: TraceFields;
  readonly cancel: Cancellation;
  readonly startTime: number;
  readonly values: ValueNode | undefined;
}

// The data fields (`workflowId`, `metadata`, …) are getters made from their declarations.
export interface WorkflowContext extends DataValues {}

/**
 * The context that travels with a workflow: identity, W3C trace fields, baggage, metadata,
 * working state, deadline, budget and cancellation.
 *
 * One object per concern: the data fields (declared once in `context/data-fields.ts`), the trace
 * fields, cancellation (signal, deadline, budget), and typed value slots for other packages
 * ({@link WorkflowContext.getValue}). Child contexts ({@link WorkflowContext.child}) are derived
 * per branch; their signal aborts when any ancestor's does. The combined `signal` is built only
 * when read, so steps that never read it pay nothing for it.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ workflowId: 'support-bot', userId: 'u-42' });
 * ctx.checkpoint('received');
 * const headers = ctx.toHeaders(); // traceparent?, baggage?, x-correlation-id
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the data getters are typed by the interface.
export class WorkflowContext {
  /** Epoch milliseconds. */
  readonly startTime: number;
  // The parts, one per concern. A root made without init (a root `execute()` makes one per call)
  // makes each only when it is first needed: most such roots never need any of them.
  #dataPart: Data | undefined;
  #tracePart: TraceFields | undefined;
  #cancelPart: Cancellation | undefined;
  readonly #values: ValueNode | undefined;

  static {
    defineDataGetters(WorkflowContext.prototype, (self) => (self as WorkflowContext).#data);
  }

  get #data(): Data {
    this.#dataPart ??= emptyData();
    return this.#dataPart;
  }

  get #trace(): TraceFields {
    this.#tracePart ??= TraceFields.root();
    return this.#tracePart;
  }

  // A root made without init has no signal, deadline or budget until one is started for usage.
  get #cancel(): Cancellation {
    this.#cancelPart ??= new Cancellation(undefined, undefined, undefined, undefined);
    return this.#cancelPart;
  }

  constructor(init?: WorkflowContextInit);
  // The parameters after `init` are internal: see below.
  constructor(
    init?: WorkflowContextInit,
    data?: Data,
    trace?: TraceFields,
    cancel?: Cancellation,
    startTime?: number,
    values?: ValueNode,
  ) {
    if (data === undefined && init === undefined) {
      // Hot path: a root `execute()` without a context makes one of these per call.
      this.startTime = Date.now();
      this.#values = undefined;
      return;
    }
    if (data === undefined) {
      const p = partsFromInit(init as WorkflowContextInit);
      this.#dataPart = p.data;
      this.#tracePart = p.trace;
      this.#cancelPart = p.cancel;
      this.startTime = p.startTime;
      this.#values = undefined;
      return;
    }
    // Derived contexts pass parts that are already valid (positionally: this is a hot path).
    this.#dataPart = data;
    this.#tracePart = trace as TraceFields;
    this.#cancelPart = cancel as Cancellation;
    this.startTime = startTime as number;
    this.#values = values;
  }

  /** Same as `new WorkflowContext(init)`. */
  static create(init?: WorkflowContextInit): WorkflowContext {
    return new WorkflowContext(init);
  }

  /** Ties every log, span and message of one request together. A UUID unless one was given. */
  get correlationId(): string {
    return this.#trace.correlationId;
  }
  /** The correlation id of whatever caused this work, if known. */
  get causationId(): string | undefined {
    return this.#trace.causationId;
  }
  /**
   * W3C trace id. Every context is in a trace: the incoming one (`fromHeaders`), the given one,
   * its parent's, or (for a root) a random one made on first read.
   */
  get traceId(): string {
    return this.#trace.traceId;
  }
  /**
   * W3C span id of this context's span: a tracer's real span (observability hooks set it), a given
   * one, or an id made on first read.
   */
  get spanId(): string {
    return this.#trace.spanId;
  }
  /**
   * True when this context's trace started here: no `traceparent` was received, no trace id was
   * given, and no tracer has set a span yet. Tracers start a root span for such a context.
   */
  get isNewTrace(): boolean {
    return this.#trace.isNewTrace;
  }
  /**
   * The W3C `tracestate` received with the trace (vendor entries), sent on with `traceparent`.
   * Add or update your own vendor's entry with `ctx.child({ traceState: ctx.traceState.set(k, v) })`.
   */
  get traceState(): TraceState {
    return this.#trace.traceState;
  }
  /** The span id of the parent span, if any. */
  get parentSpanId(): string | undefined {
    return this.#trace.parentSpanId;
  }
  /** W3C trace flags (bit 0 = sampled, bit 1 = random trace id). */
  get traceFlags(): number {
    return this.#trace.traceFlags;
  }
  /** Epoch milliseconds after which no new step starts, if any (a duration budget counts). */
  get deadline(): number | undefined {
    return this.#cancelPart?.deadline;
  }

  /** The checkpoints recorded so far, in order. */
  get checkpoints(): readonly Checkpoint[] {
    return this.#data.checkpoints ?? NO_CHECKPOINTS;
  }

  /**
   * The signal that aborts this context's work: its own signal combined with every ancestor's.
   * `undefined` when nothing can cancel it.
   */
  get signal(): AbortSignal | undefined {
    return this.#cancelPart?.signal;
  }

  /**
   * Ends this context's watch on its signals, deadline and budget: removes the listeners and
   * clears the timer that reading `signal` set up (the signal keeps its state). Call it when the
   * work the context was made for has ended; the library does so for every context it makes.
   *
   * @example
   * ```ts
   * const branch = ctx.child({ signal: scope });
   * try { await step.execute(input, branch); } finally { branch.dispose(); }
   * ```
   */
  dispose(): void {
    this.#cancelPart?.dispose();
  }

  /** What this run may still spend, and has spent (shared with children). `undefined` without a budget. */
  get budget(): Budget | undefined {
    return this.#cancelPart?.budget;
  }

  /**
   * Records one model call's usage against the budget (and every enclosing budget). Without a
   * budget, starts an unlimited one on this context so spending is still tracked.
   */
  recordUsage(usage: Usage): void {
    this.#cancel.budgetForUsage().record(usage);
    this.getValue(USAGE_OBSERVER)?.(usage);
  }

  /** True once the signal (or an ancestor's) has aborted, the deadline has passed, or the budget is spent. */
  get isCancelled(): boolean {
    return this.#cancelPart?.isCancelled === true;
  }

  /**
   * Throws when the work should stop: the abort reason when it is a TTA error (such as a
   * `TimeoutError`), else a `CancelledError` caused by it; a `BudgetExceededError` when the budget
   * is spent; a `DeadlineExceededError` when the deadline has passed.
   */
  throwIfCancelled(): void {
    this.#cancelPart?.throwIfCancelled();
  }

  /** Milliseconds left before the deadline: `Infinity` without one, never below 0. */
  remainingMs(): number {
    return this.#cancelPart === undefined
      ? Number.POSITIVE_INFINITY
      : this.#cancelPart.remainingMs();
  }

  /** Milliseconds since `startTime`. */
  elapsedMs(): number {
    return Date.now() - this.startTime;
  }

  /** Records a named checkpoint (name, epoch time, elapsed ms) and returns it. */
  checkpoint(name: string): Checkpoint {
    const time = Date.now();
    const checkpoint: Checkpoint = { name, time, elapsedMs: time - this.startTime };
    this.#data.checkpoints ??= [];
    this.#data.checkpoints.push(checkpoint);
    return checkpoint;
  }

  /**
   * The value in a typed slot (see `createContextKey`), or `undefined`.
   *
   * @example
   * ```ts
   * const tenant = ctx.getValue(TENANT);
   * ```
   */
  getValue<T>(key: ContextKey<T>): T | undefined {
    return lookup(this.#values, key);
  }

  /**
   * The same context (like `withCancellation({})`: same records, checkpoints and cancellation)
   * with `value` in the slot `key`. Children and derived contexts inherit it.
   *
   * @example
   * ```ts
   * const traced = ctx.withValue(TENANT, 'acme');
   * ```
   */
  withValue<T>(key: ContextKey<T>, value: T): WorkflowContext {
    return this.#derive(this.#trace, this.#cancel, { key, value, next: this.#values });
  }

  /**
   * A context for a sub-step. The rules per field are in docs/concepts.md (checked against the
   * field declarations): ids are inherited unless overridden; records are shallow copies with
   * the override's entries on top; the trace and request stay, with a new span; the signal
   * aborts when the parent's or the override does; the deadline is the earlier one; budget
   * limits make a sub-budget; the start time is now and there are no checkpoints yet.
   */
  child(overrides?: WorkflowContextOverrides): WorkflowContext {
    return this.#child(childPlan(overrides), Date.now());
  }

  /**
   * `count` children with the same overrides (each like `child(overrides)`), made together: they
   * share one start time, so the clock is read once. For a fan-out that starts its branches at
   * the same moment (a parallel step makes its branches' contexts this way).
   *
   * @example
   * ```ts
   * const [a, b] = ctx.children(2, { signal: scope });
   * ```
   */
  children(count: number, overrides?: WorkflowContextOverrides): WorkflowContext[] {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`children: count must be a non-negative integer (got ${String(count)})`);
    const plan = childPlan(overrides);
    const startTime = Date.now();
    const made = new Array<WorkflowContext>(count);
    for (let i = 0; i < count; i++) made[i] = this.#child(plan, startTime);
    return made;
  }

  // Hot path (one per parallel branch): the overrides are validated already, little is allocated.
  #child(plan: ChildPlan, startTime: number): WorkflowContext {
    const o = plan.overrides;
    return new (WorkflowContext as unknown as DerivingConstructor)(
      undefined,
      // A parent that has not made its data or cancellation yet has none to pass on: nothing is
      // made for it (its trace is made: the child's ids derive from it).
      childData(this.#dataPart ?? NO_DATA, plan.data),
      this.#trace.child(o),
      (this.#cancelPart ?? NO_CANCELLATION).child(plan.signal, plan.deadline, o.budget),
      startTime,
      this.#values,
    );
  }

  /**
   * The same context (same ids, trace fields, and the *same* metadata, state, baggage, tags and
   * checkpoints objects) with different cancellation. For wrappers that must not isolate the
   * step they wrap: a timeout adds a signal, a saga's compensations detach from an aborted run.
   *
   * - `signal`: an extra cancellation source (an `AbortSignal` or `AbortScope`).
   * - `deadline`: an extra deadline; the earlier one applies.
   * - `inherit` (default `true`): keep this context's signals and deadline too; `false` drops them.
   *
   * @example
   * ```ts
   * const scope = new AbortScope();
   * const guarded = ctx.withCancellation({ signal: scope, deadline: Date.now() + 5000 });
   * const cleanup = ctx.withCancellation({ inherit: false }); // runs even if ctx was aborted
   * ```
   */
  withCancellation(options: {
    signal?: AbortSignal | AbortScope | undefined;
    deadline?: number | undefined;
    inherit?: boolean | undefined;
  }): WorkflowContext {
    const cancel = this.#cancel.with(
      optionalSignal(options.signal),
      optionalTime('deadline', options.deadline),
      options.inherit ?? true,
    );
    return this.#derive(this.#trace, cancel, this.#values);
  }

  /**
   * The same context (sharing records, checkpoints and cancellation, like `withCancellation`) with
   * other W3C trace fields. Tracing hooks use it so a step's `traceId`/`spanId` are its real span's.
   *
   * @example
   * ```ts
   * const traced = ctx.withTrace({ traceId: span.traceId, spanId: span.spanId, parentSpanId });
   * ```
   */
  withTrace(trace: {
    traceId: string;
    spanId: string;
    parentSpanId?: string | undefined;
    traceFlags?: number | undefined;
  }): WorkflowContext {
    return this.#derive(this.#trace.withTrace(trace), this.#cancel, this.#values);
  }

  /** A context sharing this one's data (records and checkpoints), with the given concerns. */
  #derive(
    trace: TraceFields,
    cancel: Cancellation,
    values: ValueNode | undefined,
  ): WorkflowContext {
    return new (WorkflowContext as unknown as DerivingConstructor)(
      undefined,
      this.#data,
      trace,
      cancel,
      this.startTime,
      values,
    );
  }

  /**
   * Headers to send downstream: `traceparent` (always: every context is in a trace; its parent
   * id is this context's span when a tracer recorded it, else a fresh id per call), `tracestate`
   * (when there is one), `baggage` (when there is any) and `x-correlation-id`.
   */
  toHeaders(): PropagationHeaders {
    return contextHeaders(this.#trace, this.baggage);
  }

  /**
   * A context for work that arrived with these headers. The incoming `traceparent`'s span
   * becomes `parentSpanId` and this side gets a new `spanId` in the same trace, with the
   * `tracestate` that came with it. Invalid headers are ignored as the W3C specs require: a bad
   * `traceparent` starts a new trace (and its `tracestate` is dropped), an invalid `tracestate`
   * is dropped whole, bad baggage members are skipped, a bad correlation id is replaced.
   */
  static fromHeaders(headers: HeaderCarrier, init?: WorkflowContextOverrides): WorkflowContext {
    return new WorkflowContext(initFromHeaders(headers, init));
  }

  /** A JSON-safe snapshot (the signal is left out). Round-trips through {@link WorkflowContext.fromJSON}. */
  toJSON(): WorkflowContextJSON {
    const json: Record<string, unknown> = { version: 1, correlationId: this.correlationId };
    const t = this.#trace;
    if (t.causationId !== undefined) json.causationId = t.causationId;
    json.traceId = t.traceId;
    json.spanId = t.spanId;
    if (t.parentSpanId !== undefined) json.parentSpanId = t.parentSpanId;
    json.traceFlags = t.traceFlags;
    if (t.traceState.size > 0) json.traceState = t.traceState.toString();
    dataToJSON(this.#data, json);
    json.startTime = this.startTime;
    json.checkpoints = this.checkpoints.map((c) => ({ ...c }));
    if (this.deadline !== undefined) json.deadline = this.deadline;
    const budget = this.#cancelPart?.budget;
    if (budget !== undefined) json.budget = budget.toJSON();
    return json as WorkflowContextJSON;
  }

  /**
   * Rebuilds a context from {@link WorkflowContext.toJSON} output (an object or a JSON string).
   * Anything that is not a valid context throws an `InvalidContextError` naming the field.
   */
  static fromJSON(json: unknown, init?: Pick<WorkflowContextInit, 'signal'>): WorkflowContext {
    const saved = initFromJSON(json);
    const ctx = new WorkflowContext({ ...saved.init, signal: init?.signal });
    ctx.#data.checkpoints = saved.checkpoints;
    return ctx;
  }
}

type DerivingConstructor = new (
  init: undefined,
  data: Data,
  trace: TraceFields,
  cancel: Cancellation,
  startTime: number,
  values: ValueNode | undefined,
) => WorkflowContext;

const EMPTY_OVERRIDES: WorkflowContextOverrides = Object.freeze({});
// What a root's unmade parts are like, for its children to derive from. Only read, never handed
// to a context (`child()` of an empty cancellation refers to nothing of it).
const NO_DATA: Data = Object.freeze(emptyData());
const NO_CANCELLATION = new Cancellation(undefined, undefined, undefined, undefined);

/** A child's overrides, validated (once for all the children made with them). */
interface ChildPlan {
  readonly overrides: WorkflowContextOverrides;
  readonly data: DataOverrides | undefined;
  readonly signal: AbortSignal | AbortScope | undefined;
  readonly deadline: number | undefined;
}

const NO_OVERRIDES: ChildPlan = {
  overrides: EMPTY_OVERRIDES,
  data: undefined,
  signal: undefined,
  deadline: undefined,
};

function childPlan(overrides: WorkflowContextOverrides | undefined): ChildPlan {
  if (overrides === undefined) return NO_OVERRIDES;
  if (!isPlainRecord(overrides))
    throw new InvalidContextError({ field: 'overrides', reason: 'must be a plain object' });
  return {
    overrides,
    data: dataOverrides(overrides as Readonly<Record<string, unknown>>),
    signal: optionalSignal(overrides.signal),
    deadline: optionalTime('deadline', overrides.deadline),
  };
}
const NO_CHECKPOINTS: readonly Checkpoint[] = Object.freeze([]);

function partsFromInit(init: WorkflowContextInit): Parts {
  if (!isPlainRecord(init))
    throw new InvalidContextError({ field: 'init', reason: 'must be a plain object' });
  const i = init as WorkflowContextInit;
  return {
    data: dataFromInit(i as Readonly<Record<string, unknown>>),
    trace: TraceFields.fromInit(i),
    cancel: new Cancellation(
      optionalSignal(i.signal),
      undefined,
      optionalTime('deadline', i.deadline),
      initialBudget(i.budget),
    ),
    startTime: optionalTime('startTime', i.startTime) ?? Date.now(),
    values: undefined,
  };
}
