export { ATTR, EVENT, errorType } from './attributes.js';
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
