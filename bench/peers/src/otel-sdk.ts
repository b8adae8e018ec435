/**
 * The OpenTelemetry SDK set-up of the `seq10_otel` scenario, one for every column that runs it:
 * a context manager, a tracer provider with a batch span processor, a meter provider. Spans are
 * exported to nowhere: the SDK's work is measured, not an exporter's.
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
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** Accepts spans and drops them. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** Installs the context manager and makes the providers (`idGenerator`: the SDK's own if unset). */
export function otelSdk(idGenerator?: IdGenerator): {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
} {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    ...(idGenerator === undefined ? {} : { idGenerator }),
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
  return { tracerProvider, meterProvider };
}
