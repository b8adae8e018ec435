import type { Span, Tracer } from '@opentelemetry/api';
import { createContextKey } from '@tta/agent-context';
import type { PrimitiveRef } from '@tta/primitives';
import type { Labels, MetricsSink } from '../metrics/metrics-sink.js';

/** What the hooks keep about one running execution, found through its step's context. */
export interface ExecutionState {
  readonly span: Span;
  /** Attempts started so far (retry executions only). */
  attempts: number;
  readonly isRetry: boolean;
  /** GenAI metric attributes once the step reported an LLM call. */
  llm?: Labels;
}

/** The slot on each step's context that holds its execution (a typed key, not a cast). */
export const EXECUTION = createContextKey<ExecutionState>('tta.observability.execution');

/** The metric labels of one primitive: without status, and with each status. */
export interface PrimitiveLabels {
  readonly base: Labels;
  readonly success: Labels;
  readonly error: Labels;
}

/** Everything one set of hooks records into, shared by the span lifecycle and the event handlers. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly metrics: MetricsSink;
  readonly captureContent: boolean;
  /** Errors already recorded as a span exception (each is recorded once, where it surfaced). */
  readonly recordedErrors: WeakSet<object>;
  labelsOf(primitive: PrimitiveRef): PrimitiveLabels;
}

/** A per-primitive cache of label sets: on Node 20 a spread that adds a key costs ~0.5 µs. */
export function labelCache(): (primitive: PrimitiveRef) => PrimitiveLabels {
  const cache = new WeakMap<object, PrimitiveLabels>();
  return (primitive) => {
    let cached = cache.get(primitive);
    if (cached === undefined) {
      const { type, name } = primitive;
      cached = {
        base: { primitive_type: type, primitive_name: name },
        success: { primitive_type: type, primitive_name: name, status: 'success' },
        error: { primitive_type: type, primitive_name: name, status: 'error' },
      };
      cache.set(primitive, cached);
    }
    return cached;
  };
}
