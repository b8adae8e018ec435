import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimitStore, TokenBucketConfig } from '../../src/index.js';

/** Two handles on one backend, and a cleanup. */
export interface RateLimitStoreEnv {
  a: RateLimitStore;
  b: RateLimitStore;
  cleanup(): Promise<void>;
}

const config: TokenBucketConfig = { capacity: 5, refillPerMs: 5 / 1000 }; // 5 per second

/** The behaviour every RateLimitStore promises: one token bucket per key, first come first served. */
export function rateLimitStoreContract(name: string, make: () => Promise<RateLimitStoreEnv>) {
  describe(`${name} (RateLimitStore contract)`, () => {
    let env: RateLimitStoreEnv;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(async () => {
      await env.cleanup();
    });

    it('grants the burst at once, then queues each caller one refill later', async () => {
      const now = 1_000_000;
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) waits.push(await env.a.reserve('k', now, config));
      expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
      expect(waits.slice(5).map((w) => Math.round(w))).toEqual([200, 400, 600]);
    });

    it('is atomic across clients: concurrent reservations get distinct turns', async () => {
      const now = 2_000_000;
      const waits = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? env.a : env.b).reserve('burst', now, config)),
      );
      expect(waits.filter((w) => w === 0)).toHaveLength(config.capacity);
      const turns = waits.filter((w) => w > 0).map((w) => Math.round(w));
      expect(new Set(turns).size).toBe(turns.length);
      expect(turns.sort((x, y) => x - y)).toEqual(
        Array.from({ length: 15 }, (_, i) => (i + 1) * 200),
      );
    });

    it('refills over time and takes released tokens back', async () => {
      const t0 = 3_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('r', t0, config);
      expect(Math.round(await env.b.reserve('r', t0, config))).toBe(200);
      await env.b.release('r', t0, config); // that caller gave up: its turn goes back
      expect(Math.round(await env.a.reserve('r', t0, config))).toBe(200); // not 400
      expect(await env.a.reserve('r', t0 + 400, config)).toBe(0); // refilled meanwhile
    });

    it('keeps buckets apart by key', async () => {
      const now = 4_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('one', now, config);
      expect(await env.b.reserve('two', now, config)).toBe(0);
    });
  });
}
