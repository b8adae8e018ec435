import type { MetricKey } from './metric-names.js';

/** Label values by label name (prom-client style names; OTel attributes use the same keys). */
export type Labels = Readonly<Record<string, string>>;

/** Where the hooks record metrics: an OpenTelemetry meter or a prom-client registry. */
export interface MetricsSink {
  /** Adds to a counter or up-down counter. */
  add(metric: MetricKey, value: number, labels: Labels): void;
  /** Records a histogram observation. */
  record(metric: MetricKey, value: number, labels: Labels): void;
  /** Sets a gauge. */
  set(metric: MetricKey, value: number, labels: Labels): void;
}
