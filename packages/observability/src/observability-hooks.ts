import {
  type Context,
  type MeterProvider,
  context as otelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { WorkflowContext } from '@tta/agent-context';
import type {
  ExecutionInfo,
  LlmCallEvent,
  PrimitiveEvent,
  PrimitiveHooks,
  PrimitiveRef,
} from '@tta/primitives';
import { ATTR, errorType } from './attributes.js';
import type { Labels, MetricsSink } from './metrics/metrics-sink.js';
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
}

const CIRCUIT_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2 } as const;

/** The metric labels of one primitive: without status, and with each status. */
interface PrimitiveLabels {
  readonly base: Labels;
  readonly success: Labels;
  readonly error: Labels;
}

/** What the hooks keep about one running execution, keyed by the context its step runs with. */
interface ExecutionState {
  readonly span: Span;
  /** Attempts started so far (retry executions only). */
  attempts: number;
  readonly isRetry: boolean;
  /** GenAI metric attributes once the step reported an LLM call. */
  llm?: Labels;
}

/**
 * The OTel context a new span is started in: the active span; else the span of the execution
 * whose context this is (works without a context manager); else the workflow context's remote
 * parent (a context from `fromHeaders`, or a child of a traced context).
 */
function parentContext(ctx: WorkflowContext, owner: ExecutionState | undefined): Context {
  const active = otelContext.active();
  if (trace.getSpan(active) !== undefined) return active;
  if (owner !== undefined) return trace.setSpan(active, owner.span);
  if (ctx.traceId === undefined) return active;
  const spanId = ctx.parentSpanId ?? ctx.spanId;
  if (spanId === undefined) return active;
  return trace.setSpanContext(active, {
    traceId: ctx.traceId,
    spanId,
    traceFlags: ctx.traceFlags,
    isRemote: true,
  });
}

