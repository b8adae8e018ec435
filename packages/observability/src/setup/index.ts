export {
  type ObservabilityHandle,
  type PrometheusOptions,
  type SetupObservabilityOptions,
  setupObservability,
} from './setup-observability.js';
