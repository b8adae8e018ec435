import { randomUUID } from 'node:crypto';
import { InvalidContextError } from '../errors/invalid-context-error.js';
import { newSpanId, newTraceId } from '../propagation/ids.js';
import { TraceState } from '../propagation/tracestate.js';
import { optionalSpanId, optionalString, optionalTraceId, traceFlags } from '../validation.js';

const CORRELATION_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * Where a context sits in the request and its trace: the fields that travel in headers. Contexts
 * that only change cancellation share this object (so a lazily made correlation id is shared too).
 *
 * Every context is in a trace (W3C: a request without a valid `traceparent` starts a new one).
 * Ids are made when first read, so work that never looks at them pays nothing: a root's trace id
 * (random, so the Level 2 random flag is set), and a context's span id. A child reads its trace id
 * and parent span id from its parent when asked. `recorded` says whether the span id is a real
 * span's (set by a tracer through `withTrace`, or given); outgoing headers of a context whose span
 * is not recorded carry a fresh parent id per call, as the spec's test suite expects.
 */
export class TraceFields {
  #correlationId: string | undefined;
  // A child's causation is its parent's correlation id, read (and so made) only when asked.
  #causationId: string | undefined;
  readonly #causedByParent: boolean;
  #traceId: string | undefined;
  #spanId: string | undefined;
  #parentSpanId: string | undefined;
  // The context this one was derived from, for ids not read yet.
  readonly #parent: TraceFields | undefined;
  readonly #traceIdGiven: boolean;
  #newTrace: boolean | undefined;
  // Untraced children without overrides are all alike: they share one (immutable) object.
  #plainChild: TraceFields | undefined;

  constructor(
    correlationId: string | undefined,
    causationId: string | undefined,
    traceId: string | undefined,
    spanId: string | undefined,
    parentSpanId: string | undefined,
    readonly traceFlags: number,
    readonly traceState: TraceState = TraceState.EMPTY,
    readonly recorded = false,
    parent?: TraceFields,
    causedByParent = false,
  ) {
    this.#correlationId = correlationId;
    this.#causationId = causationId;
    this.#causedByParent = causedByParent;
    this.#traceId = traceId;
    this.#traceIdGiven = traceId !== undefined;
    this.#spanId = spanId;
    this.#parentSpanId = parentSpanId;
    this.#parent = parent;
  }

  /** A root's is made on first read (a child's is its parent's): most runs never need one. */
  get correlationId(): string {
    this.#correlationId ??= this.#parent?.correlationId ?? randomUUID();
    return this.#correlationId;
  }

