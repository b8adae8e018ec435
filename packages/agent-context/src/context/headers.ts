import { formatBaggage, parseBaggage } from '../propagation/baggage.js';
import { type HeaderCarrier, type PropagationHeaders, readHeader } from '../propagation/headers.js';
import { formatTraceparent, parseTraceparent } from '../propagation/traceparent.js';
import { isValidCorrelationId } from './trace-fields.js';
import type { WorkflowContextInit, WorkflowContextOverrides } from './types.js';

/** The headers a context sends downstream (see `WorkflowContext.toHeaders`). */
export function contextHeaders(ctx: {
  readonly correlationId: string;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly traceFlags: number;
  readonly baggage: Record<string, string>;
}): PropagationHeaders {
  const headers: PropagationHeaders = { 'x-correlation-id': ctx.correlationId };
  if (ctx.traceId !== undefined && ctx.spanId !== undefined) {
    headers.traceparent = formatTraceparent({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      traceFlags: ctx.traceFlags,
    });
  }
  const baggage = formatBaggage(ctx.baggage);
  if (baggage !== undefined) headers.baggage = baggage;
  return headers;
}

/**
 * What a context for incoming work is made from. Invalid headers are ignored as the W3C specs
 * require: a bad `traceparent` starts no trace, bad baggage members are skipped, a bad
 * correlation id is replaced with a new one.
 */
export function initFromHeaders(
  headers: HeaderCarrier,
  init: WorkflowContextOverrides | undefined,
): WorkflowContextInit {
  const traceparentHeader = readHeader(headers, 'traceparent');
  const parent =
    typeof traceparentHeader === 'string' ? parseTraceparent(traceparentHeader) : undefined;
  const baggage = parseBaggage(joinedHeader(headers, 'baggage'));
  const correlationHeader = readHeader(headers, 'x-correlation-id');
  return {
    ...init,
    correlationId: isValidCorrelationId(correlationHeader) ? correlationHeader : undefined,
    traceId: parent?.traceId,
    parentSpanId: parent?.spanId ?? init?.parentSpanId,
    traceFlags: parent?.traceFlags ?? init?.traceFlags,
    baggage: { ...baggage, ...init?.baggage },
  };
}

/**
 * A header that may repeat, as one comma-joined string. Values of the wrong type (from plain
 * JavaScript or decoded JSON) are ignored, as the specs ask for anything invalid.
 */
function joinedHeader(headers: HeaderCarrier, name: string): string | undefined {
  const value = readHeader(headers, name);
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const parts = value.filter((v): v is string => typeof v === 'string');
  return parts.length === 0 ? undefined : parts.join(',');
}
