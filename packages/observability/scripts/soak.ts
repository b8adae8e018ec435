// The soak (issue 12): a 10-step workflow (sequential, parallel, cache, retry around timeout,
// router, fallback) run SOAK_RUNS times (default 100000; 1M documented in docs/performance.md),
// without and with a long-lived caller signal, with the observability hooks on a real
// OpenTelemetry SDK. Passes when every run is correct, no rejection goes unhandled, and the heap
// grows by at most 1 MB over the second half of each mode. Run with --expose-gc:
//   pnpm test:soak            (SOAK_RUNS=1000000 pnpm test:soak for the long one)

import { context as otelContext, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import {
  CachePrimitive,
  lambda,
  parallel,
  RouterPrimitive,
  registerHooks,
  sequential,
  WorkflowContext,
} from '@tta/primitives';
import { createObservabilityHooks } from '../src/index.js';

const runs = Number(process.env.SOAK_RUNS ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run the soak with node --expose-gc');

/** Counts spans and drops them: what an exporter that keeps up with the load does to memory. */
class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const exporter = new CountingExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(tracerProvider);
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: {
        export: (_metrics, done) => done({ code: 0 }),
        shutdown: async () => {},
        forceFlush: async () => {},
      },
      exportIntervalMillis: 1000,
    }),
  ],
});
const unregister = registerHooks(createObservabilityHooks({ tracerProvider, meterProvider }));

let attempts = 0;
const workflow = sequential(
  { name: 'soak' },
  lambda((n: number) => n + 1, { name: 'normalize' }),
  parallel(
    lambda((n: number) => n * 2, { name: 'double' }),
    lambda((n: number, ctx) => (ctx.signal === undefined ? n : n), { name: 'reads-signal' }),
    { name: 'fan-out' },
  ),
  lambda(([a, b]: [number, number]) => a + b, { name: 'sum' }),
  new CachePrimitive(
    lambda((n: number) => n % 7, { name: 'mod' }),
    { name: 'cache', maxSize: 100 },
  ),
  lambda(
    async (n: number) => {
      attempts++;
      if (attempts % 50 === 0) throw new Error('transient');
      return n;
    },
    { name: 'flaky' },
  )
    .withTimeout(1000, { name: 'flaky-timeout' })
    .withRetry({ name: 'flaky-retry', initialDelayMs: 0, maxRetries: 2 }),
  new RouterPrimitive({
    name: 'route',
    routes: {
      even: lambda((n: number) => `even ${n}`, { name: 'even' }),
      odd: lambda((n: number) => `odd ${n}`, { name: 'odd' }),
    },
    select: (n: number) => (n % 2 === 0 ? 'even' : 'odd'),
  }),
  lambda(
    (s: string): string => {
      throw new Error(`primary down for ${s}`);
    },
    { name: 'primary' },
  ).withFallback(
    lambda((s: string) => s.toUpperCase(), { name: 'backup' }),
    {
      name: 'answer',
    },
  ),
);
const expected = (n: number) => {
  const m = (n + 1 + (n + 1) * 2) % 7;
  return `${m % 2 === 0 ? 'even' : 'odd'} ${m}`.toUpperCase();
};

let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled++;
});

async function mode(
  label: string,
  signal: AbortSignal | undefined,
): Promise<{ growth: number; wrong: number }> {
  let wrong = 0;
  let half = 0;
  for (let i = 0; i < runs; i++) {
    const ctx = WorkflowContext.create(signal === undefined ? {} : { signal });
    const out = await workflow.execute(i, ctx);
    if (out !== expected(i)) wrong++;
    if (i === Math.floor(runs / 2)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc?.();
      half = process.memoryUsage().heapUsed;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc?.();
  const growth = process.memoryUsage().heapUsed - half;
  console.log(
    `soak ${label}: ${runs} runs, ${wrong} wrong, heap +${(growth / 1024).toFixed(0)} KiB in the second half`,
  );
  return { growth, wrong };
}

const shutdown = new AbortController();
const results = [
  await mode('without a caller signal', undefined),
  await mode('with a long-lived caller signal', shutdown.signal),
];
unregister();
await tracerProvider.shutdown();
await meterProvider.shutdown();
const failed =
  results.filter((r) => r.wrong > 0 || r.growth > 1024 * 1024).length + (unhandled > 0 ? 1 : 0);
console.log(`soak: ${exporter.spans} spans exported, ${unhandled} unhandled rejections`);
console.log(`soak: ${results.length + 1 - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
