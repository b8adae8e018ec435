import { randomFillSync } from 'node:crypto';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * True for a W3C trace id: 32 lowercase hex digits, not all zero.
 *
 * @example
 * ```ts
 * isValidTraceId('4bf92f3577b34da6a3ce929d0e0e4736'); // true
 * ```
 */
export function isValidTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value) && value !== ZERO_TRACE_ID;
}

/**
 * True for a W3C span (parent) id: 16 lowercase hex digits, not all zero.
 *
 * @example
 * ```ts
 * isValidSpanId('00f067aa0ba902b7'); // true
 * ```
 */
export function isValidSpanId(value: unknown): value is string {
  return typeof value === 'string' && SPAN_ID.test(value) && value !== ZERO_SPAN_ID;
}

// One pooled buffer: ids are generated often and crypto calls are the expensive part.
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/**
 * A new random W3C trace id (32 hex digits).
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ traceId: newTraceId() });
 * ```
 */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === ZERO_TRACE_ID ? newTraceId() : id;
}

/**
 * A new random W3C span id (16 hex digits).
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ traceId: newTraceId(), spanId: newSpanId() });
 * ```
 */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN_ID ? newSpanId() : id;
}
