// How durable runs store values: JSON, plus the types JSON loses, as tagged objects
// (`{ "$tta": "Date", "v": "2026-…" }`). A plain object that happens to have a `$tta` key is
// wrapped too, so decoding is never ambiguous. Anything else fails at once, naming what it is.

/**
 * Turns values into text and back for the journal. The default is {@link JSON_CODEC}; pass your
 * own (superjson, devalue…) to `durable()`.
 *
 * @example
 * ```ts
 * const text = JSON_CODEC.encode({ at: new Date(), ids: new Set([1n]) });
 * JSON_CODEC.decode(text); // the same Date and Set of BigInt
 * ```
 */
export interface DurableCodec {
  /** Text for a value; throws a `TypeError` saying what cannot be stored. */
  encode(value: unknown): string;
  /** The value back; throws a `TypeError` for text it did not write. */
  decode(text: string): unknown;
}

const TAG = '$tta';
// Deep enough for any real value, shallow enough that the walk cannot overflow the stack.
const MAX_DEPTH = 500;

type Tagged = { [TAG]: string; v?: unknown };

function encodeValue(value: unknown, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAG]: 'Number', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { [TAG]: 'BigInt', v: value.toString() };
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'object':
      return value === null ? null : encodeObject(value, seen);
    default:
      throw new TypeError(`a ${typeof value} cannot be stored`);
  }
}

function encodeObject(value: object, seen: Set<object>): unknown {
  if (seen.has(value))
    throw new TypeError('a value that contains itself (a cycle) cannot be stored');
  if (seen.size >= MAX_DEPTH)
    throw new TypeError(`a value nested more than ${MAX_DEPTH} deep cannot be stored`);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => encodeValue(item, seen));
    if (value instanceof Date)
      return { [TAG]: 'Date', v: Number.isNaN(value.getTime()) ? null : value.toISOString() };
    if (value instanceof Map)
      return {
        [TAG]: 'Map',
        v: [...value].map(([k, v]) => [encodeValue(k, seen), encodeValue(v, seen)]),
      };
    if (value instanceof Set)
      return { [TAG]: 'Set', v: [...value].map((v) => encodeValue(v, seen)) };
    if (value instanceof Error) return encodeError(value, seen);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw new TypeError(`a ${proto?.constructor?.name ?? 'class'} instance cannot be stored`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      define(out, key, encodeValue((value as Record<string, unknown>)[key], seen));
    return Object.hasOwn(value, TAG) ? { [TAG]: 'Object', v: out } : out;
  } finally {
    seen.delete(value);
  }
}

function encodeError(error: Error, seen: Set<object>): Tagged {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if (typeof error.stack === 'string') fields.stack = error.stack;
  // Own enumerable data (a TtaError's code and details) travels with it; what cannot be stored is left out.
  for (const key of Object.keys(error)) {
    try {
      fields[key] = encodeValue((error as unknown as Record<string, unknown>)[key], seen);
    } catch {
      // A detail that cannot be stored does not stop the error itself from being recorded.
    }
  }
  if (error.cause !== undefined) {
    try {
      fields.cause = encodeValue(error.cause, seen);
    } catch {
      // As above.
    }
  }
  return { [TAG]: 'Error', v: fields };
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, TAG)) return decodePlain(record);
  const v = record.v;
  switch (record[TAG]) {
    case 'undefined':
      return undefined;
    case 'Number':
      return Number(v);
    case 'BigInt':
      if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new TypeError('bad BigInt');
      return BigInt(v);
    case 'Date':
      if (v !== null && typeof v !== 'string') throw new TypeError('bad Date');
      return new Date(v === null ? Number.NaN : v);
    case 'Map':
      if (!Array.isArray(v)) throw new TypeError('bad Map');
      return new Map(
        v.map((entry) => {
          if (!Array.isArray(entry) || entry.length !== 2) throw new TypeError('bad Map entry');
          return [decodeValue(entry[0]), decodeValue(entry[1])] as const;
        }),
      );
    case 'Set':
      if (!Array.isArray(v)) throw new TypeError('bad Set');
      return new Set(v.map(decodeValue));
    case 'Error':
      return decodeError(v);
    case 'Object':
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new TypeError('bad Object');
      return decodePlain(v as Record<string, unknown>);
    default:
      throw new TypeError(`unknown tag ${JSON.stringify(record[TAG])}`);
  }
}

function decodePlain(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) define(out, key, decodeValue(record[key]));
  return out;
}

// Keys such as `__proto__` are data here: set as own properties, never a prototype change.
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function decodeError(v: unknown): Error {
  if (typeof v !== 'object' || v === null) throw new TypeError('bad Error');
  const fields = decodeValue(v) as Record<string, unknown>;
  const error = new Error(typeof fields.message === 'string' ? fields.message : '');
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'message') continue;
    Object.defineProperty(error, key, {
      value,
      enumerable: key !== 'stack' && key !== 'name' && key !== 'cause',
      writable: true,
      configurable: true,
    });
  }
  return error;
}

/**
 * The default codec: JSON, plus `undefined`, `NaN`/`±Infinity`/`-0`, `BigInt`, `Date`, `Map`,
 * `Set` and `Error` (name, message, stack, cause and own data such as a `TtaError`'s `code`; it
 * comes back as an `Error` with those fields, not as its original class).
 *
 * @example
 * ```ts
 * durable(workflow, { name: 'expense', store, codec: JSON_CODEC }); // the default
 * ```
 */
export const JSON_CODEC: DurableCodec = Object.freeze({
  encode(value: unknown): string {
    return JSON.stringify(encodeValue(value, new Set()));
  },
  decode(text: string): unknown {
    return decodeValue(JSON.parse(text));
  },
});
