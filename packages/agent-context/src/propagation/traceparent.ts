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

// version "-" trace-id "-" parent-id "-" trace-flags, then (future versions only) "-" more.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a W3C `traceparent` header (Trace Context level 1). Returns `undefined` for anything
 * invalid: wrong shape, upper case, version `ff`, all-zero ids, or extra data on version `00`.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * // { traceId: '4bf9…', spanId: '00f0…', traceFlags: 1 }
 * ```
 */
export function parseTraceparent(header: string | undefined): TraceParent | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId) || flags === undefined) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/**
 * Formats a version-00 `traceparent` header.
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId, spanId, traceFlags: 1 }); // '00-<traceId>-<spanId>-01'
 * ```
 */
export function formatTraceparent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-${(parent.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
