import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContextStore, StoreSetOptions } from './context-store.js';
import { checkStoreKey, decodeStoreEntry, encodeStoreEntry } from './envelope.js';

/**
 * Options of {@link FileStore}.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: join(dataDir, 'sessions') });
 * ```
 */
export interface FileStoreOptions {
  /** The directory holding one JSON file per key (created if missing). Required. */
  dir: string;
}

const SUFFIX = '.json';
const TEMP_PREFIX = '.tmp-';

/** A file name for a key: percent-encoded (no `/`, so no path traversal), hashed when too long. */
function fileName(key: string): string {
  const encoded = encodeURIComponent(key).replaceAll('*', '%2A');
  return encoded.length <= 200
    ? `k-${encoded}${SUFFIX}`
    : `h-${createHash('sha256').update(key).digest('hex')}${SUFFIX}`;
}

/**
 * Keeps each key in its own JSON file in a directory. Writes are atomic: the data goes to a temp
 * file that is flushed to disk and then renamed over the old one, so a crash leaves the old value
 * or the new one, never half of either. Files that are not valid entries are reported as
 * `StoreDataError`, never skipped.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: './data/sessions' });
 * await store.set(`conversation:${sessionId}`, memory.toJSON());
 * ```
 */
export class FileStore implements ContextStore {
  readonly dir: string;
  #ready: Promise<void> | undefined;

  constructor(options: FileStoreOptions) {
    if (typeof options?.dir !== 'string' || options.dir.length === 0) {
      throw new TypeError('FileStore: dir must be a non-empty path');
    }
    this.dir = options.dir;
  }

  #ensureDir(): Promise<void> {
    this.#ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.#ready;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkStoreKey('FileStore', key);
    const path = join(this.dir, fileName(key));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const { value, expired } = decodeStoreEntry<T>(key, text);
    if (expired) {
      await this.#removeIfUnchanged(path, text);
      return undefined;
    }
    return value;
  }

  /**
   * Removes an expired entry, but never a newer write that landed since it was read: the file is
   * moved aside atomically, and put back if it is not the entry that expired.
   */
  async #removeIfUnchanged(path: string, expiredText: string): Promise<void> {
    const aside = join(this.dir, `${TEMP_PREFIX}expired-${randomBytes(8).toString('hex')}`);
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readFile(aside, 'utf8').catch(() => undefined);
    if (moved !== expiredText) {
      // A newer write: restore it, unless an even newer one has taken its place meanwhile.
      await link(aside, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
    await rm(aside, { force: true });
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    checkStoreKey('FileStore', key);
    const text = encodeStoreEntry('FileStore', key, value, options);
    await this.#ensureDir();
    const temp = join(this.dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, join(this.dir, fileName(key)));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    checkStoreKey('FileStore', key);
    try {
      await rm(join(this.dir, fileName(key)));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async keys(prefix = ''): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const keys: string[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith(TEMP_PREFIX)) continue;
      const key = await this.#keyOf(name);
      if (key === undefined || !key.startsWith(prefix)) continue;
      // Foreign or corrupt files in the directory are skipped: they are not entries of ours.
      const live = await this.get(key).then(
        (value) => value !== undefined,
        () => false,
      );
      if (live) keys.push(key);
    }
    return keys.sort();
  }

  /** The key a file holds, or `undefined` for a file that is not one of this store's entries. */
  async #keyOf(name: string): Promise<string | undefined> {
    try {
      if (name.startsWith('k-')) {
        const key = decodeURIComponent(name.slice(2, -SUFFIX.length));
        checkStoreKey('FileStore', key);
        return fileName(key) === name ? key : undefined;
      }
      if (!name.startsWith('h-')) return undefined;
      // Hashed names keep their key inside the file.
      const stored = (JSON.parse(await readFile(join(this.dir, name), 'utf8')) as { key?: unknown })
        .key;
      return typeof stored === 'string' && fileName(stored) === name ? stored : undefined;
    } catch {
      return undefined;
    }
  }
}
