import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ContextStore, StoreDataError } from '../src/index.js';

/**
 * The behaviour every ContextStore promises. `corrupt(key, text)` writes raw data behind the store's
 * back, for stores whose data lives outside the process (files, Redis).
 */
export function storeContract(
  name: string,
  make: () => Promise<{
    store: ContextStore;
    corrupt?: (key: string, text: string) => Promise<void>;
    cleanup: () => Promise<void>;
  }>,
) {
  describe(`${name} (ContextStore contract)`, () => {
    let env: Awaited<ReturnType<typeof make>>;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(async () => {
      vi.useRealTimers();
      await env.cleanup();
    });

    it('stores, reads back copies of, lists and deletes JSON values', async () => {
      const value = { user: 'ana', turns: [1, 2], nested: { ok: true } };
      await env.store.set('session:s-1', value);
      await env.store.set('session:s-2', 'two');
      await env.store.set('memory:a/b.c', 42);
      const read = await env.store.get<typeof value>('session:s-1');
      expect(read).toEqual(value);
      expect(read).not.toBe(value);
      expect(await env.store.keys('session:')).toEqual(['session:s-1', 'session:s-2']);
      expect(await env.store.keys()).toEqual(['memory:a/b.c', 'session:s-1', 'session:s-2']);
      expect(await env.store.delete('session:s-1')).toBe(true);
      expect(await env.store.delete('session:s-1')).toBe(false);
      expect(await env.store.get('session:s-1')).toBeUndefined();
      expect(await env.store.get('memory:a/b.c')).toBe(42);
    });

    it('overwrites, and keeps keys that look like paths or patterns apart', async () => {
      await env.store.set('../../etc/passwd', 'safe');
      await env.store.set('k*', 1);
      await env.store.set('k1', 2);
      await env.store.set('k*', 3);
      expect(await env.store.get('../../etc/passwd')).toBe('safe');
      expect(await env.store.keys('k*')).toEqual(['k*']);
      expect(await env.store.get('k*')).toBe(3);
      const long = `x${'y'.repeat(400)}`;
      await env.store.set(long, 'long key');
      expect(await env.store.get(long)).toBe('long key');
      expect(await env.store.keys('xy')).toEqual([long]);
    });

    it('expires entries after ttlMs', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 });
      await env.store.set('short', 'lived', { ttlMs: 1000 });
      expect(await env.store.get('short')).toBe('lived');
      vi.setSystemTime(1_700_000_001_000);
      expect(await env.store.get('short')).toBeUndefined();
      expect(await env.store.keys()).toEqual([]);
    });

    it('refuses what it cannot store, with clear errors', async () => {
      await expect(env.store.set('bad', 1n)).rejects.toThrow(TypeError);
      await expect(env.store.set('bad', undefined)).rejects.toThrow(TypeError);
      await expect(env.store.set('', 1)).rejects.toThrow(/keys must be/);
      await expect(env.store.set('with space', 1)).rejects.toThrow(TypeError);
      await expect(env.store.set('ttl', 1, { ttlMs: 0 })).rejects.toThrow(RangeError);
    });

    it('rejects corrupt or foreign data instead of dropping it', async (test) => {
      const corrupt = env.corrupt;
      if (corrupt === undefined) return test.skip();
      await env.store.set('victim', { a: 1 });
      await corrupt('victim', '{"a":');
      await expect(env.store.get('victim')).rejects.toBeInstanceOf(StoreDataError);
      await corrupt('victim', '{"a":1}');
      await expect(env.store.get('victim')).rejects.toThrow(/envelope/);
      await corrupt('victim', '{"format":"tta.store/1","key":"other","value":1}');
      await expect(env.store.get('victim')).rejects.toThrow(/belongs to key "other"/);
    });

    it('lists keys by a literal prefix, glob characters and all (issue 12, item 13)', async () => {
      await env.store.set('glob[1]:a', 1);
      await env.store.set('glob1:b', 2);
      await env.store.set('globx*', 3);
      expect(await env.store.keys('glob[1]')).toEqual(['glob[1]:a']);
      expect(await env.store.keys('globx*')).toEqual(['globx*']);
      expect(await env.store.keys('glob?')).toEqual([]);
    });

    it('expiry never removes a newer write (issue 12, item 11)', async () => {
      vi.useRealTimers();
      for (let round = 0; round < 100; round++) {
        const key = `race:${round}`;
        await env.store.set(key, 'old', { ttlMs: 1 });
        await new Promise((resolve) => setTimeout(resolve, 3));
        await Promise.all([env.store.get(key), env.store.set(key, 'new')]);
        expect(await env.store.get(key), `round ${round}`).toBe('new');
      }
    });
  });
}
