import { randomUUID } from 'node:crypto';
import { InvalidContextError } from '../errors/invalid-context-error.js';
import { newSpanId } from '../propagation/ids.js';
import { optionalSpanId, optionalString, optionalTraceId, traceFlags } from '../validation.js';

const CORRELATION_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * Where a context sits in the request and its trace: the fields that travel in headers. Contexts
 * that only change cancellation share this object (so a lazily made correlation id is shared too).
 */
export class TraceFields {
  #correlationId: string | undefined;
  // Untraced children without overrides are all alike: they share one (immutable) object.
  #plainChild: TraceFields | undefined;

  constructor(
    correlationId: string | undefined,
    readonly causationId: string | undefined,
    readonly traceId: string | undefined,
    readonly spanId: string | undefined,
    readonly parentSpanId: string | undefined,
    readonly traceFlags: number,
  ) {
    this.#correlationId = correlationId;
  }

  /** Made on first read: most contexts inside a workflow never need their own. */
  get correlationId(): string {
    this.#correlationId ??= randomUUID();
    return this.#correlationId;
  }

  /** From validated init fields: a new span id when there is a trace id and none was given. */
  static fromInit(i: {
    correlationId?: unknown;
    causationId?: unknown;
    traceId?: unknown;
    spanId?: unknown;
    parentSpanId?: unknown;
    traceFlags?: unknown;
  }): TraceFields {
    const traceId = optionalTraceId(i.traceId);
    return new TraceFields(
      correlationId(i.correlationId),
      optionalString('causationId', i.causationId),
      traceId,
      optionalSpanId('spanId', i.spanId) ?? (traceId === undefined ? undefined : newSpanId()),
      optionalSpanId('parentSpanId', i.parentSpanId),
      traceFlags(i.traceFlags),
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
  }): TraceFields {
    const plain =
      this.traceId === undefined &&
      o.causationId === undefined &&
      o.spanId === undefined &&
      o.parentSpanId === undefined &&
      o.traceFlags === undefined;
    if (plain && this.#plainChild !== undefined) return this.#plainChild;
    const child = new TraceFields(
      this.correlationId,
      o.causationId === undefined
        ? this.correlationId
        : optionalString('causationId', o.causationId),
      this.traceId,
      o.spanId === undefined
        ? this.traceId === undefined
          ? undefined
          : newSpanId()
        : optionalSpanId('spanId', o.spanId),
      o.parentSpanId === undefined ? this.spanId : optionalSpanId('parentSpanId', o.parentSpanId),
      o.traceFlags === undefined ? this.traceFlags : traceFlags(o.traceFlags),
    );
    if (plain) this.#plainChild = child;
    return child;
  }

  /** The same request with other trace ids (a tracing hook's real span). */
  withTrace(t: {
    traceId: string;
    spanId: string;
    parentSpanId?: string | undefined;
    traceFlags?: number | undefined;
  }): TraceFields {
    return new TraceFields(
      this.correlationId,
      this.causationId,
      optionalTraceId(t.traceId),
      optionalSpanId('spanId', t.spanId),
      optionalSpanId('parentSpanId', t.parentSpanId),
      t.traceFlags === undefined ? this.traceFlags : traceFlags(t.traceFlags),
    );
  }
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