  /** The correlation id of the request that caused this one: a child's is its parent's. */
  get causationId(): string | undefined {
    if (this.#causedByParent && this.#causationId === undefined)
      this.#causationId = this.#parent?.correlationId;
    return this.#causationId;
  }

  /**
   * True when the trace started here: no trace id was given, received or set by a tracer, for
   * this context or the ones it derives from.
   */
  get isNewTrace(): boolean {
    if (this.#newTrace === undefined)
      this.#newTrace = this.#parent === undefined ? !this.#traceIdGiven : this.#parent.isNewTrace;
    return this.#newTrace;
  }

  /** The trace's id: given, inherited, or (for a root) made on first read. */
  get traceId(): string {
    this.#traceId ??= this.#parent?.traceId ?? newTraceId();
    return this.#traceId;
  }

  /** This context's span id: given, set by a tracer, or made on first read. */
  get spanId(): string {
    this.#spanId ??= newSpanId();
    return this.#spanId;
  }

  /** The parent span's id: given, or the span id of the context this one was derived from. */
  get parentSpanId(): string | undefined {
    if (this.#parentSpanId === undefined && this.#parent !== undefined)
      this.#parentSpanId = this.#parent.spanId;
    return this.#parentSpanId;
  }

  /** The parent id for one outgoing call: the span's own when recorded, else a fresh one. */
  outgoingParentId(): string {
    return this.recorded ? this.spanId : newSpanId();
  }

  /** A root context's, with nothing given (the hot path of a root `execute()`). */
  static root(): TraceFields {
    return new TraceFields(undefined, undefined, undefined, undefined, undefined, ROOT_FLAGS);
  }

  /** From validated init fields. */
  static fromInit(i: {
    correlationId?: unknown;
    causationId?: unknown;
    traceId?: unknown;
    spanId?: unknown;
    parentSpanId?: unknown;
    traceFlags?: unknown;
    traceState?: unknown;
  }): TraceFields {
    const traceId = optionalTraceId(i.traceId);
    const spanId = optionalSpanId('spanId', i.spanId);
    const flags =
      i.traceFlags === undefined && traceId === undefined
        ? ROOT_FLAGS // a trace id of our own making is random
        : traceFlags(i.traceFlags);
    return new TraceFields(
      correlationId(i.correlationId),
      optionalString('causationId', i.causationId),
      traceId,
      spanId,
      optionalSpanId('parentSpanId', i.parentSpanId),
      flags,
      traceStateOption(i.traceState),
      spanId !== undefined,
    );
  }

  /**
   * A child's: same request and trace; caused by this context's request unless told otherwise;
   * a new span under this one's.
   */
  child(o: {
    causationId?: unknown;
    spanId?: unknown;
    parentSpanId?: unknown;
    traceFlags?: unknown;
    traceState?: unknown;
  }): TraceFields {
    const plain =
      o.causationId === undefined &&
      o.spanId === undefined &&
      o.parentSpanId === undefined &&
      o.traceFlags === undefined &&
      o.traceState === undefined;
    if (plain && this.#plainChild !== undefined) return this.#plainChild;
    const spanId = o.spanId === undefined ? undefined : optionalSpanId('spanId', o.spanId);
    const child = new TraceFields(
      // The correlation id, and the causation taken from it, are read from this one when asked.
      undefined,
      o.causationId === undefined ? undefined : optionalString('causationId', o.causationId),
      this.#traceId,
      spanId,
      o.parentSpanId === undefined ? undefined : optionalSpanId('parentSpanId', o.parentSpanId),
      o.traceFlags === undefined ? this.traceFlags : traceFlags(o.traceFlags),
      o.traceState === undefined ? this.traceState : traceStateOption(o.traceState),
      spanId !== undefined,
      this,
      o.causationId === undefined,
    );
    // Plain children of one context are alike: they share one object (and so a span id, which
    // is never sent: outgoing headers of an unrecorded span use a fresh parent id).
    if (plain) this.#plainChild = child;
    return child;
  }

  /** The same request with other trace ids (a tracing hook's real span). */
  withTrace(t: {
    traceId: string;
    spanId: string;
    parentSpanId?: string | undefined;
    traceFlags?: number | undefined;
    traceState?: TraceState | undefined;
  }): TraceFields {
    // An id this context already holds was checked when it came in: a tracer's child span keeps
    // the trace id and names this context's span as its parent, so only its own id is new.
    return new TraceFields(
      this.correlationId,
      this.causationId,
      t.traceId === this.#traceId ? this.#traceId : optionalTraceId(t.traceId),
      optionalSpanId('spanId', t.spanId),
      t.parentSpanId === this.#spanId && t.parentSpanId !== undefined
        ? this.#spanId
        : optionalSpanId('parentSpanId', t.parentSpanId),
      t.traceFlags === undefined ? this.traceFlags : traceFlags(t.traceFlags),
      t.traceState ?? this.traceState,
      true,
    );
  }
}

// Sampled, and (Trace Context Level 2) the trace id is random.
const ROOT_FLAGS = 0x03;

function traceStateOption(value: unknown): TraceState {
  if (value === undefined) return TraceState.EMPTY;
  if (value instanceof TraceState) return value;
  if (typeof value === 'string') return TraceState.parse(value);
  throw new InvalidContextError({
    field: 'traceState',
    reason: 'must be a TraceState or a tracestate header string',
  });
}

/** True for a correlation id as accepted from headers: 1 to 256 visible ASCII characters. */
export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID.test(value);
}

function correlationId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isValidCorrelationId(value)) {
    throw new InvalidContextError({
      field: 'correlationId',
      reason: 'must be 1 to 256 visible ASCII characters',
    });
  }
  return value;
}
