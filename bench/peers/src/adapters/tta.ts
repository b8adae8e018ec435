/**
 * @tta/primitives column, run against the repository's built packages (workspace dependencies).
 * Dynamic step lists go through the constructors (the `sequential()` / `parallel()` helpers take
 * tuples).
 */
import { createObservabilityHooks, createTraceIdGenerator } from '@tta/observability';
import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  FallbackPrimitive,
  lambda,
  ParallelPrimitive,
  RetryPrimitive,
  registerHooks,
  SequentialPrimitive,
  TimeoutPrimitive,
} from '@tta/primitives';
import type { Scenarios } from '../contract.js';
import { otelSdk } from '../otel-sdk.js';
import { INPUT, makeFailing, makeFlaky, makeStep, makeSteps } from '../steps.js';

export const name = 'tta';
export const packages = ['@tta/primitives', '@tta/agent-context', '@tta/observability'] as const;

const wrap = (fn: (x: number) => Promise<number>) => lambda(fn);

let telemetry = false;
/** The scenario's OpenTelemetry SDK (see otel-sdk.ts) with the hooks, once. */
function setUpTelemetry(): void {
  if (telemetry) return;
  telemetry = true;
  const { tracerProvider, meterProvider } = otelSdk(createTraceIdGenerator());
  registerHooks(createObservabilityHooks({ tracerProvider, meterProvider }));
}

export const scenarios: Scenarios = {
  seq10: () => {
    const seq = new SequentialPrimitive<number, number>(makeSteps(10).map(wrap));
    return () => seq.execute(INPUT);
  },
  par10: () => {
    const par = new ParallelPrimitive(makeSteps(10).map(wrap));
    return () => par.execute(INPUT);
  },
  retry_ok: () => {
    const r = new RetryPrimitive(wrap(makeStep()), {
      maxRetries: 3,
      initialDelayMs: 0,
      jitter: false,
    });
    return () => r.execute(INPUT);
  },
  retry_2fail: () => {
    const flaky = makeFlaky(2);
    const r = new RetryPrimitive(wrap(flaky.fn), {
      maxRetries: 3,
      initialDelayMs: 0,
      jitter: false,
    });
    return () => {
      flaky.reset();
      return r.execute(INPUT);
    };
  },
  timeout_ok: () => {
    const t = new TimeoutPrimitive(wrap(makeStep()), { timeoutMs: 1000 });
    return () => t.execute(INPUT);
  },
  cache_hit: () => {
    const c = new CachePrimitive(wrap(makeStep()), { ttlMs: 60_000, maxSize: 1000 });
    return () => c.execute(INPUT);
  },
  fallback: () => {
    const f = new FallbackPrimitive(wrap(makeFailing()), wrap(makeStep()));
    return () => f.execute(INPUT);
  },
  breaker_ok: () => {
    const b = new CircuitBreakerPrimitive(wrap(makeStep()), {
      failureThreshold: 5,
      recoveryTimeoutMs: 10_000,
    });
    return () => b.execute(INPUT);
  },
  cache_miss: () => {
    const c = new CachePrimitive(wrap(makeStep()), { ttlMs: 60_000, maxSize: 1000 });
    let key = 0;
    return () => c.execute(++key);
  },
  fanout100_c10: () => {
    const fan = new ParallelPrimitive(makeSteps(100).map(wrap), { concurrency: 10 });
    return () => fan.execute(INPUT);
  },
  seq10_otel: () => {
    setUpTelemetry();
    const seq = new SequentialPrimitive<number, number>(makeSteps(10).map(wrap), {
      name: 'seq10',
    });
    return () => seq.execute(INPUT);
  },
};