function content(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
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
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    SCOPE_NAME,
    SCOPE_VERSION,
  );
  const metrics: MetricsSink =
    options.registry !== undefined
      ? new PromClientMetricsSink(options.registry)
      : new OtelMetricsSink(options.meterProvider, SCOPE_VERSION);
  const captureContent = options.captureContent ?? false;
  // Each execution's step runs with its own derived context, so events find their execution. The
  // state lives on that context under a key private to these hooks: a WeakMap insert per
  // execution was the largest cost of the hooks.
  const stateKey = Symbol('tta.observability.execution');
  const stateOf = (ctx: WorkflowContext): ExecutionState | undefined =>
    (ctx as unknown as Record<symbol, ExecutionState | undefined>)[stateKey];
  // An error is recorded as an exception only on the first span it fails.
  const recordedErrors = new WeakSet<object>();
  // Label sets per primitive, built once: on Node 20 a spread that adds a key costs ~0.5 µs.
  const labelCache = new WeakMap<object, PrimitiveLabels>();
  function labelsOf(primitive: PrimitiveRef): PrimitiveLabels {
    let cached = labelCache.get(primitive);
    if (cached === undefined) {
      const { type, name } = primitive;
      cached = {
        base: { primitive_type: type, primitive_name: name },
        success: { primitive_type: type, primitive_name: name, status: 'success' },
        error: { primitive_type: type, primitive_name: name, status: 'error' },
      };
      labelCache.set(primitive, cached);
    }
    return cached;
  }

  function startSpan(info: ExecutionInfo): { span: Span; parent: Context } {
    const { primitive, context: ctx } = info;
    const owner = stateOf(ctx);
    const parent = parentContext(ctx, owner);
    const parentSpan = trace.getSpan(parent);
    const attributes: Record<string, string | number> = {
      [ATTR.primitiveType]: primitive.type,
      [ATTR.primitiveName]: primitive.name,
      [ATTR.correlationId]: ctx.correlationId,
    };
    if (ctx.workflowId !== undefined) attributes[ATTR.workflowId] = ctx.workflowId;
    if (ctx.sessionId !== undefined) attributes[ATTR.sessionId] = ctx.sessionId;
    if (ctx.agentId !== undefined) attributes[ATTR.agentId] = ctx.agentId;
    // A retry's attempts are the executions started with the retry's own context.
    if (owner?.isRetry === true && (parentSpan === undefined || parentSpan === owner.span)) {
      owner.attempts++;
      attributes[ATTR.retryAttempt] = owner.attempts;
    }
    const span = tracer.startSpan(
      `${primitive.type} ${primitive.name}`,
      { kind: SpanKind.INTERNAL, attributes },
      parent,
    );
    return { span, parent };
  }

  function end(
    state: ExecutionState,
    labels: PrimitiveLabels,
    started: number,
    error?: { value: unknown },
  ): void {
    const span = state.span;
    const seconds = (performance.now() - started) / 1000;
    if (error !== undefined) {
      const type = errorType(error.value);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error.value instanceof Error ? error.value.message : type,
      });
      span.setAttribute(ATTR.errorType, type);
      const value = error.value;
      const isObject = typeof value === 'object' && value !== null;
      if (!isObject || !recordedErrors.has(value)) {
        span.recordException(
          value instanceof Error ? value : { name: type, message: String(value) },
        );
        if (isObject) recordedErrors.add(value);
      }
    }
    const llm = state.llm;
    if (llm !== undefined)
      metrics.record(
        'llmDuration',
        seconds,
        error === undefined ? llm : { ...llm, [ATTR.errorType]: errorType(error.value) },
      );
    span.end();
    const withStatus = error === undefined ? labels.success : labels.error;
    metrics.add('active', -1, labels.base);
    metrics.add('executions', 1, withStatus);
    metrics.record('duration', seconds, withStatus);
  }

  function onLlmCall(
    event: LlmCallEvent,
    state: ExecutionState | undefined,
    span: Span | undefined,
  ): void {
    const labels: Record<string, string> = {
      [ATTR.genAiOperation]: event.operation,
      [ATTR.genAiProvider]: event.provider,
      [ATTR.genAiRequestModel]: event.model,
    };
    if (event.inputTokens !== undefined)
      metrics.record('tokenUsage', event.inputTokens, { ...labels, 'gen_ai.token.type': 'input' });
    if (event.outputTokens !== undefined)
      metrics.record('tokenUsage', event.outputTokens, {
        ...labels,
        'gen_ai.token.type': 'output',
      });
    if (state !== undefined) state.llm = labels;
    if (span === undefined) return;
    span.setAttributes({ ...labels, [ATTR.genAiSystem]: event.provider });
    if (event.responseModel !== undefined)
      span.setAttribute(ATTR.genAiResponseModel, event.responseModel);
    if (event.inputTokens !== undefined)
      span.setAttribute(ATTR.genAiInputTokens, event.inputTokens);
    if (event.outputTokens !== undefined)
      span.setAttribute(ATTR.genAiOutputTokens, event.outputTokens);
    if (event.finishReason !== undefined)
      span.setAttribute(ATTR.genAiFinishReasons, [event.finishReason]);
    if (captureContent && event.prompt !== undefined)
      span.setAttribute(ATTR.genAiInputMessages, content(event.prompt));
    if (captureContent && event.completion !== undefined)
      span.setAttribute(ATTR.genAiOutputMessages, content(event.completion));
  }

  return {
    aroundExecute(info, next) {
      const labels = labelsOf(info.primitive);
      const { span, parent } = startSpan(info);
      const parentSpanId = trace.getSpan(parent)?.spanContext().spanId;
      const sc = span.spanContext();
      // While the step runs, its context carries the span's real ids (for ctx.toHeaders()); it
      // is always a context of its own, so events can be traced back to this execution.
      const stepContext = span.isRecording()
        ? info.context.withTrace({
            traceId: sc.traceId,
            spanId: sc.spanId,
            parentSpanId,
            traceFlags: sc.traceFlags,
          })
        : info.context.withCancellation({});
      const state: ExecutionState = { span, attempts: 0, isRetry: info.primitive.type === 'retry' };
      (stepContext as unknown as Record<symbol, ExecutionState>)[stateKey] = state;
      metrics.add('active', 1, labels.base);
      const started = performance.now();
      return otelContext
        .with(trace.setSpan(parent, span), () => next(stepContext))
        .then(
          (value) => {
            end(state, labels, started);
            return value;
          },
          (error: unknown) => {
            end(state, labels, started, { value: error });
            throw error;
          },
        );
    },

    onEvent(event: PrimitiveEvent) {
      const state = stateOf(event.context);
      const span = state?.span ?? trace.getActiveSpan();
      const labels = labelsOf(event.primitive).base;
      switch (event.type) {
        case 'retry':
          metrics.add('retries', 1, labels);
          span?.addEvent('tta.retry', {
            'tta.retry.attempt': event.attempt,
            'tta.retry.delay_ms': event.delayMs,
            [ATTR.errorType]: errorType(event.error),
          });
          break;
        case 'fallback':
          metrics.add('fallbacks', 1, labels);
          span?.addEvent('tta.fallback', {
            'tta.fallback.from': event.from,
            'tta.fallback.to': event.to,
            [ATTR.errorType]: errorType(event.error),
          });
          break;
        case 'timeout':
          metrics.add('timeouts', 1, labels);
          span?.addEvent('tta.timeout', { 'tta.timeout.ms': event.timeoutMs });
          break;
        case 'circuit-state-change':
          metrics.set('circuitState', CIRCUIT_STATE_VALUE[event.to], labels);
          span?.setAttribute(ATTR.circuitState, event.to);
          span?.addEvent('tta.circuit.state_change', {
            'tta.circuit.from': event.from,
            'tta.circuit.to': event.to,
          });
          break;
        case 'cache-hit':
        case 'cache-miss':
          metrics.add(event.type === 'cache-hit' ? 'cacheHits' : 'cacheMisses', 1, labels);
          span?.setAttribute(ATTR.cacheHit, event.type === 'cache-hit');
          break;
        case 'compensation':
          metrics.add('compensations', 1, { ...labels, status: event.status });
          span?.addEvent('tta.compensation', {
            'tta.saga.step': event.step,
            'tta.saga.status': event.status,
          });
          break;
        case 'rejection':
          if (event.reason === 'bulkhead-full') metrics.add('bulkheadRejections', 1, labels);
          span?.addEvent('tta.rejection', { 'tta.rejection.reason': event.reason });
          break;
        case 'route':
          span?.setAttribute(ATTR.routerRoute, event.route);
          break;
        case 'cache-error':
        case 'store-error':
          span?.addEvent(`tta.${event.type.replace('-', '_')}`, {
            [ATTR.errorType]: errorType(event.error),
            'tta.store.operation': event.operation,
          });
          break;
        case 'llm-call':
          onLlmCall(event, state, span);
          break;
      }
    },
  };
}
