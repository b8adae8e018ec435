import { StoreDataError } from '../errors/store-data-error.js';
import type { StoreSetOptions } from './context-store.js';

const FORMAT = 'tta.store/1';
const KEY = /^[\x21-\x7e]{1,512}$/;

/**
 * Checks a store key: 1 to 512 visible ASCII characters (a `TypeError` otherwise). For authors of
 * `ContextStore`s.
 *
 * @example
 * ```ts
 * const key = checkStoreKey('MyStore', `session:${id}`); // throws a TypeError for bad keys
 * ```
 */
export function checkStoreKey(owner: string, key: unknown): string {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new TypeError(
      `${owner}: keys must be 1 to 512 visible ASCII characters (got ${JSON.stringify(key)})`,
    );
  }
  return key;
}

function expiry(owner: string, options: StoreSetOptions | undefined): number | undefined {
  const ttl = options?.ttlMs;
  if (ttl === undefined) return undefined;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new RangeError(`${owner}: ttlMs must be a finite number > 0`);
  }
  return Date.now() + ttl;
}

/**
 * Serializes a value in the stores' versioned envelope; non-JSON values are a `TypeError`. For store authors.
 *
 * @example
 * ```ts
 * await db.put(key, encodeStoreEntry('MyStore', key, value, { ttlMs: 60_000 }));
 * ```
 */
export function encodeStoreEntry(
  owner: string,
  key: string,
  value: unknown,
  options?: StoreSetOptions,
): string {
  const expiresAt = expiry(owner, options);
  let text: string | undefined;
  try {
    text = JSON.stringify({
      format: FORMAT,
      key,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      value,
    });
  } catch (error) {
    throw new TypeError(`${owner}: the value for "${key}" is not JSON-serializable`, {
      cause: error,
    });
  }
  if (value === undefined || text === undefined)
    throw new TypeError(`${owner}: cannot store undefined under "${key}"`);
  return text;
}

/**
 * Reads an envelope: the value and whether it expired. Anything else is a `StoreDataError`. For store authors.
 *
 * @example
 * ```ts
 * const { value, expired } = decodeStoreEntry<Session>(key, await db.get(key));
 * ```
 */
export function decodeStoreEntry<T>(key: string, text: string): { value: T; expired: boolean } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StoreDataError({ key, reason: 'it is not JSON' }, { cause: error });
  }
  if (
    typeof data !== 'object' ||
    data === null ||
    (data as { format?: unknown }).format !== FORMAT
  ) {
    throw new StoreDataError({ key, reason: `it lacks the "${FORMAT}" envelope` });
  }
  const envelope = data as { key?: unknown; expiresAt?: unknown; value?: unknown };
  if (envelope.key !== key)
    throw new StoreDataError({ key, reason: `it belongs to key "${String(envelope.key)}"` });
  if (!('value' in envelope)) throw new StoreDataError({ key, reason: 'it has no value' });
  if (envelope.expiresAt !== undefined && typeof envelope.expiresAt !== 'number') {
    throw new StoreDataError({ key, reason: 'its expiry is not a number' });
  }
  const expired = typeof envelope.expiresAt === 'number' && Date.now() >= envelope.expiresAt;
  return { value: envelope.value as T, expired };
}
