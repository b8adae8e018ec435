import {
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type UpDownCounter,
} from '@opentelemetry/api';
import { METRICS, type MetricKey } from './metric-names.js';
import type { Labels, MetricsSink } from './metrics-sink.js';

type Instrument = Counter | Histogram | Gauge | UpDownCounter;

/**
 * Records through an OpenTelemetry meter. Instruments are created on first use, and again if the
 * global meter provider changes (instruments made before an app registers its provider stay silent).
 */
export class OtelMetricsSink implements MetricsSink {
  readonly #explicitProvider: MeterProvider | undefined;
  readonly #version: string;
  #provider: MeterProvider | undefined;
  #meter: Meter | undefined;
  #instruments = new Map<MetricKey, Instrument>();

  constructor(provider: MeterProvider | undefined, version: string) {
    this.#explicitProvider = provider;
    this.#version = version;
  }

  // Executions in progress and executions done, counted here and reported when the SDK collects:
  // cheaper than recording per execution (the SDK hashes a record's attributes every time, the
  // largest single cost of a span's telemetry). Their label objects are built once per primitive,
  // so they key these maps by identity and the maps stay as small as the set of primitives.
  readonly #active = new Map<Labels, number>();
  readonly #executions = new Map<Labels, number>();

  add(metric: MetricKey, value: number, labels: Labels): void {
    if (metric === 'active' || metric === 'executions') {
      this.#instrument(metric);
      const counts = metric === 'active' ? this.#active : this.#executions;
      counts.set(labels, (counts.get(labels) ?? 0) + value);
      return;
    }
    (this.#instrument(metric) as Counter).add(value, labels as Attributes);
  }

  record(metric: MetricKey, value: number, labels: Labels): void {
    (this.#instrument(metric) as Histogram).record(value, labels as Attributes);
  }

  set(metric: MetricKey, value: number, labels: Labels): void {
    (this.#instrument(metric) as Gauge).record(value, labels as Attributes);
  }

  #instrument(metric: MetricKey): Instrument {
    const provider = this.#explicitProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider || this.#meter === undefined) {
      this.#provider = provider;
      this.#meter = provider.getMeter('@tta/observability', this.#version);
      this.#instruments = new Map();
    }
    let instrument = this.#instruments.get(metric);
    if (instrument === undefined) {
      instrument =
        metric === 'active'
          ? this.#observeActive(this.#meter)
          : metric === 'executions'
            ? this.#observeExecutions(this.#meter)
            : create(this.#meter, metric);
      this.#instruments.set(metric, instrument);
    }
    return instrument;
  }

  #observeActive(meter: Meter): Instrument {
    const d = METRICS.active;
    const gauge = meter.createObservableUpDownCounter(d.otel, { description: d.help });
    gauge.addCallback((result) => {
      for (const [labels, count] of this.#active) result.observe(count, labels as Attributes);
    });
    // Recorded through the map above, never directly.
    return gauge as unknown as Instrument;
  }

  #observeExecutions(meter: Meter): Instrument {
    const d = METRICS.executions;
    const counter = meter.createObservableCounter(d.otel, { description: d.help });
    counter.addCallback((result) => {
      for (const [labels, count] of this.#executions) result.observe(count, labels as Attributes);
    });
    return counter as unknown as Instrument;
  }
}

function create(meter: Meter, key: MetricKey): Instrument {
  const d = METRICS[key];
  const options = {
    description: d.help,
    ...('unit' in d ? { unit: d.unit } : {}),
    ...('buckets' in d ? { advice: { explicitBucketBoundaries: [...d.buckets] } } : {}),
  };
  switch (d.kind) {
    case 'counter':
      return meter.createCounter(d.otel, options);
    case 'histogram':
      return meter.createHistogram(d.otel, options);
    case 'gauge':
      return meter.createGauge(d.otel, options);
    case 'updown':
      return meter.createUpDownCounter(d.otel, options);
  }
}
