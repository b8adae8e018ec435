import {
  CircuitBreakerPrimitive,
  FallbackPrimitive,
  lambda,
  RetryPrimitive,
  TimeoutPrimitive,
} from '@tta/primitives';
import type { Scenario } from './harness.js';

// Each baseline is the same work written by hand as plain async code.

const step = async (x: number) => x + 1;
const failingStep = async (_: number): Promise<number> => {
  throw new Error('primary down');
};

const retry = new RetryPrimitive(lambda(step), { maxRetries: 3 });
async function plainRetry(x: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step(x);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
    }
  }
}

const timeout = new TimeoutPrimitive(lambda(step), { timeoutMs: 10_000 });
function plainTimeout(x: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), 10_000);
    step(x).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const fallback = new FallbackPrimitive(lambda(failingStep), lambda(step));
async function plainFallback(x: number): Promise<number> {
  try {
    return await failingStep(x);
  } catch {
    return await step(x);
  }
}

const breaker = new CircuitBreakerPrimitive(lambda(step));
let failures = 0;
let openedAt = 0;
async function plainBreaker(x: number): Promise<number> {
  if (failures >= 5 && Date.now() - openedAt < 60_000) throw new Error('open');
  try {
    const value = await step(x);
    failures = 0;
    return value;
  } catch (error) {
    if (++failures >= 5) openedAt = Date.now();
    throw error;
  }
}

/** Issue #3's scenarios: recovery primitives on their common path, no hooks registered. */
export const recoveryScenarios: Scenario[] = [
  { name: 'retry (success on first try)', plain: () => plainRetry(1), tta: () => retry.execute(1) },
  { name: 'timeout (fast inner)', plain: () => plainTimeout(1), tta: () => timeout.execute(1) },
  {
    name: 'fallback (primary fails)',
    plain: () => plainFallback(1),
    tta: () => fallback.execute(1),
  },
  {
    name: 'circuit breaker (closed, success)',
    plain: () => plainBreaker(1),
    tta: () => breaker.execute(1),
  },
];
