import {
  type MeterProvider,
  ProxyTracerProvider,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { PrimitiveEvent, PrimitiveHooks } from '@tta/primitives';
import { EVENT_HANDLERS, type EventHandler } from './hooks/event-handlers.js';
import { measureExecution, traceExecution } from './hooks/execution-span.js';
import { EXECUTION, labelCache, type Telemetry } from './hooks/telemetry.js';
import type { MetricsSink } from './metrics/metrics-sink.js';
import { OtelMetricsSink } from './metrics/otel-metrics.js';
import { PromClientMetricsSink, type PromRegistryLike } from './metrics/prom-client-metrics.js';
import { SCOPE_NAME, SCOPE_VERSION } from './version.js';

/**
 * Options of {@link createObservabilityHooks}.
 *
 * @example
 * ```ts
 * registerHooks(createObservabilityHooks({ tracerProvider, meterProvider, captureContent: false }));
 * ```
 */
export interface ObservabilityHooksOptions {
  /** Where spans go. Default: the global OpenTelemetry tracer provider. */
  tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. Default: the global meter provider (unless `registry` is given). */
  meterProvider?: MeterProvider | undefined;
  /** A prom-client `Registry` to record metrics into instead of a meter (needs `prom-client`). Default: none. */
  registry?: PromRegistryLike | undefined;
  /**
   * Export prompts and completions reported with `reportLlmCall` as `gen_ai.input.messages` /
   * `gen_ai.output.messages` span attributes. They may hold personal data. Default: `false`.
   */
  captureContent?: boolean | undefined;
  /** With `captureContent`: the longest content kept per attribute, in characters. Default: 4096. */
  maxContentLength?: number | undefined;
  /**
   * The most distinct `(primitive_type, primitive_name)` label sets kept; names past it are
   * counted under `primitive_name="(other)"`. Names are bounded by design (no ids or inputs), so
   * this only guards against a mistake. Default: 10000.
   */
  maxLabelSets?: number | undefined;
}

/**
 * Hooks that make every primitive execution an OpenTelemetry span (active while the step runs, so
 * nested steps and user spans are its children) and record the `tta_*` metrics. Register them with
 * `registerHooks`. Spans are named `<type> <name>` with `tta.*` attributes; failures set status
 * ERROR and `error.type` and record the exception once (on the span where it surfaced first).
 * While a step runs, its `WorkflowContext` carries the span's real trace and span ids, so
 * `ctx.toHeaders()` continues the trace downstream.
 *
 * Spans parent through the OpenTelemetry context manager (NodeSDK and `setupObservability`
 * install one; with a bare provider, register `AsyncLocalStorageContextManager`).
 *
 * @example
 * ```ts
 * const unregister = registerHooks(createObservabilityHooks({ tracerProvider, meterProvider }));
 * ```
 */
export function createObservabilityHooks(options: ObservabilityHooksOptions = {}): PrimitiveHooks {
  const metrics: MetricsSink =
    options.registry !== undefined
      ? new PromClientMetricsSink(options.registry)
      : new OtelMetricsSink(options.meterProvider, SCOPE_VERSION);
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const t: Telemetry = {
    tracer: tracerProvider.getTracer(SCOPE_NAME, SCOPE_VERSION),
    tracingOff:
      tracerProvider instanceof ProxyTracerProvider
        ? () => tracerProvider.getDelegate() === NO_TRACER_PROVIDER
        : () => false,
    metrics,
    captureContent: options.captureContent ?? false,
    maxContentLength: positiveInteger('maxContentLength', options.maxContentLength, 4096),
    recordedErrors: new WeakSet<object>(),
    reportFailure: warnOnce(),
    labelsOf: labelCache(maxLabelSets(options.maxLabelSets)),
  };
  return {
    // Each execution's promise settles as its step did (failures ending it are reported, not
    // passed on), so the registry hands it on unguarded: two promises per step fewer.
    settlesWithStep: true,
    // Without an SDK (the global provider's no-op) a span would record nothing: metrics only.
    aroundExecute: (info, next) =>
      t.tracingOff() ? measureExecution(t, info, next) : traceExecution(t, info, next),
    onEvent(event: PrimitiveEvent) {
      const state = event.context.getValue(EXECUTION);
      const target = {
        t,
        state,
        span: state?.span ?? trace.getActiveSpan(),
        labels: t.labelsOf(event.primitive).base,
      };
      // Each handler takes its own event type; the table is indexed by that type.
      (EVENT_HANDLERS[event.type] as EventHandler)(event, target);
    },
  };
}

/** Like `registerHooks`' default: one process warning per set of hooks. */
function warnOnce(): (error: unknown) => void {
  let warned = false;
  return (error) => {
    if (warned) return;
    warned = true;
    process.emitWarning(
      `@tta/observability could not end an execution's span or metrics: ${String(error)}`,
      'TtaHookWarning',
    );
  };
}

// The API's no-op provider: what the global provider delegates to until an SDK registers one.
const NO_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

function maxLabelSets(value: number | undefined): number {
  if (value === undefined) return 10_000;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(
      `createObservabilityHooks: maxLabelSets must be an integer >= 1 (got ${value})`,
    );
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(
      `createObservabilityHooks: ${name} must be an integer >= 1 (got ${value})`,
    );
  return value;
}
