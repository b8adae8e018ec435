import { newSpanId, newTraceId } from '@tta/agent-context';

// A W3C request that starts a new trace gets its trace id from its WorkflowContext (made when
// the request starts, shared by everything run with that context). The OpenTelemetry API cannot
// start a root span with a given trace id, but the SDK asks its id generator synchronously inside
// `startSpan`: this generator hands it the context's id for that one call.

let pending: string | undefined;

/**
 * The id generator interface of the OpenTelemetry SDK (`IdGenerator`), without depending on it.
 *
 * @example
 * ```ts
 * const ids: TraceIdGenerator = createTraceIdGenerator();
 * ```
 */
export interface TraceIdGenerator {
  generateTraceId(): string;
  generateSpanId(): string;
}

/**
 * An OpenTelemetry SDK id generator that lets the observability hooks start the root span of a
 * new trace in the workflow context's own trace id, so every step run with one root context is in
 * one trace. `setupObservability` installs it; pass it as `idGenerator` when you build your own
 * tracer provider. Without it, each step run with a root context starts a trace of its own.
 *
 * @example
 * ```ts
 * const provider = new NodeTracerProvider({ idGenerator: createTraceIdGenerator(), spanProcessors });
 * ```
 */
export function createTraceIdGenerator(): TraceIdGenerator {
  return {
    generateTraceId() {
      const id = pending;
      pending = undefined;
      return id ?? newTraceId();
    },
    generateSpanId: newSpanId,
  };
}

/** Runs `start` (a synchronous `startSpan`) with `traceId` waiting for the generator. */
export function withTraceId<T>(traceId: string, start: () => T): T {
  pending = traceId;
  try {
    return start();
  } finally {
    pending = undefined;
  }
}
