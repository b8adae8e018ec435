/**
 * cockatiel: Polly-style resilience policies. It has no step composition
 * (sequence / fan-out) and no cache, so those scenarios are n/a.
 */
import {
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  fallback,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { na, type Scenarios } from '../contract.js';
import { INPUT, makeFailing, makeFlaky, makeStep } from '../steps.js';

export const name = 'cockatiel';
export const packages = ['cockatiel'] as const;

export const scenarios: Scenarios = {
  seq10: na(
    'cockatiel has no step-sequencing primitive (wrap() composes policies around one call, not steps).',
  ),
  par10: na(
    'cockatiel has no fan-out primitive (bulkhead limits concurrency, it does not fan out).',
  ),

  retry_ok: () => {
    const step = makeStep();
    const call = () => step(INPUT);
    // maxAttempts = number of *retries* in cockatiel (3 -> up to 4 calls).
    const policy = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(0) });
    return () => policy.execute(call);
  },

  retry_2fail: () => {
    const flaky = makeFlaky(2);
    const call = () => flaky.fn(INPUT);
    const policy = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(0) });
    return () => {
      flaky.reset();
      return policy.execute(call);
    };
  },

  timeout_ok: () => {
    const step = makeStep();
    const call = () => step(INPUT);
    // Aggressive = Promise.race against the timer, same semantics as the raw baseline.
    const policy = timeout(1000, TimeoutStrategy.Aggressive);
    return () => policy.execute(call);
  },

  cache_hit: na('cockatiel has no cache/memoization policy.'),

  fallback: () => {
    const primary = makeFailing();
    const backup = makeStep();
    const call = () => primary(INPUT);
    const policy = fallback(handleAll, () => backup(INPUT));
    return () => policy.execute(call);
  },

  breaker_ok: () => {
    const step = makeStep();
    const call = () => step(INPUT);
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: 10_000,
      breaker: new ConsecutiveBreaker(5),
    });
    return () => policy.execute(call);
  },

  cache_miss: na('cockatiel has no cache/memoization policy.'),

  fanout100_c10: na(
    'cockatiel has no fan-out primitive (bulkhead limits concurrency, it does not fan out).',
  ),

  seq10_otel: na('cockatiel has no step sequencing and no OpenTelemetry integration.'),
};
