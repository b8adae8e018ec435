/**
 * Limits from the W3C Baggage specification.
 *
 * @example
 * ```ts
 * if (Buffer.byteLength(header) > BAGGAGE_MAX_BYTES) console.warn('baggage header will be ignored');
 * ```
 */
export const BAGGAGE_MAX_BYTES = 8192;
/**
 * Members beyond this many are dropped (the spec requires at least 64 to be kept).
 *
 * @example
 * ```ts
 * const keep = Object.entries(baggage).slice(0, BAGGAGE_MAX_MEMBERS);
 * ```
 */
export const BAGGAGE_MAX_MEMBERS = 180;

// RFC 7230 token characters: the spec's grammar for a baggage key.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// baggage-octet: printable ASCII except space, double quote, comma, semicolon and backslash.
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True for a key that can be stored and sent as baggage (a token, not a prototype key).
 *
 * @example
 * ```ts
 * isValidBaggageKey('tenant'); // true
 * isValidBaggageKey('__proto__'); // false
 * ```
 */
export function isValidBaggageKey(key: string): boolean {
  return TOKEN.test(key) && !FORBIDDEN_KEYS.has(key);
}

function safeEncode(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * Parses a W3C `baggage` header into a plain record. Invalid members are skipped one by one
 * (as the spec allows); a header over 8192 bytes is ignored entirely; member properties
 * (`;key=value` after a value) are dropped. Keys `__proto__`, `constructor` and `prototype`
 * are ignored so a header can never touch a prototype.
 *
 * @example
 * ```ts
 * parseBaggage('tenant=acme,plan=pro%20plus'); // { tenant: 'acme', plan: 'pro plus' }
 * ```
 */
export function parseBaggage(header: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof header !== 'string' || Buffer.byteLength(header) > BAGGAGE_MAX_BYTES) return result;
  let members = 0;
  for (const raw of header.split(',')) {
    if (members >= BAGGAGE_MAX_MEMBERS) break;
    const member = raw.split(';', 1)[0]?.trim() ?? '';
    const eq = member.indexOf('=');
    if (eq <= 0) continue;
    const key = member.slice(0, eq).trim();
    const encoded = member.slice(eq + 1).trim();
    if (!isValidBaggageKey(key) || !VALUE.test(encoded)) continue;
    const value = safeDecode(encoded);
    if (value === undefined) continue;
    Object.defineProperty(result, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    members++;
  }
  return result;
}

/**
 * Formats a record as a W3C `baggage` header, percent-encoding values. Members with an
 * invalid key are skipped, and members that would push the header past 8192 bytes or
 * 180 members are dropped. Returns `undefined` when nothing is left.
 *
 * @example
 * ```ts
 * formatBaggage({ tenant: 'acme', plan: 'pro plus' }); // 'tenant=acme,plan=pro%20plus'
 * ```
 */
export function formatBaggage(baggage: Readonly<Record<string, string>>): string | undefined {
  let header = '';
  let members = 0;
  for (const [key, value] of Object.entries(baggage)) {
    if (members >= BAGGAGE_MAX_MEMBERS) break;
    if (!isValidBaggageKey(key) || typeof value !== 'string') continue;
    const encoded = safeEncode(value);
    if (encoded === undefined) continue; // not valid Unicode: contexts refuse it, skip defensively
    const member = `${key}=${encoded}`;
    const next = header === '' ? member : `${header},${member}`;
    if (Buffer.byteLength(next) > BAGGAGE_MAX_BYTES) continue;
    header = next;
    members++;
  }
  return header === '' ? undefined : header;
}
