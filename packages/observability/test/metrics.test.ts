import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BulkheadPrimitive,
  CachePrimitive,
  CircuitBreakerPrimitive,
  CompensationPrimitive,
  FallbackPrimitive,
  lambda,
  type PrimitiveHooks,
  RetryPrimitive,
  registerHooks,
  reportLlmCall,
  sagaStep,
  TimeoutPrimitive,
} from '@tta/primitives';
import { MockPrimitive } from '@tta/primitives/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createObservabilityHooks, DURATION_BUCKETS_SECONDS } from '../src/index.js';
import { find, parsePrometheus } from './prometheus-text.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs one of every instrumented situation. */
async function workload(): Promise<void> {
  const ok = lambda((x: number) => x, { name: 'ok' });
  await ok.execute(1);
  await ok.execute(2);
  await lambda(
    (): number => {
      throw new Error('x');
    },
    { name: 'broken' },
  )
    .execute(1)
    .catch(() => {});
  await new RetryPrimitive(
    new MockPrimitive<number, number>({ name: 'flaky', returns: 1, failTimes: 1 }),
    { name: 'retry', initialDelayMs: 0 },
  ).execute(1);
  await new FallbackPrimitive(
    new MockPrimitive<number, number>({ name: 'primary', throws: new Error('p') }),
    ok,
    { name: 'fallback' },
  ).execute(1);
  await new TimeoutPrimitive(new MockPrimitive<number, number>({ returns: 1, delayMs: 200 }), {
    timeoutMs: 5,
    name: 'timeout',
  })
    .execute(1)
    .catch(() => {});
  await new CircuitBreakerPrimitive(new MockPrimitive({ throws: new Error('down') }), {
    name: 'breaker',
    failureThreshold: 1,
  })
    .execute(1)
    .catch(() => {});
  const cache = new CachePrimitive(ok, { name: 'cache' });
  await cache.execute(5);
  await cache.execute(5);
  await new CompensationPrimitive(
    [
      sagaStep({ name: 'reserve', action: (n: number) => n, compensate: () => {} }),
      sagaStep({
        name: 'charge',
        action: (_: number): number => {
          throw new Error('card declined');
        },
        compensate: () => {},
      }),
    ],
    { name: 'saga' },
  )
    .execute(1)
    .catch(() => {});
  const slow = new BulkheadPrimitive(
    new MockPrimitive<number, number>({ returns: 1, delayMs: 20 }),
    { maxConcurrent: 1, name: 'bulkhead' },
  );
  await Promise.allSettled([slow.execute(1), slow.execute(2)]);
  await lambda(
    async () => {
      reportLlmCall({
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 100,
        outputTokens: 20,
      });
    },
    { name: 'llm' },
  ).execute(undefined);
}

