export { ATTR, EVENT, errorType } from './attributes.js';
export {
  type Evaluation,
  type EvaluationTarget,
  recordEvaluation,
} from './evaluation/record-evaluation.js';
export { type TracedRun, traceRun } from './evaluation/trace-run.js';
export { createTraceIdGenerator, type TraceIdGenerator } from './hooks/trace-id-generator.js';
export { createLoggingHooks, type LoggingHooksOptions, type LogRecord } from './logging-hooks.js';
export {
  DURATION_BUCKETS_SECONDS,
  GENAI_DURATION_BUCKETS_SECONDS,
  METRICS,
  type MetricKey,
  TOKEN_BUCKETS,
} from './metrics/metric-names.js';
export type { PromRegistryLike } from './metrics/prom-client-metrics.js';
export { createObservabilityHooks, type ObservabilityHooksOptions } from './observability-hooks.js';
