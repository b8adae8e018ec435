import { CachePrimitive, lambda } from '@tta/primitives';
import type { Scenario } from './harness.js';

const prompt = 'Summarise the refund policy for orders over 30 days old.';
const answer = { text: 'Refunds after 30 days need a manager approval.', tokens: 12 };

// Plain: a Map lookup behind an async function, keyed the same way (JSON of the prompt).
const map = new Map<string, typeof answer>([[JSON.stringify(prompt), answer]]);
async function plainCacheHit(input: string) {
  const hit = map.get(JSON.stringify(input));
  if (hit !== undefined) return hit;
  throw new Error('unexpected miss');
}

const cache = new CachePrimitive(lambda(async (_: string) => answer));
await cache.execute(prompt); // warm: every measured call is a hit

/** Issue #4: a cache hit against a plain Map lookup. */
export const performanceScenarios: Scenario[] = [
  {
    name: 'cache hit (vs Map lookup)',
    plain: () => plainCacheHit(prompt),
    tta: () => cache.execute(prompt),
  },
];

/** 1000 concurrent identical misses: how many times the wrapped step runs, and how long it takes. */
export async function singleFlight(): Promise<string> {
  let calls = 0;
  const slow = lambda(async (q: string) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return q.length;
  });
  const rounds = 20;
  let elapsed = 0n;
  for (let round = 0; round < rounds; round++) {
    const fresh = new CachePrimitive(slow);
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 1000 }, () => fresh.execute(prompt)));
    elapsed += process.hrtime.bigint() - start;
  }
  const perBatchMs = Number(elapsed / BigInt(rounds)) / 1e6;
  return `single-flight: 1000 concurrent identical calls → inner called ${calls / rounds} time(s) per batch; ${perBatchMs.toFixed(1)} ms per batch (the inner step takes 5 ms)`;
}
