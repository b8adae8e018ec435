import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyOperation,
  type CircuitBreakerStore,
  type CircuitOperation,
  type CircuitPolicy,
  type CircuitSnapshot,
  CLOSED,
} from '../../src/index.js';

/** Two handles on one backend (the same store, or two clients of one Redis), and a cleanup. */
export interface CircuitStoreEnv {
  a: CircuitBreakerStore;
  b: CircuitBreakerStore;
  cleanup(): Promise<void>;
}

const policy: CircuitPolicy = {
  failureThreshold: 2,
  recoveryTimeoutMs: 1000,
  successThreshold: 2,
  halfOpenMaxCalls: 2,
};

// The same walk under a failure-rate policy by time and by count (the window is compared too).
const byTime: CircuitPolicy = {
  ...policy,
  failureThreshold: Number.POSITIVE_INFINITY,
  failureRatePercent: 40,
  minimumCalls: 4,
  windowMs: 3000,
  windowSlots: 10,
};
const byCount: CircuitPolicy = { ...byTime, failureThreshold: 3, windowMs: 0, windowSlots: 5 };

function snapshotOf(s: CircuitSnapshot) {
  return {
    state: s.state,
    failures: s.failures,
    successes: s.successes,
    inFlight: s.inFlight,
    openedAt: s.openedAt,
    window: s.window,
  };
}

/** The behaviour every CircuitBreakerStore promises: `applyOperation`'s, atomically per key. */
export function circuitBreakerStoreContract(name: string, make: () => Promise<CircuitStoreEnv>) {
  describe(`${name} (CircuitBreakerStore contract)`, () => {
    let env: CircuitStoreEnv;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(async () => {
      await env.cleanup();
    });

    it('an unknown circuit is closed, and reset closes a circuit', async () => {
      expect(snapshotOf(await env.a.get('nothing'))).toEqual(snapshotOf(CLOSED));
      await env.a.apply('c', { kind: 'failure', trial: false }, policy, 1000);
      await env.a.apply('c', { kind: 'failure', trial: false }, policy, 1000);
      expect((await env.b.get('c')).state).toBe('open');
      await env.b.reset('c');
      expect(snapshotOf(await env.a.get('c'))).toEqual(snapshotOf(CLOSED));
    });

    it.each([
      ['consecutive failures', policy],
      ['a failure rate over time', byTime],
      ['a failure rate over the last calls', byCount],
    ])(
      'follows applyOperation operation by operation, through every state (%s)',
      async (_, policy) => {
        let seed = 11;
        const random = () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed / 2 ** 31;
        };
        let reference: CircuitSnapshot = CLOSED;
        let now = 1_000_000;
        const trials: boolean[] = [];
        const seen = new Set<string>();
        for (let step = 0; step < 300; step++) {
          now += Math.floor(random() * 700);
          const roll = random();
          let op: CircuitOperation;
          if (roll < 0.4) op = { kind: 'admit' };
          else {
            const trial = trials.pop() ?? false;
            op = { kind: roll < 0.7 ? 'success' : roll < 0.9 ? 'failure' : 'release', trial };
          }
          const expected = applyOperation(reference, op, policy, now);
          const store = random() < 0.5 ? env.a : env.b;
          const outcome = await store.apply('walk', op, policy, now);
          expect(outcome.previous, `step ${step}`).toBe(reference.state);
          expect(outcome.next, `step ${step}`).toBe(expected.next.state);
          expect(outcome.admission, `step ${step}`).toEqual(expected.result);
          if (op.kind === 'admit' && expected.result.allowed) trials.push(expected.result.trial);
          reference = expected.next;
          expect(snapshotOf(await store.get('walk')), `step ${step}`).toEqual(
            snapshotOf(reference),
          );
          seen.add(reference.state);
        }
        expect([...seen].sort()).toEqual(['closed', 'half-open', 'open']);
      },
    );

    it('admits at most halfOpenMaxCalls concurrent trials across clients', async () => {
      for (const store of [env.a, env.b])
        await store.apply('shared', { kind: 'failure', trial: false }, policy, 0);
      expect((await env.a.get('shared')).state).toBe('open');
      const now = policy.recoveryTimeoutMs + 1;
      const admissions = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? env.a : env.b).apply('shared', { kind: 'admit' }, policy, now),
        ),
      );
      const trials = admissions.filter((o) => o.admission.allowed);
      expect(trials).toHaveLength(policy.halfOpenMaxCalls);
      expect(trials.every((o) => o.admission.allowed && o.admission.trial)).toBe(true);
      expect((await env.b.get('shared')).inFlight).toBe(policy.halfOpenMaxCalls);
    });

    it('a trial that never reports back holds its slot for one recovery time only', async () => {
      const p = { ...policy, halfOpenMaxCalls: 1 };
      await env.a.apply('lease', { kind: 'failure', trial: false }, p, 0);
      await env.a.apply('lease', { kind: 'failure', trial: false }, p, 0);
      const first = await env.a.apply('lease', { kind: 'admit' }, p, 1000); // its process dies
      expect(first.admission).toEqual({ allowed: true, trial: true });
      expect((await env.b.apply('lease', { kind: 'admit' }, p, 1500)).admission.allowed).toBe(
        false,
      );
      const retaken = await env.b.apply('lease', { kind: 'admit' }, p, 2000);
      expect(retaken.admission).toEqual({ allowed: true, trial: true });
    });

    it('keeps circuits apart by key', async () => {
      await env.a.apply('x', { kind: 'failure', trial: false }, policy, 0);
      await env.a.apply('x', { kind: 'failure', trial: false }, policy, 0);
      expect((await env.b.get('x')).state).toBe('open');
      expect((await env.b.get('y')).state).toBe('closed');
    });
  });
}
