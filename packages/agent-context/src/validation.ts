import { AbortScope } from './abort-scope.js';
import { InvalidContextError } from './errors/invalid-context-error.js';
import { isValidBaggageKey } from './propagation/baggage.js';
import { isValidSpanId, isValidTraceId } from './propagation/ids.js';

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidContextError({ field, reason: 'must be a non-empty string' });
  }
  return value;
}

export function optionalTraceId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isValidTraceId(value))
    throw new InvalidContextError({
      field: 'traceId',
      reason: 'must be 32 lowercase hex digits, not all zero',
    });
  return value;
}

export function optionalSpanId(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isValidSpanId(value))
    throw new InvalidContextError({
      field,
      reason: 'must be 16 lowercase hex digits, not all zero',
    });
  return value;
}

export function traceFlags(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
    throw new InvalidContextError({
      field: 'traceFlags',
      reason: 'must be an integer from 0 to 255',
    });
  }
  return value;
}

export function optionalTime(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidContextError({
      field,
      reason: 'must be a finite number of epoch milliseconds',
    });
  }
  return value;
}

export function record(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainRecord(value))
    throw new InvalidContextError({ field, reason: 'must be a plain object' });
  return Object.fromEntries(Object.entries(value));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function stringRecord(
  field: string,
  value: unknown,
  keysMustBeTokens: boolean,
): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainRecord(value))
    throw new InvalidContextError({ field, reason: 'must be a plain object of strings' });
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw new InvalidContextError({ field: `${field}.${key}`, reason: 'must be a string' });
    if (keysMustBeTokens && !isValidBaggageKey(key)) {
      throw new InvalidContextError({
        field: `${field}.${key}`,
        reason: 'is not a valid W3C baggage key',
      });
    }
    // Baggage is percent-encoded as UTF-8 on every outgoing call: a lone surrogate has no UTF-8
    // form, so it is refused here rather than failing each call later.
    if (keysMustBeTokens && LONE_SURROGATE.test(entry)) {
      throw new InvalidContextError({
        field: `${field}.${key}`,
        reason: 'contains a lone UTF-16 surrogate (not valid Unicode text)',
      });
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

export function optionalSignal(value: unknown): AbortSignal | AbortScope | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal) && !(value instanceof AbortScope)) {
    throw new InvalidContextError({
      field: 'signal',
      reason: 'must be an AbortSignal or an AbortScope',
    });
  }
  return value;
}
