import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/index.js';

/** Two handles on one backend; `expire(ms)` lets time pass for the store (fake or real). */
export interface CacheStoreEnv {
  a: CacheStore;
  b: CacheStore;
  expire(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** The behaviour every CacheStore promises. */
export function cacheStoreContract(name: string, make: () => Promise<CacheStoreEnv>) {
  describe(`${name} (CacheStore contract)`, () => {
    let env: CacheStoreEnv;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(async () => {
      await env.cleanup();
    });

    it('stores, reads, deletes and clears entries, shared by every handle', async () => {
      await env.a.set('k1', { text: 'hi' }, 60_000);
      await env.a.set('k2', [1, 2], 60_000);
      expect(await env.b.get('k1')).toEqual({ value: { text: 'hi' } });
      expect(await env.b.delete('k1')).toBe(true);
      expect(await env.a.delete('k1')).toBe(false);
      expect(await env.a.get('k1')).toBeUndefined();
      await env.b.clear();
      expect(await env.a.get('k2')).toBeUndefined();
    });

    it('keeps falsy values as hits', async () => {
      for (const [key, value] of [
        ['zero', 0],
        ['empty', ''],
        ['null', null],
        ['false', false],
      ] as const) {
        await env.a.set(key, value, 60_000);
        expect(await env.b.get(key), key).toEqual({ value });
      }
    });

    it('expires entries after their TTL', async () => {
      await env.a.set('short', 'v', 100);
      await env.a.set('long', 'v', 60_000);
      expect(await env.b.get('short')).toEqual({ value: 'v' });
      await env.expire(150);
      expect(await env.b.get('short')).toBeUndefined();
      expect(await env.b.get('long')).toEqual({ value: 'v' });
    });

    it('a rewrite replaces the value and its TTL', async () => {
      await env.a.set('k', 'old', 100);
      await env.b.set('k', 'new', 60_000);
      await env.expire(150);
      expect(await env.a.get('k')).toEqual({ value: 'new' });
    });
  });
}
