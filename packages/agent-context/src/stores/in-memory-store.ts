import type { ContextStore, StoreSetOptions } from './context-store.js';
import { checkStoreKey, decodeStoreEntry, encodeStoreEntry } from './envelope.js';

/**
 * The default store: a `Map` in this process. Values are kept as JSON, so what you read back is a
 * copy (never shared with the writer) and non-JSON values are refused, exactly as with the other stores.
 *
 * @example
 * ```ts
 * const store = new InMemoryStore();
 * await store.set('session:s-1', { step: 2 }, { ttlMs: 3_600_000 });
 * ```
 */
export class InMemoryStore implements ContextStore {
  readonly #entries = new Map<string, string>();

  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkStoreKey('InMemoryStore', key);
    const text = this.#entries.get(key);
    if (text === undefined) return undefined;
    const { value, expired } = decodeStoreEntry<T>(key, text);
    if (expired) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    checkStoreKey('InMemoryStore', key);
    this.#entries.set(key, encodeStoreEntry('InMemoryStore', key, value, options));
  }

  async delete(key: string): Promise<boolean> {
    checkStoreKey('InMemoryStore', key);
    return this.#entries.delete(key);
  }

  async keys(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    for (const [key, text] of this.#entries) {
      if (!key.startsWith(prefix)) continue;
      if (decodeStoreEntry(key, text).expired) this.#entries.delete(key);
      else keys.push(key);
    }
    return keys.sort();
  }
}
