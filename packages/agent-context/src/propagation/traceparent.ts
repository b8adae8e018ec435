import { isValidSpanId, isValidTraceId } from './ids.js';

/**
 * The fields of a W3C `traceparent` header.
 *
 * @example
 * ```ts
 * const parent = parseTraceparent(req.headers.traceparent as string); // { traceId, spanId, traceFlags } | undefined
 * ```
 */
export interface TraceParent {
  traceId: string;
  /** The caller's span id (the header's `parent-id`). */
  spanId: string;
  traceFlags: number;
}

// version "-" trace-id "-" parent-id "-" trace-flags: 55 characters; a future version may add
// "-" and more after them, which this version ignores.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;
const OWS = /^[ \t]+|[ \t]+$/g;

/**
 * The trace-flag bits this implementation knows: sampled (`0x01`) and Level 2's random trace id
 * (`0x02`). The others are reserved and are zeroed when a `traceparent` is read, as the spec
 * requires.
 *
 * @example
 * ```ts
 * const sampled = (ctx.traceFlags & 0x01) === 1;
 * ```
 */
export const KNOWN_TRACE_FLAGS = 0x03;

/**
 * Parses a W3C `traceparent` header (Trace Context Level 2). Returns `undefined` for anything
 * invalid: wrong shape, upper case, version `ff`, all-zero ids, data after the flags on version
 * `00`, or a future version whose 56th character is not `-`. Spaces and tabs around the value are
 * allowed; reserved flag bits are zeroed.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * // { traceId: '4bf9…', spanId: '00f0…', traceFlags: 1 }
 * ```
 */
export function parseTraceparent(header: string | undefined): TraceParent | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const value = header.replace(OWS, '');
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match;
  if (version === 'ff') return undefined;
  if (version === '00' ? value.length !== 55 : value.length > 55 && value[55] !== '-')
    return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId) || flags === undefined) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & KNOWN_TRACE_FLAGS };
}

/**
 * Formats a version-00 `traceparent` header (reserved flag bits zeroed).
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId, spanId, traceFlags: 1 }); // '00-<traceId>-<spanId>-01'
 * ```
 */
export function formatTraceparent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-0${(parent.traceFlags & KNOWN_TRACE_FLAGS).toString(16)}`;
}
