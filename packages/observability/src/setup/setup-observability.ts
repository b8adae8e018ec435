import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { metrics as sdkMetrics, tracing } from '@opentelemetry/sdk-node';
// The package's own name, so the built subpath shares the root entry's code.
import {
  createObservabilityHooks,
  createTraceIdGenerator,
  type ObservabilityHooksOptions,
} from '@tta/observability';
import { registerHooks } from '@tta/primitives';

/**
 * Where to serve Prometheus text.
 *
 * @example
 * ```ts
 * await setupObservability({ serviceName: 'bot', prometheus: { port: 9464, host: '0.0.0.0', endpoint: '/metrics' } });
 * ```
 */
export interface PrometheusOptions {
  /** Default: 9464 (0 picks a free port; see `metricsUrl`). */
  port?: number | undefined;
  /** Default: `'0.0.0.0'` (all interfaces; use `'127.0.0.1'` to keep it local). */
  host?: string | undefined;
  /** Default: `'/metrics'`. */
  endpoint?: string | undefined;
}

/**
 * Options of {@link setupObservability}.
 *
 * @example
 * ```ts
 * await setupObservability({ serviceName: 'bot', traceExporter: new OTLPTraceExporter(), prometheus: { port: 9464 } });
 * ```
 */
export interface SetupObservabilityOptions {
  /** The `service.name` resource attribute. Required. */
  serviceName: string;
  /** Serve `/metrics` for Prometheus. Default: not served. */
  prometheus?: PrometheusOptions | undefined;
  /** Exports spans through a batch processor (e.g. an OTLP exporter for Jaeger or Tempo). Default: none. */
  traceExporter?: tracing.SpanExporter | undefined;
  /** More span processors (e.g. a `SimpleSpanProcessor` over an in-memory exporter). Default: none. */
  spanProcessors?: tracing.SpanProcessor[] | undefined;
  /** More metric readers (e.g. a `PeriodicExportingMetricReader` over OTLP). Default: none. */
  metricReaders?: sdkMetrics.MetricReader[] | undefined;
  /** OpenTelemetry instrumentations to enable (e.g. HTTP). Default: none. */
  instrumentations?: unknown[] | undefined;
  /** Options of the hooks (`captureContent`, `maxLabelSets`). Default: `{}`. */
  hooks?: Pick<ObservabilityHooksOptions, 'captureContent' | 'maxLabelSets'> | undefined;
}

/**
 * What {@link setupObservability} returns.
 *
 * @example
 * ```ts
 * const observability = await setupObservability({ serviceName: 'bot' });
 * process.on('SIGTERM', () => observability.shutdown());
 * ```
 */
export interface ObservabilityHandle {
  /** False when the OpenTelemetry SDK packages are not installed (everything is a no-op). */
  readonly enabled: boolean;
  /** Where Prometheus can scrape, when served. */
  readonly metricsUrl: string | undefined;
  /** Exports every finished span and current metric now (e.g. before a serverless function returns). */
  forceFlush(): Promise<void>;
  /** Flushes spans and metrics, frees the port, unregisters the hooks and the global providers. Idempotent. */
  shutdown(): Promise<void>;
}

const DISABLED: ObservabilityHandle = Object.freeze({
  enabled: false,
  metricsUrl: undefined,
  forceFlush: async () => {},
  shutdown: async () => {},
});

