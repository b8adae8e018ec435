import { randomUUID } from 'node:crypto';
import type { AbortScope } from './abort-scope.js';
import { Budget, type BudgetJSON, type BudgetLimits, type Usage } from './budget.js';
import { toCancellationError } from './errors/cancellation.js';
import { DeadlineExceededError } from './errors/deadline-exceeded-error.js';
import { InvalidContextError } from './errors/invalid-context-error.js';
import { formatBaggage, parseBaggage } from './propagation/baggage.js';
import { type HeaderCarrier, type PropagationHeaders, readHeader } from './propagation/headers.js';
import { newSpanId } from './propagation/ids.js';
import { formatTraceparent, parseTraceparent } from './propagation/traceparent.js';
import {
  isPlainRecord,
  optionalSignal,
  optionalSpanId,
  optionalString,
  optionalTime,
  optionalTraceId,
  record,
  stringRecord,
  traceFlags,
} from './validation.js';

/**
 * A named point in time recorded with {@link WorkflowContext.checkpoint}.
 *
 * @example
 * ```ts
 * const first: Checkpoint | undefined = ctx.checkpoints[0]; // { name, time, elapsedMs }
 * ```
 */
export interface Checkpoint {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** Milliseconds since the context's start. */
  readonly elapsedMs: number;
}

/**
 * Everything a context can be created with. Every field is optional.
 *
 * @example
 * ```ts
 * const ctx = new WorkflowContext({ workflowId: 'support-bot', userId: 'u-42', deadline: Date.now() + 30_000 });
 * ```
 */
export interface WorkflowContextInit {
  /** Identifies the workflow (definition or run) this context belongs to. Default: none. */
  workflowId?: string | undefined;
  /** The user's session (conversation). Default: none. */
  sessionId?: string | undefined;
  /** The end user on whose behalf the workflow runs. Default: none. */
  userId?: string | undefined;
  /** The agent currently acting. Default: none. */
  agentId?: string | undefined;
  /** Ties every log, span and message of one request together. Default: a new UUID. */
  correlationId?: string | undefined;
  /** The correlation id of whatever caused this work. Default: none. */
  causationId?: string | undefined;
  /** W3C trace id, 32 lowercase hex digits. Default: none (no `traceparent` is sent). */
  traceId?: string | undefined;
  /** W3C span id, 16 lowercase hex digits. Default: a new one when `traceId` is given. */
  spanId?: string | undefined;
  /** The span id of the parent span. Default: none. */
  parentSpanId?: string | undefined;
  /** W3C trace flags (bit 0 = sampled). Default: 1. */
  traceFlags?: number | undefined;
  /** Free-form data about the run, copied (shallow) into children. Default: `{}`. */
  metadata?: Record<string, unknown> | undefined;
  /** Working state of the run, copied (shallow) into children. Default: `{}`. */
  state?: Record<string, unknown> | undefined;
  /** W3C baggage: string values sent downstream in the `baggage` header. Default: `{}`. */
  baggage?: Record<string, string> | undefined;
  /** Low-cardinality labels (for logs and span attributes). Default: `{}`. */
  tags?: Record<string, string> | undefined;
  /** Epoch milliseconds the context started at. Default: now. */
  startTime?: number | undefined;
  /**
   * Cancels the work when aborted: an `AbortSignal`, or an {@link AbortScope} (whose signal is
   * only created if read). Default: none (not cancellable).
   */
  signal?: AbortSignal | AbortScope | undefined;
  /** Epoch milliseconds after which no new step starts. Default: none. */
  deadline?: number | undefined;
  /**
   * What the run may spend: limits (`{ maxTokens, maxCostUsd, maxDurationMs }`) or a `Budget` to
   * share. In `child()`, limits make a sub-budget of the parent's. Default: none (unlimited, and
   * `recordUsage` starts an unlimited budget to track spending).
   */
  budget?: BudgetLimits | Budget | undefined;
}

/**
 * What {@link WorkflowContext.child} accepts. The trace id, correlation id and start time are
 * not overridable: a child is part of the same trace and request, starting now.
 *
 * @example
 * ```ts
 * const branch = ctx.child({ agentId: 'researcher', budget: { maxTokens: 5000 } });
 * ```
 */
export type WorkflowContextOverrides = Omit<
  WorkflowContextInit,
  'traceId' | 'correlationId' | 'startTime'
>;

