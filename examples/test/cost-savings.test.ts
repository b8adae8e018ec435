import { expect, it } from 'vitest';
import { compareCosts } from '../src/cost-savings.js';

it('cache + tier routing answers the same workload for a fraction of the cost', async () => {
  const report = await compareCosts();
  expect(report.baseline.calls).toBe(200);
  // 4 distinct FAQ prompts go to the small model once each; each hard prompt is unique.
  expect(report.optimized.smallCalls).toBe(4);
  expect(report.optimized.largeCalls).toBe(20);
  expect(report.optimized.cacheHits).toBe(176);
  expect(report.savedPercent).toBeGreaterThan(85);
});
