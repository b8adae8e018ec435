import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
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
      await rm(path, { force: true });
      return undefined;
    }
    return value;
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
      let key: string;
      if (name.startsWith('k-')) key = decodeURIComponent(name.slice(2, -SUFFIX.length));
      else {
        // Hashed names keep their key inside the file.
        const text = await readFile(join(this.dir, name), 'utf8').catch(() => undefined);
        const stored = text === undefined ? undefined : (JSON.parse(text) as { key?: unknown }).key;
        if (typeof stored !== 'string') continue;
        key = stored;
      }
      if (key.startsWith(prefix) && (await this.get(key)) !== undefined) keys.push(key);
    }
    return keys.sort();
  }
}
