import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileStore, InMemoryStore } from '../src/index.js';
import { storeContract } from './store-contract.js';

// Its data never leaves the process, so there is nothing to corrupt behind its back.
storeContract('InMemoryStore', async () => ({
  store: new InMemoryStore(),
  cleanup: async () => {},
}));

describe('FileStore', () => {
  storeContract('FileStore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tta-file-store-'));
    const store = new FileStore({ dir: join(dir, 'nested', 'store') });
    return {
      store,
      corrupt: async (key, text) => {
        const [file] = (await readdir(store.dir)).filter(
          (n) => n.startsWith('k-') && decodeURIComponent(n.slice(2, -5)) === key,
        );
        await writeFile(join(store.dir, file as string), text);
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  });

  it('a crash in the middle of writing never leaves a half-written file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tta-crash-'));
    try {
      const writer = fileURLToPath(new URL('./fixtures/file-store-writer.ts', import.meta.url));
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 150 + round * 50));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        const value = await new FileStore({ dir }).get<{ i: number; big: string }>('doc');
        if (value !== undefined) expect(value.big).toHaveLength(512 * 1024);
      }
      // Temp files a crash leaves behind are not keys.
      expect(await new FileStore({ dir }).keys()).toEqual(['doc']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('rejects an empty directory option', () => {
    expect(() => new FileStore({ dir: '' })).toThrow(TypeError);
  });

  it('skips foreign files in its directory instead of throwing (issue 12, item 12)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tta-foreign-'));
    try {
      const store = new FileStore({ dir });
      await store.set('mine', 1);
      await writeFile(join(dir, `h-${'0'.repeat(64)}.json`), '{not json');
      await writeFile(join(dir, 'k-%E0%A4%A.json'), '{}');
      await writeFile(join(dir, 'k-a%00b.json'), '{}');
      await writeFile(join(dir, 'k-stranger.json'), '{"value":1}');
      await writeFile(join(dir, 'notes.txt'), 'hello');
      expect(await store.keys()).toEqual(['mine']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
