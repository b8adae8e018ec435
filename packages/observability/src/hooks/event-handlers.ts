import type { Span } from '@opentelemetry/api';
import type { PrimitiveEvent, PrimitiveEventType } from '@tta/primitives';
import { ATTR, EVENT, errorType } from '../attributes.js';
import type { Labels } from '../metrics/metrics-sink.js';
import { recordLlmCall } from './llm-call.js';
import type { ExecutionState, Telemetry } from './telemetry.js';

/** What a handler gets: the event, the execution's span (if any), its state and its labels. */
interface Target {
  readonly t: Telemetry;
  readonly span: Span | undefined;
  readonly state: ExecutionState | undefined;
  readonly labels: Labels;
}

/** A handler of any event (what the dispatcher calls). */
export type EventHandler = (event: PrimitiveEvent, target: Target) => void;

type Handlers = {
  readonly [K in PrimitiveEventType]: (
    event: Extract<PrimitiveEvent, { type: K }>,
    target: Target,
  ) => void;
};

const CIRCUIT_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2 } as const;

/** One small handler per event type: the metric it counts and what it adds to the span. */
export const EVENT_HANDLERS: Handlers = {
  retry: (e, { t, span, labels }) => {
    t.metrics.add('retries', 1, labels);
    span?.addEvent(EVENT.retry, {
      [ATTR.retryAttempt]: e.attempt,
      [ATTR.retryDelayMs]: e.delayMs,
      [ATTR.errorType]: errorType(e.error),
    });
  },
  fallback: (e, { t, span, labels }) => {
    t.metrics.add('fallbacks', 1, labels);
    span?.addEvent(EVENT.fallback, {
      [ATTR.fallbackFrom]: e.from,
      [ATTR.fallbackTo]: e.to,
      [ATTR.errorType]: errorType(e.error),
    });
  },
  timeout: (e, { t, span, labels }) => {
    t.metrics.add('timeouts', 1, labels);
    span?.addEvent(EVENT.timeout, { [ATTR.timeoutMs]: e.timeoutMs });
  },
  // The span's attribute is the state its call was admitted in; changes during it are events.
  'circuit-admission': (e, { span }) => {
    span?.setAttribute(ATTR.circuitState, e.state);
  },
  'circuit-state-change': (e, { t, span, labels }) => {
    t.metrics.set('circuitState', CIRCUIT_STATE_VALUE[e.to], labels);
    span?.addEvent(EVENT.circuitStateChange, {
      [ATTR.circuitFrom]: e.from,
      [ATTR.circuitTo]: e.to,
    });
  },
  'cache-hit': (_e, { t, span, labels }) => {
    t.metrics.add('cacheHits', 1, labels);
    span?.setAttribute(ATTR.cacheHit, true);
  },
  'cache-miss': (_e, { t, span, labels }) => {
    t.metrics.add('cacheMisses', 1, labels);
    span?.setAttribute(ATTR.cacheHit, false);
  },
  compensation: (e, { t, span, labels }) => {
    t.metrics.add('compensations', 1, { ...labels, status: e.status });
    span?.addEvent(EVENT.compensation, { [ATTR.sagaStep]: e.step, [ATTR.sagaStatus]: e.status });
  },
  rejection: (e, { t, span, labels }) => {
    if (e.reason === 'bulkhead-full') t.metrics.add('bulkheadRejections', 1, labels);
    span?.addEvent(EVENT.rejection, { [ATTR.rejectionReason]: e.reason });
  },
  route: (e, { span }) => {
    span?.setAttribute(ATTR.routerRoute, e.route);
  },
  'cache-error': (e, { span }) => {
    span?.addEvent(EVENT.cacheError, {
      [ATTR.errorType]: errorType(e.error),
      [ATTR.storeOperation]: e.operation,
    });
  },
  'store-error': (e, { span }) => {
    span?.addEvent(EVENT.storeError, {
      [ATTR.errorType]: errorType(e.error),
      [ATTR.storeOperation]: e.operation,
    });
  },
  'llm-call': (e, { t, span, state }) => recordLlmCall(t, e, state, span),
  // Durable runs: a replayed step's span says it did not run; journal writes and run transitions
  // are measured.
  'durable-step': (e, { t, span }) => {
    if (e.status === 'replayed') {
      span?.setAttribute(ATTR.durableReplayed, true);
      t.metrics.add('durableStepsReplayed', 1, { workflow: e.workflow });
    } else if (e.writeMs !== undefined) {
      t.metrics.record('durableJournalWrite', e.writeMs / 1000, { workflow: e.workflow });
    }
  },
  // Streaming steps: how many chunks, and how long the first took (what a chat user waits for).
  stream: (e, { t, span, labels }) => {
    span?.setAttribute(ATTR.streamChunks, e.chunks);
    span?.setAttribute(ATTR.streamTimeToFirstChunk, e.timeToFirstChunkMs);
    t.metrics.add('streamChunks', e.chunks, labels);
    t.metrics.record('streamTimeToFirstChunk', e.timeToFirstChunkMs / 1000, labels);
  },
  'durable-run': (e, { t, span }) => {
    t.metrics.add('durableRuns', 1, { workflow: e.workflow, status: e.status });
    span?.addEvent(EVENT.durableRun, {
      [ATTR.durableRunId]: e.runId,
      [ATTR.durableStatus]: e.status,
    });
  },
};
