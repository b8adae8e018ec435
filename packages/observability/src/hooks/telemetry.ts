import type { Context, Span, Tracer } from '@opentelemetry/api';
import { createContextKey } from '@tta/agent-context';
import type { PrimitiveRef } from '@tta/primitives';
import type { Labels, MetricsSink } from '../metrics/metrics-sink.js';

/** What the hooks keep about one running execution, found through its step's context. */
export interface ExecutionState {
  readonly span: Span;
  /** Attempts started so far (retry executions only). */
  attempts: number;
  readonly isRetry: boolean;
  /** The outermost step's name: `gen_ai.workflow.name` on every span of the run. */
  readonly workflowName: string;
  /** The agent this execution runs as (its context's `agentId`). */
  readonly agentId: string | undefined;
  /** What the span is to GenAI views: the outermost step, an agent or a tool (else undefined). */
  readonly role: 'workflow' | 'agent' | 'tool' | undefined;
  /** GenAI metric attributes once the step reported an LLM call. */
  llm?: Labels;
  /** The OpenTelemetry context the step runs in (its span active): its children's parent. */
  otelContext?: Context;
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
  /** True while no tracer records spans (the global provider has no SDK behind it). */
  readonly tracingOff: () => boolean;
  readonly metrics: MetricsSink;
  readonly captureContent: boolean;
  /** The longest captured content, in characters. */
  readonly maxContentLength: number;
  /** Errors already recorded as a span exception (each is recorded once, where it surfaced). */
  readonly recordedErrors: WeakSet<object>;
  /** Reports what failed while ending an execution (a span processor or meter that threw). */
  readonly reportFailure: (error: unknown) => void;
  labelsOf(primitive: PrimitiveRef): PrimitiveLabels;
}

/** The label value that stands for every name past the bound (see `labelCache`). */
const OVERFLOW_NAME = '(other)';

/**
 * The label sets of primitives, keyed by their values (type and name), so steps built per request
 * with one name share one set and one series, and nothing is kept per instance. At most `max`
 * sets: past that, new names of a type share one overflow set (`primitive_name="(other)"`), so a
 * name that is not bounded (an id slipped into it) cannot grow the metrics without limit.
 */
export function labelCache(max: number): (primitive: PrimitiveRef) => PrimitiveLabels {
  const byValue = new Map<string, PrimitiveLabels>();
  const make = (type: string, name: string): PrimitiveLabels => ({
    base: { primitive_type: type, primitive_name: name },
    success: { primitive_type: type, primitive_name: name, status: 'success' },
    error: { primitive_type: type, primitive_name: name, status: 'error' },
  });
  // Fast path per instance; the entry goes with the instance and points at the shared set.
  const byPrimitive = new WeakMap<object, PrimitiveLabels>();
  return (primitive) => {
    const cached = byPrimitive.get(primitive);
    if (cached !== undefined) return cached;
    const { type, name } = primitive;
    const key = `${type}\u0000${name}`;
    let labels = byValue.get(key);
    if (labels === undefined) {
      if (byValue.size < max) {
        labels = make(type, name);
        byValue.set(key, labels);
      } else {
        const overflow = `${type}\u0000${OVERFLOW_NAME}`;
        labels = byValue.get(overflow) ?? make(type, OVERFLOW_NAME);
        byValue.set(overflow, labels);
      }
    }
    byPrimitive.set(primitive, labels);
    return labels;
  };
}