/** True for a "module not found" error, also when a loader wrapped it (its `cause` chain). */
function isMissingModule(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * One call to make every primitive execution visible: starts the OpenTelemetry NodeSDK with
 * exactly the processors and readers given (never a default OTLP endpoint), serves Prometheus text
 * at `/metrics` when asked, and registers the observability hooks. Without the optional SDK
 * packages (`@opentelemetry/sdk-node`, and `@opentelemetry/exporter-prometheus` for `/metrics`) it
 * returns a disabled handle and changes nothing. Call it once, early, and `shutdown()` on exit.
 *
 * @example
 * ```ts
 * const observability = await setupObservability({
 *   serviceName: 'support-bot',
 *   prometheus: { port: 9464 },
 *   traceExporter: new OTLPTraceExporter({ url: 'http://tempo:4318/v1/traces' }),
 * });
 * process.on('SIGTERM', () => observability.shutdown());
 * ```
 */
export async function setupObservability(
  options: SetupObservabilityOptions,
): Promise<ObservabilityHandle> {
  if (typeof options?.serviceName !== 'string' || options.serviceName.length === 0) {
    throw new TypeError('setupObservability: serviceName must be a non-empty string');
  }
  const prometheusOptions = options.prometheus;
  const port = prometheusOptions?.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `setupObservability: prometheus.port must be an integer from 0 to 65535 (got ${port})`,
    );
  }
  const endpoint = prometheusOptions?.endpoint ?? '/metrics';
  if (!endpoint.startsWith('/'))
    throw new TypeError('setupObservability: prometheus.endpoint must start with "/"');

  let sdkModule: typeof import('@opentelemetry/sdk-node');
  let prometheusModule: typeof import('@opentelemetry/exporter-prometheus') | undefined;
  try {
    sdkModule = await import('@opentelemetry/sdk-node');
    if (prometheusOptions !== undefined)
      prometheusModule = await import('@opentelemetry/exporter-prometheus');
  } catch (error) {
    if (!isMissingModule(error)) throw error;
    process.emitWarning(
      `setupObservability: ${(error as Error).message}; install @opentelemetry/sdk-node (and @opentelemetry/exporter-prometheus for /metrics) to enable it. Continuing without observability.`,
      'TtaObservabilityWarning',
    );
    return DISABLED;
  }

  const exporter =
    prometheusModule === undefined
      ? undefined
      : new prometheusModule.PrometheusExporter({ preventServerStart: true });
  const spanProcessors = [
    ...(options.traceExporter === undefined
      ? []
      : [new sdkModule.tracing.BatchSpanProcessor(options.traceExporter)]),
    ...(options.spanProcessors ?? []),
  ];
  const sdk = new sdkModule.NodeSDK({
    serviceName: options.serviceName,
    // Root spans of a new trace take the workflow context's trace id (one request, one trace).
    idGenerator: createTraceIdGenerator(),
    // Everything explicit: empty lists stop NodeSDK from falling back to OTLP on localhost.
    spanProcessors,
    metricReaders: [
      ...(exporter === undefined ? [] : [exporter]),
      ...(options.metricReaders ?? []),
    ],
    logRecordProcessors: [],
    instrumentations: (options.instrumentations ?? []) as never,
  });
  sdk.start();

  let server: Server | undefined;
  let metricsUrl: string | undefined;
  if (exporter !== undefined) {
    // Served on our own server: the exporter's own ignores port 0 and cannot report its port.
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === endpoint && (req.method === 'GET' || req.method === 'HEAD')) {
        exporter.getMetricsRequestHandler(req, res);
        return;
      }
      res.statusCode = 404;
      res.end('Not found\n');
    });
    const host = prometheusOptions?.host ?? '0.0.0.0';
    try {
      const address = await listen(server, port, host);
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      metricsUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}${endpoint}`;
    } catch (error) {
      await sdk.shutdown();
      disableGlobals();
      throw new Error(
        `setupObservability: cannot serve metrics on ${host}:${port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  const unregister = registerHooks(createObservabilityHooks(options.hooks ?? {}));
  let shutdown: Promise<void> | undefined;
  return {
    enabled: true,
    metricsUrl,
    async forceFlush() {
      // NodeSDK keeps its providers private; the globals it registered are them.
      const tracerProvider = (
        trace.getTracerProvider() as { getDelegate?: () => unknown }
      ).getDelegate?.();
      await Promise.all([flush(tracerProvider), flush(metrics.getMeterProvider())]);
    },
    shutdown() {
      shutdown ??= (async () => {
        unregister();
        if (server !== undefined) {
          const closing = server;
          await new Promise<void>((resolve) => closing.close(() => resolve()));
        }
        await sdk.shutdown();
        disableGlobals();
      })();
      return shutdown;
    },
  };
}

async function flush(provider: unknown): Promise<void> {
  const forceFlush = (provider as { forceFlush?: () => Promise<void> } | undefined)?.forceFlush;
  if (typeof forceFlush === 'function') await forceFlush.call(provider);
}

/** Lets the process (or a test) set observability up again after a shutdown. */
function disableGlobals(): void {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
}
