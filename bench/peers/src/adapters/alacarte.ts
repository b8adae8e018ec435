/**
 * a-la-carte: the usual single-purpose npm picks, glued with plain async.
 *   retry   -> p-retry   (makeRetriable, minTimeout 0 = no timer between attempts)
 *   timeout -> p-timeout
 *   cache   -> lru-cache (fetchMethod = its built-in async memoization)
 *   breaker -> opossum   (its per-call action timeout disabled, see below)
 * Sequencing / fan-out / fallback have no library here: the a-la-carte answer is
 * plain async, i.e. the raw column, so they are n/a rather than a copy of raw.
 */
import { LRUCache } from 'lru-cache';
import CircuitBreaker from 'opossum';
import { makeRetriable } from 'p-retry';
import pTimeout from 'p-timeout';
import { na, type Scenarios } from '../contract.js';
import { INPUT, makeFlaky, makeStep } from '../steps.js';

export const name = 'a-la-carte';
export const packages = ['p-retry', 'p-timeout', 'lru-cache', 'opossum'] as const;

export const scenarios: Scenarios = {
  seq10: na(
    'none of p-retry/p-timeout/lru-cache/opossum sequences steps; plain async is the a-la-carte answer (= raw column).',
  ),
  par10: na(
    'none of p-retry/p-timeout/lru-cache/opossum fans out; Promise.all is the a-la-carte answer (= raw column).',
  ),

  retry_ok: () => {
    const retried = makeRetriable(makeStep(), { retries: 3, minTimeout: 0 });
    return () => retried(INPUT);
  },

  retry_2fail: () => {
    const flaky = makeFlaky(2);
    const retried = makeRetriable(flaky.fn, { retries: 3, minTimeout: 0 });
    return () => {
      flaky.reset();
      return retried(INPUT);
    };
  },

  timeout_ok: () => {
    const step = makeStep();
    const options = { milliseconds: 1000 };
    return () => pTimeout(step(INPUT), options);
  },

  cache_hit: () => {
    const step = makeStep();
    const cache = new LRUCache<number, number>({
      max: 1000,
      ttl: 60_000,
      fetchMethod: (k) => step(k),
    });
    return () => cache.fetch(INPUT);
  },

  fallback: na(
    'no standalone fallback in the set: opossum.fallback() is tied to its breaker (opens after failures and then skips the primary), which changes the scenario; try/catch (= raw) is the a-la-carte answer.',
  ),

  breaker_ok: () => {
    // opossum defaults to a 10 s per-call action timeout (a setTimeout per fire);
    // disabled so this column measures the breaker, like the others.
    const breaker = new CircuitBreaker(makeStep(), {
      timeout: false,
      errorThresholdPercentage: 50,
      resetTimeout: 10_000,
    });
    return () => breaker.fire(INPUT);
  },

  cache_miss: () => {
    const step = makeStep();
    const cache = new LRUCache<number, number>({
      max: 1000,
      ttl: 60_000,
      fetchMethod: (k) => step(k),
    });
    let key = 0;
    return () => cache.fetch(++key) as Promise<number>;
  },

  fanout100_c10: na(
    'no concurrency-limited fan-out in the set (p-limit is not in it); a worker pool (= raw) is the a-la-carte answer.',
  ),

  seq10_otel: na('no sequencing and no OpenTelemetry integration in the set.'),
};
