/**
 * Template for a new column. Copy to src/adapters/<id>.ts (no leading "_": files
 * starting with "_" are not discovered), fill in the factories, then:
 *   npm run build && npm run validate      # every scenario: valid / n/a / ERROR
 *   ./run.sh                                # full benchmark
 * Contract and rules: README.md ("Adapter contract").
 */
import { na, type Scenarios } from '../contract.js';
import { INPUT, makeFailing, makeFlaky, makeStep, makeSteps } from '../steps.js';

export const name = 'template';
export const packages: readonly string[] = []; // e.g. ['@tta/primitives']

// Referenced so the template type-checks while every scenario is still n/a.
void [INPUT, makeFailing, makeFlaky, makeStep, makeSteps];

export const scenarios: Scenarios = {
  // seq10: () => { const seq = sequence(makeSteps(10)); return () => seq(INPUT); },
  seq10: na('not implemented'),
  // par10: () => { const par = parallel(makeSteps(10)); return () => par(INPUT); },
  par10: na('not implemented'),
  // retry_ok: () => { const r = retry(makeStep(), { retries: 3, delayMs: 0 }); return () => r(INPUT); },
  retry_ok: na('not implemented'),
  // retry_2fail: () => { const f = makeFlaky(2); const r = retry(f.fn, { retries: 3, delayMs: 0 });
  //                      return () => { f.reset(); return r(INPUT); }; },
  retry_2fail: na('not implemented'),
  // timeout_ok: () => { const t = timeout(makeStep(), 1000); return () => t(INPUT); },
  timeout_ok: na('not implemented'),
  // cache_hit: () => { const c = cache(makeStep(), { max: 1000, ttlMs: 60_000 }); return () => c(INPUT); },
  cache_hit: na('not implemented'),
  // fallback: () => { const f = fallback(makeFailing(), makeStep()); return () => f(INPUT); },
  fallback: na('not implemented'),
  // breaker_ok: () => { const b = breaker(makeStep(), { threshold: 5, halfOpenAfterMs: 10_000 }); return () => b(INPUT); },
  breaker_ok: na('not implemented'),
  cache_miss: na('not implemented'),
  fanout100_c10: na('not implemented'),
  seq10_otel: na('not implemented'),
};
