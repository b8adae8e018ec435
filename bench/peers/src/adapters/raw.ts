/**
 * raw: the hand-written plain-async floor. No library. Every other process also
 * measures these same factories in-process to compute lib/raw ratios; run as its
 * own column it measures raw against raw, i.e. the noise floor of the ratio.
 */
import type { Scenarios } from '../contract.js';
import { INPUT, makeFailing, makeFlaky, makeStep, makeSteps, type Step } from '../steps.js';

export const name = 'raw';
export const packages: readonly string[] = [];

export class TimeoutError extends Error {}
export class BrokenCircuitError extends Error {}

/** try/catch loop, no delay between attempts. */
export function withRetry(fn: Step, retries: number): Step {
  return async (x) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(x);
      } catch (err) {
        if (attempt >= retries) throw err;
      }
    }
  };
}

/** setTimeout + clearTimeout, Promise.race. */
export function withTimeout(fn: Step, ms: number): Step {
  return async (x) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([fn(x), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Map-based LRU (delete+set on hit) with TTL checked on read. */
export function memoLruTtl(fn: Step, max: number, ttlMs: number): Step {
  const map = new Map<number, { v: number; exp: number }>();
  return async (x) => {
    const hit = map.get(x);
    if (hit !== undefined) {
      map.delete(x);
      if (hit.exp > Date.now()) {
        map.set(x, hit);
        return hit.v;
      }
    }
    const v = await fn(x);
    map.set(x, { v, exp: Date.now() + ttlMs });
    if (map.size > max) map.delete(map.keys().next().value as number);
    return v;
  };
}

/** Consecutive-failure breaker: open after `threshold` failures, half-open after `halfOpenAfterMs`. */
export function withBreaker(fn: Step, threshold: number, halfOpenAfterMs: number): Step {
  let failures = 0;
  let openedAt = 0;
  return async (x) => {
    if (failures >= threshold && Date.now() - openedAt < halfOpenAfterMs) {
      throw new BrokenCircuitError('circuit open');
    }
    try {
      const v = await fn(x);
      failures = 0;
      return v;
    } catch (err) {
      if (++failures >= threshold) openedAt = Date.now();
      throw err;
    }
  };
}

export const scenarios: Scenarios = {
  seq10: () => {
    const steps = makeSteps(10);
    const seq: Step = async (x) => {
      let v = x;
      for (let i = 0; i < steps.length; i++) v = await steps[i](v);
      return v;
    };
    return () => seq(INPUT);
  },

  par10: () => {
    const steps = makeSteps(10);
    const par = (x: number) => Promise.all(steps.map((s) => s(x)));
    return () => par(INPUT);
  },

  retry_ok: () => {
    const retried = withRetry(makeStep(), 3);
    return () => retried(INPUT);
  },

  retry_2fail: () => {
    const flaky = makeFlaky(2);
    const retried = withRetry(flaky.fn, 3);
    return () => {
      flaky.reset();
      return retried(INPUT);
    };
  },

  timeout_ok: () => {
    const timed = withTimeout(makeStep(), 1000);
    return () => timed(INPUT);
  },

  cache_hit: () => {
    const cached = memoLruTtl(makeStep(), 1000, 60_000);
    return () => cached(INPUT);
  },

  fallback: () => {
    const primary = makeFailing();
    const backup = makeStep();
    const guarded: Step = async (x) => {
      try {
        return await primary(x);
      } catch {
        return backup(x);
      }
    };
    return () => guarded(INPUT);
  },

  breaker_ok: () => {
    const guarded = withBreaker(makeStep(), 5, 10_000);
    return () => guarded(INPUT);
  },

  cache_miss: () => {
    const cached = memoLruTtl(makeStep(), 1000, 60_000);
    let key = 0;
    return () => cached(++key);
  },

  fanout100_c10: () => {
    const steps = makeSteps(100);
    // A pool of 10 workers taking the next step until none is left.
    const fan = async (x: number) => {
      const out = new Array<number>(steps.length);
      let next = 0;
      const worker = async () => {
        while (next < steps.length) {
          const i = next++;
          out[i] = await steps[i](x);
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      return out;
    };
    return () => fan(INPUT);
  },

  // The baseline of the telemetry scenario is the plain chain: the ratio is what tracing costs.
  seq10_otel: () => {
    const steps = makeSteps(10);
    const seq: Step = async (x) => {
      let v = x;
      for (let i = 0; i < steps.length; i++) v = await steps[i](v);
      return v;
    };
    return () => seq(INPUT);
  },
};
