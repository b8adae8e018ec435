import { formatBaggage, parseBaggage } from '../propagation/baggage.js';
import { type HeaderCarrier, type PropagationHeaders, readHeader } from '../propagation/headers.js';
import { formatTraceparent, parseTraceparent } from '../propagation/traceparent.js';
import { TraceState } from '../propagation/tracestate.js';
import { isValidCorrelationId, type TraceFields } from './trace-fields.js';
import type { WorkflowContextInit, WorkflowContextOverrides } from './types.js';

/** The headers a context sends downstream (see `WorkflowContext.toHeaders`). */
export function contextHeaders(
  trace: TraceFields,
  baggageRecord: Readonly<Record<string, string>>,
): PropagationHeaders {
  const headers: PropagationHeaders = {
    'x-correlation-id': trace.correlationId,
    traceparent: formatTraceparent({
      traceId: trace.traceId,
      spanId: trace.outgoingParentId(),
      traceFlags: trace.traceFlags,
    }),
  };
  const state = trace.traceState.toString();
  if (state !== '') headers.tracestate = state;
  const baggage = formatBaggage(baggageRecord);
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
  const parent = parseTraceparent(singleHeader(headers, 'traceparent'));
  const baggage = parseBaggage(joinedHeader(headers, 'baggage'));
  const correlationHeader = singleHeader(headers, 'x-correlation-id');
  return {
    ...init,
    correlationId: isValidCorrelationId(correlationHeader) ? correlationHeader : undefined,
    traceId: parent?.traceId,
    parentSpanId: parent?.spanId ?? init?.parentSpanId,
    traceFlags: parent?.traceFlags ?? init?.traceFlags,
    // A tracestate only means something with the traceparent it came with.
    traceState:
      parent === undefined ? init?.traceState : TraceState.parse(readHeader(headers, 'tracestate')),
    baggage: { ...baggage, ...init?.baggage },
  };
}

/** A header that must not repeat: its one value, or undefined (repeated or wrong-typed). */
function singleHeader(headers: HeaderCarrier, name: string): string | undefined {
  const value = readHeader(headers, name);
  if (typeof value === 'string') return value;
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string'
    ? value[0]
    : undefined;
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
