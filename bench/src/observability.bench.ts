import { context, metrics, trace } from '@opentelemetry/api';
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
import { createObservabilityHooks } from '@tta/observability';
import { registerHooks } from '@tta/primitives';
import { chain, plainChain } from './core.bench.js';
import type { Scenario } from './harness.js';

/** Accepts spans and drops them: measures the SDK's work, not an exporter's. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** Issue #5: the 10-step chain with the observability hooks registered (11 spans per run). */
export const observabilityScenarios: Scenario[] = [
  {
    name: '10-step chain, hooks on the OTel no-op provider',
    plain: () => plainChain(1),
    tta: () => chain.execute(1),
    setup: () => registerHooks(createObservabilityHooks()),
  },
  {
    name: '10-step chain, hooks on a real provider (batch processor)',
    plain: () => plainChain(1),
    tta: () => chain.execute(1),
    setup: () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const tracerProvider = new BasicTracerProvider({
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
      const unregister = registerHooks(createObservabilityHooks({ tracerProvider, meterProvider }));
      return async () => {
        unregister();
        await tracerProvider.shutdown();
        await meterProvider.shutdown();
        context.disable();
        trace.disable();
        metrics.disable();
      };
    },
  },
];
