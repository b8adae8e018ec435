import {
  type Attributes,
  type Context,
  createTraceState,
  INVALID_SPAN_CONTEXT,
  INVALID_SPANID,
  INVALID_TRACEID,
  type Link,
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { WorkflowContext } from '@tta/agent-context';
import { type ExecutionInfo, FOLLOWS_FROM } from '@tta/primitives';
import { ATTR, errorType } from '../attributes.js';
import { RUN_IDS } from '../evaluation/trace-run.js';
import { asMessages, genAiSpan } from './gen-ai-span.js';
import {
  EXECUTION,
  type ExecutionState,
  type PrimitiveLabels,
  type Telemetry,
} from './telemetry.js';
import { withTraceId } from './trace-id-generator.js';

/**
 * The OTel context a new span is started in: the active span; else the span of the execution
 * whose context this is (works without a context manager); else the workflow context's remote
 * parent (a context from `fromHeaders`, or a child of a traced context); else none (a root span).
 */
function parentContext(ctx: WorkflowContext, owner: ExecutionState | undefined): Context {
  const active = otelContext.active();
  if (trace.getSpan(active) !== undefined) return active;
  // The context the owner's step runs in (made once for it; no context manager carries it here).
  if (owner?.otelContext !== undefined && active === ROOT_CONTEXT) return owner.otelContext;
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
  const attributes: Attributes = {
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
  const role = genAiSpan(primitive, ctx, owner);
  // Every span says which workflow run it belongs to (GenAI views group and keep spans by it).
  const workflowName = owner?.workflowName ?? primitive.name;
  attributes[ATTR.genAiWorkflowName] = workflowName;
  if (role !== undefined) Object.assign(attributes, role.attributes);
  const capture = role?.carriesContent === true && t.captureContent;
  if (capture)
    attributes[ATTR.genAiInputMessages] = asMessages(info.input, 'user', t.maxContentLength);
  // The outermost execution may follow from other spans (a resumed durable run: the attempt
  // that died), which are links, not parents.
  const links = owner === undefined ? linksOf(ctx) : undefined;
  const name = role?.name ?? `${primitive.type} ${primitive.name}`;
  const options =
    links === undefined
      ? { kind: SpanKind.INTERNAL, attributes }
      : { kind: SpanKind.INTERNAL, attributes, links };
  // A root span in a trace that started with this context: in the context's trace id (with the
  // SDK's id generator from createTraceIdGenerator; other generators make their own).
  const span =
    parentSpan === undefined && ctx.isNewTrace
      ? withTraceId(ctx.traceId, () => t.tracer.startSpan(name, options, parent))
      : t.tracer.startSpan(name, options, parent);
  const state: ExecutionState = {
    span,
    attempts: 0,
    isRetry: primitive.type === 'retry',
    agentId: ctx.agentId,
    role: role?.role,
    workflowName,
  };
  const sc = span.spanContext();
  if (owner === undefined) {
    // `traceRun` asked for the ids of the run's outermost span.
    const run = ctx.getValue(RUN_IDS);
    if (run !== undefined && run.spanId === undefined && hasOwnIds(sc)) {
      run.traceId = sc.traceId;
      run.spanId = sc.spanId;
    }
  }
  const parentSpanId = parentSpan?.spanContext().spanId;
  // Any span of its own, sampled or not, is the step's span: its id is the parent id of the
  // step's outgoing calls. (Without an SDK the API hands back the parent's span context.)
  const traced =
    hasOwnIds(sc) && sc.spanId !== parentSpanId
      ? ctx.withTrace({
          traceId: sc.traceId,
          spanId: sc.spanId,
          parentSpanId,
          // OpenTelemetry keeps only the sampled bit: keep Level 2's random flag when it was set.
          traceFlags: sc.traceFlags | (ctx.traceId === sc.traceId ? ctx.traceFlags & 0x02 : 0),
        })
      : ctx;
  const otelStep = trace.setSpan(parent, span);
  state.otelContext = otelStep;
  const stepContext = traced.withValue(EXECUTION, state);
  t.metrics.add('active', 1, labels.base);
  // An SDK's span measures itself: its duration is the step's, without reading the clock again.
  const started = timesItself(span) ? SPAN_TIMED : performance.now();
  return endWhenSettled(
    t,
    state,
    labels,
    started,
    otelContext.with(otelStep, run, undefined, stepContext),
    capture
      ? (value) => {
          // A step that reported a model call already holds the completion.
          if (state.llm === undefined)
            span.setAttribute(
              ATTR.genAiOutputMessages,
              asMessages(value, 'assistant', t.maxContentLength),
            );
        }
      : undefined,
  );
}

/**
 * One execution when no tracer records spans (the global tracer provider has no SDK behind it):
 * its metrics and the state its events report to, and nothing else: no span, no attributes, no
 * OpenTelemetry context (what the API alone would give is a span that records nothing).
 */
export function measureExecution<T>(
  t: Telemetry,
  info: ExecutionInfo,
  run: (stepContext: WorkflowContext) => Promise<T>,
): Promise<T> {
  const { primitive, context: ctx } = info;
  const labels = t.labelsOf(primitive);
  const state: ExecutionState = {
    span: NO_SPAN,
    attempts: 0,
    isRetry: false,
    agentId: ctx.agentId,
    role: undefined,
    workflowName: ctx.getValue(EXECUTION)?.workflowName ?? primitive.name,
  };
  t.metrics.add('active', 1, labels.base);
  const started = performance.now();
  return endWhenSettled(t, state, labels, started, run(ctx.withValue(EXECUTION, state)));
}

/** The step's outcome, once its execution has ended (see `ended`); `onValue` sees a success first. */
function endWhenSettled<T>(
  t: Telemetry,
  state: ExecutionState,
  labels: PrimitiveLabels,
  started: number,
  running: Promise<T>,
  onValue?: (value: T) => void,
): Promise<T> {
  // The hooks settle with their step (`settlesWithStep`): whatever ending the span and recording
  // the metrics throws is reported, never the step's outcome.
  return running.then(
    (value) => {
      try {
        onValue?.(value);
        ended(t, state, labels, started);
      } catch (failure) {
        t.reportFailure(failure);
      }
      return value;
    },
    (error: unknown) => {
      try {
        ended(t, state, labels, started, { value: error });
      } catch (failure) {
        t.reportFailure(failure);
      }
      throw error;
    },
  );
}

/** `started` of an execution whose span measures its own duration. */
const SPAN_TIMED = -1;

/** What an SDK's span (its `ReadableSpan` side) says of its duration: `[seconds, nanoseconds]`. */
type Timed = { readonly duration?: readonly [number, number] };

/** The SDK's span: it reads the clock when it starts and ends. */
function timesItself(span: Span): boolean {
  return Array.isArray((span as Timed).duration);
}

/** Seconds the execution took: the ended span's own duration, else since `started`. */
function secondsOf(span: Span, started: number): number {
  if (started !== SPAN_TIMED) return (performance.now() - started) / 1000;
  const duration = (span as Timed).duration;
  const [s = 0, ns = 0] = duration ?? [];
  return Math.max(0, s + ns / 1e9);
}

// What a step's state holds when no span is recorded: the API's span that records nothing.
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** An execution ended: its outcome on the span, the span ended, the execution metrics. */
function ended(
  t: Telemetry,
  state: ExecutionState,
  labels: PrimitiveLabels,
  started: number,
  error?: { value: unknown },
): void {
  try {
    if (error !== undefined) markFailed(t, state, error.value);
    state.span.end();
  } finally {
    // A span processor that throws still leaves the metrics right.
    recordEnd(t, state, labels, secondsOf(state.span, started), error);
  }
}

function recordEnd(
  t: Telemetry,
  state: ExecutionState,
  labels: PrimitiveLabels,
  seconds: number,
  error: { value: unknown } | undefined,
): void {
  if (state.llm !== undefined)
    t.metrics.record(
      'llmDuration',
      seconds,
      error === undefined ? state.llm : { ...state.llm, [ATTR.errorType]: errorType(error.value) },
    );
  const withStatus = error === undefined ? labels.success : labels.error;
  t.metrics.add('active', -1, labels.base);
  t.metrics.add('executions', 1, withStatus);
  t.metrics.record('duration', seconds, withStatus);
}

function linksOf(ctx: WorkflowContext): Link[] | undefined {
  const follows = ctx.getValue(FOLLOWS_FROM);
  if (follows === undefined || follows.length === 0) return undefined;
  return follows.map((target) => ({
    context: { traceId: target.traceId, spanId: target.spanId, traceFlags: 0, isRemote: true },
    ...(target.attributes === undefined ? {} : { attributes: { ...target.attributes } }),
  }));
}

/**
 * Whether a started span has ids (an SDK's span), not the invalid context the API alone hands
 * back. The ids come from the tracer, so their form needs no check: comparing with the invalid
 * ids is enough (`isSpanContextValid` runs two regular expressions per span).
 */
function hasOwnIds(sc: SpanContext): boolean {
  return sc.spanId !== INVALID_SPANID && sc.traceId !== INVALID_TRACEID;
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
