import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RateLimitReservation,
  type RateLimitStore,
  STALE_TICKET_MS,
  type TokenBucketConfig,
} from '../../src/index.js';

/** Two handles on one backend, and a cleanup. */
export interface RateLimitStoreEnv {
  a: RateLimitStore;
  b: RateLimitStore;
  cleanup(): Promise<void>;
  /** Resolves once `a`'s subscriptions to `key` are live (Redis subscribes asynchronously). */
  subscribed?(key: string): Promise<void>;
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

    it('grants the burst at once, then gives each caller a ticket one refill later', async () => {
      const now = 1_000_000;
      const rs: RateLimitReservation[] = [];
      for (let i = 0; i < 8; i++) rs.push(await env.a.reserve('k', now, config));
      expect(rs.slice(0, 5).map((r) => r.waitMs)).toEqual([0, 0, 0, 0, 0]);
      expect(rs.slice(5).map((r) => Math.round(r.waitMs))).toEqual([200, 400, 600]);
      const tickets = rs.slice(5).map((r) => r.ticket);
      expect(new Set(tickets).size).toBe(3);
      expect([...tickets].sort((x, y) => x - y)).toEqual(tickets); // in arrival order
    });

    it('is atomic across clients: concurrent reservations get distinct turns', async () => {
      const now = 2_000_000;
      const rs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? env.a : env.b).reserve('burst', now, config)),
      );
      expect(rs.filter((r) => r.waitMs === 0)).toHaveLength(config.capacity);
      const turns = rs.filter((r) => r.waitMs > 0).map((r) => Math.round(r.waitMs));
      expect(new Set(turns).size).toBe(turns.length);
      expect(turns.sort((x, y) => x - y)).toEqual(
        Array.from({ length: 15 }, (_, i) => (i + 1) * 200),
      );
    });

    it('only the first in line takes a token: claims are first come, first served', async () => {
      const t0 = 3_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('q', t0, config);
      const first = await env.a.reserve('q', t0, config);
      const second = await env.b.reserve('q', t0, config);
      expect(Math.round(await env.b.claim('q', second.ticket, t0 + 100, config))).toBe(300);
      // At 400 ms two tokens have come, but the second in line still waits for the first.
      expect(Math.round(await env.b.claim('q', second.ticket, t0 + 400, config))).toBeGreaterThan(
        0,
      );
      expect(await env.a.claim('q', first.ticket, t0 + 400, config)).toBe(0);
      expect(await env.b.claim('q', second.ticket, t0 + 400, config)).toBe(0);
      // The burst is spent: a newcomer waits a whole refill.
      expect(Math.round((await env.a.reserve('q', t0 + 400, config)).waitMs)).toBe(200);
    });

    it('a caller that leaves the line passes its turn to the next one in line', async () => {
      const t0 = 4_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('r', t0, config);
      const b = await env.b.reserve('r', t0, config);
      const c = await env.a.reserve('r', t0, config);
      expect(Math.round(c.waitMs)).toBe(400);
      await env.b.release('r', b.ticket, t0 + 10, config);
      expect(Math.round(await env.a.claim('r', c.ticket, t0 + 10, config))).toBe(190); // b's turn
      const d = await env.b.reserve('r', t0 + 11, config);
      expect(Math.round(d.waitMs)).toBe(389); // after c, not beside it
      expect(await env.a.claim('r', c.ticket, t0 + 200, config)).toBe(0);
      expect(await env.b.claim('r', d.ticket, t0 + 200, config)).toBeGreaterThan(0);
      expect(await env.b.claim('r', d.ticket, t0 + 400, config)).toBe(0);
      await env.a.release('r', 12_345, t0 + 400, config); // an unknown ticket: nothing happens
    });

    it('drops a first-in-line ticket left unclaimed past its turn; a late claim gets its place back', async () => {
      const t0 = 5_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('s', t0, config);
      const dead = await env.a.reserve('s', t0, config); // its caller crashes
      const live = await env.b.reserve('s', t0, config);
      const past = t0 + 400 + STALE_TICKET_MS + 1;
      // Not blocked by the dead caller: the live one is first in line now.
      expect(await env.b.claim('s', live.ticket, past, config)).toBe(0);
      expect(await env.a.claim('s', dead.ticket, past, config)).toBe(0); // late, not lost
    });

    it('tells subscribers when someone leaves the line', async () => {
      if (env.a.subscribe === undefined) return;
      const t0 = 6_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('n', t0, config);
      const leaving = await env.b.reserve('n', t0, config);
      let told = 0;
      let tell = () => {};
      const heard = new Promise<void>((resolve) => {
        tell = resolve;
      });
      const off = env.a.subscribe('n', () => {
        told++;
        tell();
      });
      try {
        await env.subscribed?.('n');
        await env.b.release('n', leaving.ticket, t0 + 1, config);
        await heard;
        expect(told).toBe(1);
      } finally {
        off();
      }
    });

    it('keeps buckets apart by key', async () => {
      const now = 4_000_000;
      for (let i = 0; i < 5; i++) await env.a.reserve('one', now, config);
      expect(await env.b.reserve('two', now, config)).toEqual({ ticket: 0, waitMs: 0 });
    });
  });
}
