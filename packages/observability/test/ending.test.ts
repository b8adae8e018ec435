// How an execution ends (issue 16): the duration metric is the span's own duration, and a span
// processor that throws changes neither the step's outcome nor the metrics.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type HistogramMetricData, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { lambda, registerHooks } from '@tta/primitives';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createObservabilityHooks } from '../src/index.js';

class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

function setUp(processors: SpanProcessor[]) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: processors });
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const off = registerHooks(createObservabilityHooks({ tracerProvider, meterProvider }));
  cleanups.push(async () => {
    off();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    context.disable();
    trace.disable();
  });
  return {
    /** The duration histogram's point for a step name and status. */
    async duration(name: string, status: string) {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'tta_primitive_duration_seconds') as
        | HistogramMetricData
        | undefined;
      return metric?.dataPoints.find(
        (p) => p.attributes.primitive_name === name && p.attributes.status === status,
      )?.value;
    },
  };
}

describe('ending an execution', () => {
  it('records the span’s own duration as the duration metric', async () => {
    const exporter = new InMemorySpanExporter();
    const t = setUp([new SimpleSpanProcessor(exporter)]);
    const wait = lambda(() => new Promise((resolve) => setTimeout(resolve, 15)), { name: 'wait' });
    await wait.execute(undefined);
    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    const [seconds = 0, nanos = 0] = span?.duration ?? [];
    const point = await t.duration('wait', 'success');
    expect(point?.count).toBe(1);
    // The same measurement, not a second clock read a few microseconds apart.
    expect(point?.sum).toBe(seconds + nanos / 1e9);
    expect(point?.sum).toBeGreaterThan(0.01);
  });

  it('a span processor that throws on end: the outcome stands, the metrics are kept, one warning', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const throwing: SpanProcessor = {
      onStart() {},
      onEnd() {
        throw new Error('processor broke');
      },
      async forceFlush() {},
      async shutdown() {},
    };
    const t = setUp([throwing]);
    const ok = lambda((n: number) => n + 1, { name: 'ok' });
    const broken = lambda(
      (): number => {
        throw new TypeError('step broke');
      },
      { name: 'broken' },
    );
    await expect(ok.execute(1)).resolves.toBe(2);
    await expect(ok.execute(2)).resolves.toBe(3);
    await expect(broken.execute(undefined)).rejects.toThrow('step broke');
    expect((await t.duration('ok', 'success'))?.count).toBe(2);
    expect((await t.duration('broken', 'error'))?.count).toBe(1);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[1]).toBe('TtaHookWarning');
    expect(String(warn.mock.calls[0]?.[0])).toContain('processor broke');
  });
});
