/**
 * Buckets for durations in seconds, from 1 ms to 60 s.
 *
 * @example
 * ```ts
 * meter.createHistogram('my_step_seconds', { advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS } });
 * ```
 */
export const DURATION_BUCKETS_SECONDS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * The GenAI semantic conventions' buckets for token counts.
 *
 * @example
 * ```ts
 * meter.createHistogram('gen_ai.client.token.usage', { advice: { explicitBucketBoundaries: TOKEN_BUCKETS } });
 * ```
 */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/**
 * The GenAI semantic conventions' buckets for operation durations, in seconds.
 *
 * @example
 * ```ts
 * meter.createHistogram('gen_ai.client.operation.duration', { advice: { explicitBucketBoundaries: GENAI_DURATION_BUCKETS_SECONDS } });
 * ```
 */
export const GENAI_DURATION_BUCKETS_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

type Kind = 'counter' | 'histogram' | 'gauge' | 'updown';

interface MetricDefinition {
  /** Prometheus exposition name (counters end in `_total`). */
  readonly prometheus: string;
  /** The OpenTelemetry instrument name (the exporter appends `_total` to counters). */
  readonly otel: string;
  readonly kind: Kind;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  readonly unit?: string;
}

const PRIMITIVE = ['primitive_type', 'primitive_name'] as const;
// Dotted, as the GenAI conventions name them; Prometheus sees them with underscores.
const GENAI = ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model'] as const;

function counter(
  base: string,
  help: string,
  labels: readonly string[] = PRIMITIVE,
): MetricDefinition {
  return { prometheus: `${base}_total`, otel: base, kind: 'counter', help, labels };
}

/**
 * Every metric, by key. Labels are bounded: primitive types and names, never inputs or ids.
 *
 * @example
 * ```ts
 * for (const metric of Object.values(METRICS)) console.log(metric.prometheus, metric.help);
 * ```
 */
export const METRICS = {
  executions: counter('tta_primitive_executions', 'Primitive executions, by outcome', [
    ...PRIMITIVE,
    'status',
  ]),
  duration: {
    prometheus: 'tta_primitive_duration_seconds',
    otel: 'tta_primitive_duration_seconds',
    kind: 'histogram',
    help: 'Primitive execution time in seconds',
    labels: [...PRIMITIVE, 'status'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  retries: counter('tta_retry_attempts', 'Retries scheduled after a failed attempt'),
  fallbacks: counter('tta_fallback_activations', 'Switches to a fallback alternative'),
  timeouts: counter('tta_timeouts', 'Steps stopped by a timeout'),
  circuitState: {
    prometheus: 'tta_circuit_breaker_state',
    otel: 'tta_circuit_breaker_state',
    kind: 'gauge',
    help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open',
    labels: PRIMITIVE,
  },
  cacheHits: counter('tta_cache_hits', 'Cache lookups that found an entry'),
  cacheMisses: counter('tta_cache_misses', 'Cache lookups that found nothing'),
  compensations: counter(
    'tta_compensations',
    'Saga steps compensated (or whose compensation failed)',
    [...PRIMITIVE, 'status'],
  ),
  bulkheadRejections: counter('tta_bulkhead_rejections', 'Calls turned away by a full bulkhead'),
  active: {
    prometheus: 'tta_active_executions',
    otel: 'tta_active_executions',
    kind: 'updown',
    help: 'Primitive executions in progress',
    labels: PRIMITIVE,
  },
  tokenUsage: {
    prometheus: 'gen_ai_client_token_usage',
    otel: 'gen_ai.client.token.usage',
    kind: 'histogram',
    help: 'Tokens used per language-model call (GenAI conventions)',
    labels: [...GENAI, 'gen_ai.token.type'],
    buckets: TOKEN_BUCKETS,
    unit: '{token}',
  },
  durableRuns: counter(
    'tta_durable_runs',
    'Durable run transitions in this process (started, resumed, completed, failed, cancelled, suspended)',
    ['workflow', 'status'],
  ),
  durableStepsReplayed: counter(
    'tta_durable_steps_replayed',
    'Durable steps answered from the journal instead of running',
    ['workflow'],
  ),
  streamTimeToFirstChunk: {
    prometheus: 'tta_stream_time_to_first_chunk_seconds',
    otel: 'tta_stream_time_to_first_chunk_seconds',
    kind: 'histogram',
    help: 'Time from a streaming step start to its first chunk, in seconds',
    labels: PRIMITIVE,
    buckets: DURATION_BUCKETS_SECONDS,
    unit: 's',
  },
  streamChunks: counter('tta_stream_chunks', 'Chunks sent by streaming steps'),
  durableJournalWrite: {
    prometheus: 'tta_durable_journal_write_seconds',
    otel: 'tta_durable_journal_write_seconds',
    kind: 'histogram',
    help: 'Time to record a completed durable step in its store, in seconds',
    labels: ['workflow'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    unit: 's',
  },
  llmDuration: {
    prometheus: 'gen_ai_client_operation_duration',
    otel: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    help: 'Language-model call duration in seconds (GenAI conventions)',
    labels: GENAI,
    buckets: GENAI_DURATION_BUCKETS_SECONDS,
    unit: 's',
  },
} as const satisfies Record<string, MetricDefinition>;

/**
 * The key of a metric in {@link METRICS}.
 *
 * @example
 * ```ts
 * const key: MetricKey = 'executions';
 * console.log(METRICS[key].prometheus); // 'tta_primitive_executions_total'
 * ```
 */
export type MetricKey = keyof typeof METRICS;
export type { MetricDefinition };
