/**
 * A deterministic, injective text encoding of a value, for cache keys: object key order does not
 * matter, and different values never share an encoding (`1` vs `"1"`, `{}` vs `{ a: undefined }`,
 * `-0` vs `0`, a `Map` vs an object). Supports primitives (bigint included), arrays, plain objects,
 * `Date`, `Map`, `Set` (order-insensitive), `Uint8Array`, and objects with `toJSON()`. Throws a
 * `TypeError` for functions, symbols, other class instances, cycles and values nested more than
 * 500 deep: pass a `key` function then.
 *
 * @example
 * ```ts
 * stableKey({ b: 1, a: [true, 'x'] }) === stableKey({ a: [true, 'x'], b: 1 }); // true
 * ```
 */
export function stableKey(value: unknown): string {
  // The common inputs (a prompt string, a number) skip the walk and its cycle set.
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' && typeof value !== 'function') return encode(value, NO_SEEN);
  return encode(value, new Set());
}

// Primitives never reach the cycle set: one shared empty set for them.
const NO_SEEN: Set<object> = new Set();

function encode(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? 'n-0' : `n${value}`;
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      return value === null ? 'z' : encodeObject(value, seen);
    default:
      throw new TypeError(
        `stableKey: cannot derive a key from a ${typeof value}; pass a key function`,
      );
  }
}

// Deep enough for any real input, shallow enough that the walk cannot overflow the stack.
const MAX_DEPTH = 500;

function encodeObject(value: object, seen: Set<object>): string {
  if (seen.has(value))
    throw new TypeError('stableKey: cannot derive a key from a cyclic value; pass a key function');
  // `seen` holds exactly the objects being walked: its size is the depth.
  if (seen.size >= MAX_DEPTH)
    throw new TypeError(
      `stableKey: the value is nested more than ${MAX_DEPTH} deep; pass a key function`,
    );
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++)
        out += `${i === 0 ? '' : ','}${encode(value[i], seen)}`;
      return `${out}]`;
    }
    if (value instanceof Date)
      return `D${Number.isNaN(value.getTime()) ? 'NaN' : value.toISOString()}`;
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `${encode(k, seen)}=>${encode(v, seen)}`).sort();
      return `M{${entries.join(',')}}`;
    }
    if (value instanceof Set)
      return `S[${[...value]
        .map((v) => encode(v, seen))
        .sort()
        .join(',')}]`;
    if (value instanceof Uint8Array)
      return `U${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const keys = Object.keys(value).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${encode((value as Record<string, unknown>)[key], seen)}`;
      }
      return `${out}}`;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return `J${encode(toJSON.call(value), seen)}`;
    throw new TypeError(
      `stableKey: cannot derive a key from a ${proto?.constructor?.name ?? 'object'} instance; pass a key function`,
    );
  } finally {
    seen.delete(value);
  }
}
