import {
  type Context,
  createTraceState,
  isSpanContextValid,
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { WorkflowContext } from '@tta/agent-context';
import type { ExecutionInfo } from '@tta/primitives';
import { ATTR, errorType } from '../attributes.js';
import { EXECUTION, type ExecutionState, type Telemetry } from './telemetry.js';

/**
 * The OTel context a new span is started in: the active span; else the span of the execution
 * whose context this is (works without a context manager); else the workflow context's remote
 * parent (a context from `fromHeaders`, or a child of a traced context); else none (a root span).
 */
function parentContext(ctx: WorkflowContext, owner: ExecutionState | undefined): Context {
  const active = otelContext.active();
  if (trace.getSpan(active) !== undefined) return active;
  if (owner !== undefined) return trace.setSpan(active, owner.span);
  // A trace that started here has no span to continue: the step's span is a root span.
  if (ctx.isNewTrace) return active;
  const state = ctx.traceState.toString();
  return trace.setSpanContext(active, {
    traceId: ctx.traceId,
    spanId: ctx.parentSpanId ?? ctx.spanId,
    traceFlags: ctx.traceFlags,
    isRemote: true,
    // The vendors' entries flow into the span context (and to OpenTelemetry's propagators).
    ...(state === '' ? {} : { traceState: createTraceState(state) }),
  });
}

/**
 * One execution's span: started around the step, active while it runs, ended with its outcome
 * and the execution metrics. `run` gets the step's context, which carries the span's real ids
 * (for `ctx.toHeaders()`) and the execution state (for events).
 */
export function traceExecution<T>(
  t: Telemetry,
  info: ExecutionInfo,
  run: (stepContext: WorkflowContext) => Promise<T>,
): Promise<T> {
  const { primitive, context: ctx } = info;
  const labels = t.labelsOf(primitive);
  const owner = ctx.getValue(EXECUTION);
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
  const span = t.tracer.startSpan(
    `${primitive.type} ${primitive.name}`,
    { kind: SpanKind.INTERNAL, attributes },
    parent,
  );
  const state: ExecutionState = { span, attempts: 0, isRetry: primitive.type === 'retry' };
  const sc = span.spanContext();
  const parentSpanId = parentSpan?.spanContext().spanId;
  // Any span of its own, sampled or not, is the step's span: its id is the parent id of the
  // step's outgoing calls. (Without an SDK the API hands back the parent's span context.)
  const traced =
    isSpanContextValid(sc) && sc.spanId !== parentSpanId
      ? ctx.withTrace({
          traceId: sc.traceId,
          spanId: sc.spanId,
          parentSpanId,
          // OpenTelemetry keeps only the sampled bit: keep Level 2's random flag when it was set.
          traceFlags: sc.traceFlags | (ctx.traceId === sc.traceId ? ctx.traceFlags & 0x02 : 0),
        })
      : ctx;
  const stepContext = traced.withValue(EXECUTION, state);
  t.metrics.add('active', 1, labels.base);
  const started = performance.now();
  const end = (error?: { value: unknown }) => {
    const seconds = (performance.now() - started) / 1000;
    if (error !== undefined) markFailed(t, state, error.value);
    if (state.llm !== undefined)
      t.metrics.record(
        'llmDuration',
        seconds,
        error === undefined
          ? state.llm
          : { ...state.llm, [ATTR.errorType]: errorType(error.value) },
      );
    span.end();
    const withStatus = error === undefined ? labels.success : labels.error;
    t.metrics.add('active', -1, labels.base);
    t.metrics.add('executions', 1, withStatus);
    t.metrics.record('duration', seconds, withStatus);
  };
  return otelContext
    .with(trace.setSpan(parent, span), () => run(stepContext))
    .then(
      (value) => {
        end();
        return value;
      },
      (error: unknown) => {
        end({ value: error });
        throw error;
      },
    );
}

/** ERROR status and `error.type`; the exception itself only on the first span it fails. */
function markFailed(t: Telemetry, state: ExecutionState, value: unknown): void {
  const type = errorType(value);
  state.span.setStatus({
    code: SpanStatusCode.ERROR,
    message: value instanceof Error ? value.message : type,
  });
  state.span.setAttribute(ATTR.errorType, type);
  const isObject = typeof value === 'object' && value !== null;
  if (isObject && t.recordedErrors.has(value)) return;
  state.span.recordException(
    value instanceof Error ? value : { name: type, message: String(value) },
  );
  if (isObject) t.recordedErrors.add(value);
}