function expectStandardMetrics(text: string) {
  const { samples, types } = parsePrometheus(text);
  const ok = { primitive_type: 'lambda', primitive_name: 'ok' };
  expect(
    find(samples, 'tta_primitive_executions_total', { ...ok, status: 'success' })[0]?.value,
  ).toBeGreaterThanOrEqual(2);
  expect(
    find(samples, 'tta_primitive_executions_total', {
      primitive_name: 'broken',
      status: 'error',
    })[0]?.value,
  ).toBe(1);
  expect(types.get('tta_primitive_executions_total') ?? types.get('tta_primitive_executions')).toBe(
    'counter',
  );
  expect(types.get('tta_primitive_duration_seconds')).toBe('histogram');
  const buckets = find(samples, 'tta_primitive_duration_seconds_bucket', {
    ...ok,
    status: 'success',
  }).map((s) => s.labels.le);
  expect(buckets).toEqual([...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
  expect(
    find(samples, 'tta_primitive_duration_seconds_count', { ...ok, status: 'success' })[0]?.value,
  ).toBeGreaterThanOrEqual(2);
  expect(find(samples, 'tta_retry_attempts_total', { primitive_name: 'retry' })[0]?.value).toBe(1);
  expect(
    find(samples, 'tta_fallback_activations_total', { primitive_name: 'fallback' })[0]?.value,
  ).toBe(1);
  expect(find(samples, 'tta_timeouts_total', { primitive_name: 'timeout' })[0]?.value).toBe(1);
  expect(find(samples, 'tta_circuit_breaker_state', { primitive_name: 'breaker' })[0]?.value).toBe(
    1,
  );
  expect(find(samples, 'tta_cache_hits_total', { primitive_name: 'cache' })[0]?.value).toBe(1);
  expect(find(samples, 'tta_cache_misses_total', { primitive_name: 'cache' })[0]?.value).toBe(1);
  expect(
    find(samples, 'tta_compensations_total', { primitive_name: 'saga', status: 'compensated' })[0]
      ?.value,
  ).toBe(1);
  expect(
    find(samples, 'tta_bulkhead_rejections_total', { primitive_name: 'bulkhead' })[0]?.value,
  ).toBe(1);
  expect(find(samples, 'tta_active_executions', ok)[0]?.value).toBe(0);
  expect(
    find(samples, 'gen_ai_client_token_usage_sum', {
      gen_ai_token_type: 'input',
      gen_ai_request_model: 'gpt-4o-mini',
    })[0]?.value,
  ).toBe(100);
  expect(
    find(samples, 'gen_ai_client_operation_duration_count', { gen_ai_provider_name: 'openai' })[0]
      ?.value,
  ).toBe(1);
  // Labels stay bounded: no input values or ids anywhere.
  const labelKeys = new Set(samples.flatMap((s) => Object.keys(s.labels)));
  for (const key of labelKeys) {
    expect([
      'primitive_type',
      'primitive_name',
      'status',
      'le',
      'gen_ai_operation_name',
      'gen_ai_provider_name',
      'gen_ai_request_model',
      'gen_ai_token_type',
      'error_type',
      'otel_scope_name',
      'otel_scope_version',
      'job',
      'instance',
      'service_name',
      'telemetry_sdk_language',
      'telemetry_sdk_name',
      'telemetry_sdk_version',
      'otel_scope_schema_url',
    ]).toContain(key);
  }
}

function register(hooks: PrimitiveHooks) {
  cleanups.push(
    registerHooks(hooks, {
      onError: (e) => {
        throw e;
      },
    }),
  );
}

describe('metrics', () => {
  it('OpenTelemetry meter + Prometheus exporter: the real /metrics endpoint, over HTTP', async () => {
    // The exporter ignores port 0, so its handler is served on our own server (free port).
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    cleanups.push(() => provider.shutdown());
    register(createObservabilityHooks({ meterProvider: provider }));
    await workload();
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expectStandardMetrics(await response.text());
  });

  it('a user prom-client Registry gets the same names', async () => {
    const registry = new Registry();
    register(createObservabilityHooks({ registry }));
    await workload();
    expectStandardMetrics(await registry.metrics());
  });

  it('two sets of hooks on one registry share its metrics', async () => {
    const registry = new Registry();
    createObservabilityHooks({ registry });
    expect(() => createObservabilityHooks({ registry })).not.toThrow();
  });
});

describe('label sets are keyed by their values and bounded (issue 12, item 15)', () => {
  it('steps built per request with one name share one label set: nothing is kept per instance', async () => {
    // A meter provider that records what the hooks observe for the active-executions gauge.
    const callbacks: ((result: { observe(value: number, labels: object): void }) => void)[] = [];
    const noop = { add() {}, record() {} };
    const meter = {
      createCounter: () => noop,
      createHistogram: () => noop,
      createGauge: () => noop,
      createUpDownCounter: () => noop,
      createObservableUpDownCounter: () => ({
        addCallback: (cb: (typeof callbacks)[number]) => callbacks.push(cb),
      }),
    };
    const meterProvider = { getMeter: () => meter } as never;
    register(createObservabilityHooks({ meterProvider }));
    for (let i = 0; i < 2000; i++)
      await lambda((x: number) => x, { name: 'per-request' }).execute(i);
    const observed: object[] = [];
    for (const cb of callbacks) cb({ observe: (_value, labels) => observed.push(labels) });
    expect(observed).toEqual([{ primitive_type: 'lambda', primitive_name: 'per-request' }]);
  });

  it('past the bound, new label sets share one overflow series per type', async () => {
    const registry = new Registry();
    register(createObservabilityHooks({ registry, maxLabelSets: 3 }));
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      await lambda((x: number) => x, { name }).execute(1);
    const text = await registry.metrics();
    expect(text).toContain('primitive_name="c"');
    expect(text).not.toContain('primitive_name="d"');
    expect(text).toContain('primitive_name="(other)"');
  });
});
