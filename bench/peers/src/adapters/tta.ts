/**
 * @tta/primitives column, run against the repository's built packages (workspace dependencies).
 * Dynamic step lists go through the constructors (the `sequential()` / `parallel()` helpers take
 * tuples).
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
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
import { INPUT, makeFailing, makeFlaky, makeStep, makeSteps } from '../steps.js';

export const name = 'tta';
export const packages = ['@tta/primitives', '@tta/agent-context', '@tta/observability'] as const;

const wrap = (fn: (x: number) => Promise<number>) => lambda(fn);

/** Accepts spans and drops them: the SDK's work is measured, not an exporter's. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

let telemetry = false;
/** A real OpenTelemetry SDK (batch span processor, meter provider) with the hooks, once. */
function setUpTelemetry(): void {
  if (telemetry) return;
  telemetry = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    idGenerator: createTraceIdGenerator(),
    spanProcessors: [
      new BatchSpanProcessor(new DiscardingExporter(), {
        maxQueueSize: 100_000,
        scheduledDelayMillis: 200,
      }),
    ],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
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