/**
 * The JSON form of a context ({@link WorkflowContext.toJSON}); the signal is not included.
 *
 * @example
 * ```ts
 * const saved: WorkflowContextJSON = ctx.toJSON(); const restored = WorkflowContext.fromJSON(saved);
 * ```
 */
export interface WorkflowContextJSON {
  version: 1;
  workflowId?: string;
  sessionId?: string;
  userId?: string;
  agentId?: string;
  correlationId: string;
  causationId?: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceFlags: number;
  metadata: Record<string, unknown>;
  state: Record<string, unknown>;
  baggage: Record<string, string>;
  tags: Record<string, string>;
  startTime: number;
  checkpoints: Checkpoint[];
  deadline?: number;
  budget?: BudgetJSON;
}

const CORRELATION_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * The context that travels with a workflow: identity, W3C trace fields, baggage, metadata,
 * working state, deadline and cancellation.
 *
 * Child contexts ({@link WorkflowContext.child}) are derived per branch; their signal aborts when
 * any ancestor's does. The combined `signal` is built only when read, so steps that never read it
 * pay nothing for it.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ workflowId: 'support-bot', userId: 'u-42' });
 * ctx.checkpoint('received');
 * const headers = ctx.toHeaders(); // traceparent?, baggage?, x-correlation-id
 * ```
 */
export class WorkflowContext {
  readonly workflowId: string | undefined;
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
  readonly agentId: string | undefined;
  readonly causationId: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly parentSpanId: string | undefined;
  readonly traceFlags: number;
  /** Free-form data about the run. Mutable; children get a shallow copy. */
  readonly metadata: Record<string, unknown>;
  /** Working state of the run. Mutable; children get a shallow copy. */
  readonly state: Record<string, unknown>;
  /** W3C baggage sent downstream. Mutable; children get a shallow copy. */
  readonly baggage: Record<string, string>;
  /** Low-cardinality labels. Mutable; children get a shallow copy. */
  readonly tags: Record<string, string>;
  /** Epoch milliseconds. */
  readonly startTime: number;
  /** Epoch milliseconds after which no new step starts, if any. */
  readonly deadline: number | undefined;

  #correlationId: string | undefined;
  #budget: Budget | undefined;
  // Allocated on the first checkpoint: most contexts never record one.
  #checkpoints: Checkpoint[] | undefined;
  // Cancellation is a chain: this context's own signal plus its nearest ancestor that has one.
  #ownSignal: AbortSignal | AbortScope | undefined;
  #signalParent: WorkflowContext | undefined;
  #combinedSignal: AbortSignal | undefined;

  constructor(init?: WorkflowContextInit);
  // The second parameter is internal: `child()` passes fields that are already valid.
  constructor(init?: WorkflowContextInit, fields?: ContextFields) {
    const f = fields ?? validateInit(init);
    this.workflowId = f.workflowId;
    this.sessionId = f.sessionId;
    this.userId = f.userId;
    this.agentId = f.agentId;
    this.#correlationId = f.correlationId;
    this.causationId = f.causationId;
    this.traceId = f.traceId;
    this.spanId = f.spanId;
    this.parentSpanId = f.parentSpanId;
    this.traceFlags = f.traceFlags;
    this.metadata = f.metadata;
    this.state = f.state;
    this.baggage = f.baggage;
    this.tags = f.tags;
    this.startTime = f.startTime;
    this.#budget = f.budget;
    // A duration budget is a deadline too, so timeouts and retries plan with it.
    this.deadline =
      f.budget?.deadline === undefined ? f.deadline : earlier(f.deadline, f.budget.deadline);
    this.#ownSignal = f.signal;
    this.#signalParent = f.signalParent;
  }

  /** Same as `new WorkflowContext(init)`. */
  static create(init?: WorkflowContextInit): WorkflowContext {
    return new WorkflowContext(init);
  }

  /** Ties every log, span and message of one request together. A UUID unless one was given. */
  get correlationId(): string {
    // Generated on first read: most contexts inside a workflow never need their own.
    this.#correlationId ??= randomUUID();
    return this.#correlationId;
  }

  /** The checkpoints recorded so far, in order. */
  get checkpoints(): readonly Checkpoint[] {
    return this.#checkpoints ?? NO_CHECKPOINTS;
  }

  /**
   * The signal that aborts this context's work: its own signal combined with every ancestor's.
   * `undefined` when nothing can cancel it.
   */
  get signal(): AbortSignal | undefined {
    if (this.#combinedSignal !== undefined) return this.#combinedSignal;
    const signals: AbortSignal[] = [];
    for (let c: WorkflowContext | undefined = this; c !== undefined; c = c.#signalParent) {
      const own = c.#ownSignal instanceof AbortSignal ? c.#ownSignal : c.#ownSignal?.signal;
      if (own !== undefined && !signals.includes(own)) signals.push(own);
    }
    if (signals.length === 0) return undefined;
    this.#combinedSignal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    return this.#combinedSignal;
  }

  /** What this run may still spend, and has spent (shared with children). `undefined` without a budget. */
  get budget(): Budget | undefined {
    return this.#budget;
  }

  /**
   * Records one model call's usage against the budget (and every enclosing budget). Without a
   * budget, starts an unlimited one on this context so spending is still tracked.
   */
  recordUsage(usage: Usage): void {
    this.#budget ??= new Budget({});
    this.#budget.record(usage);
  }

  /** True once the signal (or an ancestor's) has aborted, the deadline has passed, or the budget is spent. */
  get isCancelled(): boolean {
    return (
      this.#abortedSignal() !== undefined ||
      (this.deadline !== undefined && Date.now() >= this.deadline) ||
      this.#budget?.isExhausted === true
    );
  }

  /**
   * Throws when the work should stop: the abort reason when it is a TTA error (such as a
   * `TimeoutError`), else a `CancelledError` caused by it; a `DeadlineExceededError` when the
   * deadline has passed.
   */
  throwIfCancelled(): void {
    const aborted = this.#abortedSignal();
    if (aborted !== undefined) throw toCancellationError(aborted.reason);
    this.#budget?.check();
    if (this.deadline !== undefined && Date.now() >= this.deadline) {
      throw new DeadlineExceededError({ deadline: this.deadline });
    }
  }

  /** Milliseconds left before the deadline: `Infinity` without one, never below 0. */
  remainingMs(): number {
    return this.deadline === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.deadline - Date.now());
  }

  /** Milliseconds since `startTime`. */
  elapsedMs(): number {
    return Date.now() - this.startTime;
  }

  /** Records a named checkpoint (name, epoch time, elapsed ms) and returns it. */
  checkpoint(name: string): Checkpoint {
    const time = Date.now();
    const checkpoint: Checkpoint = { name, time, elapsedMs: time - this.startTime };
    this.#checkpoints ??= [];
    this.#checkpoints.push(checkpoint);
    return checkpoint;
  }

  /**
   * A context for a sub-step. Merge rules, field by field:
   * - `workflowId`, `sessionId`, `userId`, `agentId`, `traceFlags`: the override, else the parent's.
   * - `traceId`, `correlationId`: always the parent's.
   * - `causationId`: the override, else the parent's `correlationId`.
   * - `spanId`: the override, else a new one when there is a trace id; `parentSpanId`: the
   *   override, else the parent's `spanId`.
   * - `metadata`, `state`, `baggage`, `tags`: a shallow copy of the parent's with the override's
   *   entries on top (the child's changes never reach the parent).
   * - `startTime`: now; `checkpoints`: empty.
   * - `signal`: aborts when the parent's does or when the override does.
   * - `deadline`: the earlier of the parent's and the override.
   */
  child(overrides?: WorkflowContextOverrides): WorkflowContext {
    // Hot path (one child per parallel branch): validate only what is given, allocate little.
    const o = overrides ?? EMPTY_OVERRIDES;
    if (overrides !== undefined && !isPlainRecord(overrides)) {
      throw new InvalidContextError({ field: 'overrides', reason: 'must be a plain object' });
    }
    const fields: ContextFields = {
      workflowId:
        o.workflowId === undefined ? this.workflowId : optionalString('workflowId', o.workflowId),
      sessionId:
        o.sessionId === undefined ? this.sessionId : optionalString('sessionId', o.sessionId),
      userId: o.userId === undefined ? this.userId : optionalString('userId', o.userId),
      agentId: o.agentId === undefined ? this.agentId : optionalString('agentId', o.agentId),
      correlationId: this.correlationId,
      causationId:
        o.causationId === undefined
          ? this.correlationId
          : optionalString('causationId', o.causationId),
      traceId: this.traceId,
      spanId:
        o.spanId === undefined
          ? this.traceId === undefined
            ? undefined
            : newSpanId()
          : optionalSpanId('spanId', o.spanId),
      parentSpanId:
        o.parentSpanId === undefined ? this.spanId : optionalSpanId('parentSpanId', o.parentSpanId),
      traceFlags: o.traceFlags === undefined ? this.traceFlags : traceFlags(o.traceFlags),
      metadata:
        o.metadata === undefined
          ? { ...this.metadata }
          : { ...this.metadata, ...record('metadata', o.metadata) },
      state:
        o.state === undefined ? { ...this.state } : { ...this.state, ...record('state', o.state) },
      baggage:
        o.baggage === undefined
          ? { ...this.baggage }
          : { ...this.baggage, ...stringRecord('baggage', o.baggage, true) },
      tags:
        o.tags === undefined
          ? { ...this.tags }
          : { ...this.tags, ...stringRecord('tags', o.tags, false) },
      startTime: Date.now(),
      deadline: earlier(this.deadline, optionalTime('deadline', o.deadline)),
      signal: optionalSignal(o.signal),
      signalParent: this.#ownSignal !== undefined ? this : this.#signalParent,
      budget: o.budget === undefined ? this.#budget : subBudget(this.#budget, o.budget),
    };
    return new (WorkflowContext as unknown as DerivingConstructor)(undefined, fields);
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
    const inherit = options.inherit ?? true;
    return this.#derive({
      deadline: inherit
        ? earlier(this.deadline, optionalTime('deadline', options.deadline))
        : options.deadline,
      signal: optionalSignal(options.signal),
      signalParent: inherit
        ? this.#ownSignal !== undefined
          ? this
          : this.#signalParent
        : undefined,
    });
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
    return this.#derive({
      traceId: optionalTraceId(trace.traceId),
      spanId: optionalSpanId('spanId', trace.spanId),
      parentSpanId: optionalSpanId('parentSpanId', trace.parentSpanId),
      traceFlags: trace.traceFlags === undefined ? this.traceFlags : traceFlags(trace.traceFlags),
    });
  }

  /** A context sharing this one's identity, records and checkpoints, with some fields replaced. */
  #derive(changes: Partial<ContextFields>): WorkflowContext {
    const fields: ContextFields = {
      workflowId: this.workflowId,
      sessionId: this.sessionId,
      userId: this.userId,
      agentId: this.agentId,
      correlationId: this.correlationId,
      causationId: this.causationId,
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      traceFlags: this.traceFlags,
      metadata: this.metadata,
      state: this.state,
      baggage: this.baggage,
      tags: this.tags,
      startTime: this.startTime,
      deadline: this.deadline,
      signal: this.#ownSignal,
      signalParent: this.#signalParent,
      budget: this.#budget,
      ...changes,
    };
    const derived = new (WorkflowContext as unknown as DerivingConstructor)(undefined, fields);
    // Checkpoints are shared too: they describe the same unit of work.
    this.#checkpoints ??= [];
    derived.#checkpoints = this.#checkpoints;
    return derived;
  }

  /**
   * Headers to send downstream: `traceparent` (when there is a trace id), `baggage` (when there
   * is any) and `x-correlation-id`.
   */
  toHeaders(): PropagationHeaders {
    const headers: PropagationHeaders = { 'x-correlation-id': this.correlationId };
    if (this.traceId !== undefined && this.spanId !== undefined) {
      headers.traceparent = formatTraceparent({
        traceId: this.traceId,
        spanId: this.spanId,
        traceFlags: this.traceFlags,
      });
    }
    const baggage = formatBaggage(this.baggage);
    if (baggage !== undefined) headers.baggage = baggage;
    return headers;
  }

  /**
   * A context for work that arrived with these headers. The incoming `traceparent`'s span
   * becomes `parentSpanId` and this side gets a new `spanId` in the same trace. Invalid
   * headers are ignored as the W3C specs require: a bad `traceparent` starts no trace, bad
   * baggage members are skipped, a bad correlation id is replaced with a new one.
   */
  static fromHeaders(headers: HeaderCarrier, init?: WorkflowContextOverrides): WorkflowContext {
    const traceparentHeader = readHeader(headers, 'traceparent');
    const parent =
      typeof traceparentHeader === 'string' ? parseTraceparent(traceparentHeader) : undefined;
    const baggageHeader = readHeader(headers, 'baggage');
    const baggage = parseBaggage(
      typeof baggageHeader === 'string' ? baggageHeader : baggageHeader?.join(','),
    );
    const correlationHeader = readHeader(headers, 'x-correlation-id');
    const incomingCorrelation =
      typeof correlationHeader === 'string' && CORRELATION_ID.test(correlationHeader)
        ? correlationHeader
        : undefined;
    return new WorkflowContext({
      ...init,
      correlationId: incomingCorrelation,
      traceId: parent?.traceId,
      parentSpanId: parent?.spanId ?? init?.parentSpanId,
      traceFlags: parent?.traceFlags ?? init?.traceFlags,
      baggage: { ...baggage, ...init?.baggage },
    });
  }

  /** A JSON-safe snapshot (the signal is left out). Round-trips through {@link WorkflowContext.fromJSON}. */
  toJSON(): WorkflowContextJSON {
    const json: WorkflowContextJSON = {
      version: 1,
      correlationId: this.correlationId,
      traceFlags: this.traceFlags,
      metadata: { ...this.metadata },
      state: { ...this.state },
      baggage: { ...this.baggage },
      tags: { ...this.tags },
      startTime: this.startTime,
      checkpoints: this.checkpoints.map((c) => ({ ...c })),
    };
    if (this.#budget !== undefined) json.budget = this.#budget.toJSON();
    for (const key of OPTIONAL_JSON_FIELDS) {
      const value = this[key];
      if (value !== undefined) (json as unknown as Record<string, unknown>)[key] = value;
    }
    return json;
  }

  /**
   * Rebuilds a context from {@link WorkflowContext.toJSON} output (an object or a JSON string).
   * Anything that is not a valid context throws an `InvalidContextError` naming the field.
   */
  static fromJSON(json: unknown, init?: Pick<WorkflowContextInit, 'signal'>): WorkflowContext {
    let data = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json);
      } catch (error) {
        throw new InvalidContextError(
          { field: 'json', reason: 'is not valid JSON' },
          { cause: error },
        );
      }
    }
    if (!isPlainRecord(data))
      throw new InvalidContextError({ field: 'json', reason: 'must be an object' });
    if (data.version !== 1)
      throw new InvalidContextError({
        field: 'version',
        reason: `must be 1 (got ${String(data.version)})`,
      });
    const ctx = new WorkflowContext({
      workflowId: data.workflowId as string | undefined,
      sessionId: data.sessionId as string | undefined,
      userId: data.userId as string | undefined,
      agentId: data.agentId as string | undefined,
      correlationId: requireString('correlationId', data.correlationId),
      causationId: data.causationId as string | undefined,
      traceId: data.traceId as string | undefined,
      spanId: data.spanId as string | undefined,
      parentSpanId: data.parentSpanId as string | undefined,
      traceFlags: data.traceFlags as number | undefined,
      metadata: data.metadata as Record<string, unknown> | undefined,
      state: data.state as Record<string, unknown> | undefined,
      baggage: data.baggage as Record<string, string> | undefined,
      tags: data.tags as Record<string, string> | undefined,
      startTime: data.startTime as number | undefined,
      deadline: data.deadline as number | undefined,
      signal: init?.signal,
      budget: data.budget === undefined ? undefined : Budget.fromJSON(data.budget),
    });
    ctx.#checkpoints = checkpoints(data.checkpoints);
    return ctx;
  }

  #abortedSignal(): AbortSignal | AbortScope | undefined {
    for (let c: WorkflowContext | undefined = this; c !== undefined; c = c.#signalParent) {
      if (c.#ownSignal?.aborted === true) return c.#ownSignal;
    }
    return undefined;
  }
}

const OPTIONAL_JSON_FIELDS = [
  'workflowId',
  'sessionId',
  'userId',
  'agentId',
  'causationId',
  'traceId',
  'spanId',
  'parentSpanId',
  'deadline',
] as const;

/** The validated, owned fields a context is built from. */
interface ContextFields {
  workflowId: string | undefined;
  sessionId: string | undefined;
  userId: string | undefined;
  agentId: string | undefined;
  correlationId: string | undefined;
  causationId: string | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
  parentSpanId: string | undefined;
  traceFlags: number;
  metadata: Record<string, unknown>;
  state: Record<string, unknown>;
  baggage: Record<string, string>;
  tags: Record<string, string>;
  startTime: number;
  deadline: number | undefined;
  signal: AbortSignal | AbortScope | undefined;
  signalParent: WorkflowContext | undefined;
  budget: Budget | undefined;
}

type DerivingConstructor = new (init: undefined, fields: ContextFields) => WorkflowContext;

const EMPTY_OVERRIDES: WorkflowContextOverrides = Object.freeze({});
const NO_CHECKPOINTS: readonly Checkpoint[] = Object.freeze([]);

function validateInit(init: WorkflowContextInit | undefined): ContextFields {
  if (init !== undefined && !isPlainRecord(init))
    throw new InvalidContextError({ field: 'init', reason: 'must be a plain object' });
  const i = init ?? EMPTY_OVERRIDES;
  const traceId = optionalTraceId((i as WorkflowContextInit).traceId);
  const startTime = optionalTime('startTime', (i as WorkflowContextInit).startTime) ?? Date.now();
  const o = validateOverrides(i);
  return {
    workflowId: o.workflowId,
    sessionId: o.sessionId,
    userId: o.userId,
    agentId: o.agentId,
    correlationId: correlationId((i as WorkflowContextInit).correlationId),
    causationId: o.causationId,
    traceId,
    spanId: o.spanId ?? (traceId === undefined ? undefined : newSpanId()),
    parentSpanId: o.parentSpanId,
    traceFlags: o.traceFlags ?? 1,
    metadata: o.metadata ?? {},
    state: o.state ?? {},
    baggage: o.baggage ?? {},
    tags: o.tags ?? {},
    startTime,
    deadline: o.deadline,
    signal: o.signal,
    signalParent: undefined,
    budget:
      o.budget === undefined
        ? undefined
        : o.budget instanceof Budget
          ? o.budget
          : new Budget(o.budget),
  };
}

/** A child's budget: a sub-budget of the parent's, or (given a Budget) that budget itself. */
function subBudget(parent: Budget | undefined, limits: BudgetLimits | Budget): Budget {
  if (limits instanceof Budget) return limits;
  return parent === undefined ? new Budget(limits) : parent.sub(limits);
}

/** Validates (and copies) every field a caller may set on a context or a child. */
function validateOverrides(o: WorkflowContextOverrides): WorkflowContextOverrides {
  if (!isPlainRecord(o))
    throw new InvalidContextError({ field: 'overrides', reason: 'must be a plain object' });
  return {
    workflowId: optionalString('workflowId', o.workflowId),
    sessionId: optionalString('sessionId', o.sessionId),
    userId: optionalString('userId', o.userId),
    agentId: optionalString('agentId', o.agentId),
    causationId: optionalString('causationId', o.causationId),
    spanId: optionalSpanId('spanId', o.spanId),
    parentSpanId: optionalSpanId('parentSpanId', o.parentSpanId),
    traceFlags: o.traceFlags === undefined ? undefined : traceFlags(o.traceFlags),
    metadata: o.metadata === undefined ? undefined : record('metadata', o.metadata),
    state: o.state === undefined ? undefined : record('state', o.state),
    baggage: o.baggage === undefined ? undefined : stringRecord('baggage', o.baggage, true),
    tags: o.tags === undefined ? undefined : stringRecord('tags', o.tags, false),
    deadline: optionalTime('deadline', o.deadline),
    signal: optionalSignal(o.signal),
    budget: o.budget,
  };
}

function correlationId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !CORRELATION_ID.test(value)) {
    throw new InvalidContextError({
      field: 'correlationId',
      reason: 'must be 1 to 256 visible ASCII characters',
    });
  }
  return value;
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidContextError({ field, reason: 'must be a string' });
  return value;
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function checkpoints(value: unknown): Checkpoint[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new InvalidContextError({ field: 'checkpoints', reason: 'must be an array' });
  return value.map((item, index) => {
    if (
      !isPlainRecord(item) ||
      typeof item.name !== 'string' ||
      typeof item.time !== 'number' ||
      !Number.isFinite(item.time) ||
      typeof item.elapsedMs !== 'number' ||
      !Number.isFinite(item.elapsedMs)
    ) {
      throw new InvalidContextError({
        field: `checkpoints[${index}]`,
        reason: 'must be { name: string, time: number, elapsedMs: number }',
      });
    }
    return { name: item.name, time: item.time, elapsedMs: item.elapsedMs };
  });
}
