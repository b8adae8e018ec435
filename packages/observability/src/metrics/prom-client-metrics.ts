import { createRequire } from 'node:module';
import { METRICS, type MetricKey } from './metric-names.js';
import type { Labels, MetricsSink } from './metrics-sink.js';

/**
 * The part of a prom-client `Registry` we rely on.
 *
 * @example
 * ```ts
 * registerHooks(createObservabilityHooks({ registry: new Registry() })); // prom-client
 * ```
 */
export interface PromRegistryLike {
  getSingleMetric(name: string): unknown;
  metrics(): Promise<string>;
}

interface PromMetric {
  inc?(labels: Labels, value: number): void;
  dec?(labels: Labels, value: number): void;
  observe?(labels: Labels, value: number): void;
  set?(labels: Labels, value: number): void;
}

type PromClient = {
  Counter: new (config: object) => PromMetric;
  Histogram: new (config: object) => PromMetric;
  Gauge: new (config: object) => PromMetric;
};

function loadPromClient(): PromClient {
  // prom-client is an optional peer: load it only when a registry is passed.
  const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  try {
    return require('prom-client') as PromClient;
  } catch (error) {
    throw new TypeError(
      'createObservabilityHooks: a prom-client registry was given but prom-client is not installed',
      {
        cause: error,
      },
    );
  }
}

/** Prometheus label names cannot contain dots: `gen_ai.token.type` becomes `gen_ai_token_type`. */
function promName(label: string): string {
  return label.replaceAll('.', '_');
}

function promLabels(labels: Labels): Labels {
  let out: Record<string, string> | undefined;
  for (const key in labels) {
    if (!key.includes('.')) continue;
    out ??= { ...labels };
    out[promName(key)] = labels[key] as string;
    delete out[key];
  }
  return out ?? labels;
}

/**
 * Records into a prom-client `Registry` you own, with the same names as the OpenTelemetry path.
 * Metrics already registered under a name (for example by a second set of hooks) are reused.
 */
export class PromClientMetricsSink implements MetricsSink {
  readonly #metrics = new Map<MetricKey, PromMetric>();

  constructor(registry: PromRegistryLike) {
    const prom = loadPromClient();
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const d = METRICS[key];
      const existing = registry.getSingleMetric(d.prometheus) as PromMetric | undefined;
      if (existing !== undefined) {
        this.#metrics.set(key, existing);
        continue;
      }
      const config = {
        name: d.prometheus,
        help: d.help,
        labelNames: d.labels.map(promName),
        registers: [registry],
        ...('buckets' in d ? { buckets: [...d.buckets] } : {}),
      };
      const metric =
        d.kind === 'counter'
          ? new prom.Counter(config)
          : d.kind === 'histogram'
            ? new prom.Histogram(config)
            : new prom.Gauge(config);
      this.#metrics.set(key, metric);
    }
  }

  add(metric: MetricKey, value: number, labels: Labels): void {
    const m = this.#metrics.get(metric);
    if (value >= 0) m?.inc?.(promLabels(labels), value);
    else m?.dec?.(promLabels(labels), -value);
  }

  record(metric: MetricKey, value: number, labels: Labels): void {
    this.#metrics.get(metric)?.observe?.(promLabels(labels), value);
  }

  set(metric: MetricKey, value: number, labels: Labels): void {
    this.#metrics.get(metric)?.set?.(promLabels(labels), value);
  }
}
