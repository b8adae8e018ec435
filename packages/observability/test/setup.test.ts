import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tracing } from '@opentelemetry/sdk-node';
import { lambda, sequential } from '@tta/primitives';
import { afterEach, describe, expect, it } from 'vitest';
import { setupObservability } from '../src/setup/index.js';
import { find, parsePrometheus } from './prometheus-text.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('setupObservability', () => {
  it('serves /metrics, exports spans to the given processors, and shuts down cleanly', async () => {
    const spans = new tracing.InMemorySpanExporter();
    const handle = await setupObservability({
      serviceName: 'test-service',
      prometheus: { port: 0, host: '127.0.0.1' },
      spanProcessors: [new tracing.SimpleSpanProcessor(spans)],
    });
    expect(handle.enabled).toBe(true);
    expect(handle.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    try {
      await sequential(
        lambda((x: number) => x + 1, { name: 'a' }),
        lambda((x: number) => x * 2, { name: 'b' }),
      ).execute(1);
      const response = await fetch(handle.metricsUrl as string);
      const { samples } = parsePrometheus(await response.text());
      expect(
        find(samples, 'tta_primitive_executions_total', {
          primitive_name: 'a',
          status: 'success',
        })[0]?.value,
      ).toBe(1);
      expect((await fetch(handle.metricsUrl?.replace('/metrics', '/other') as string)).status).toBe(
        404,
      );
      // Span export waits for resource detection: flush before reading the exporter.
      await handle.forceFlush();
      expect(
        spans
          .getFinishedSpans()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['invoke_workflow SequentialPrimitive', 'lambda a', 'lambda b']);
      expect(spans.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('test-service');
    } finally {
      await handle.shutdown();
      await handle.shutdown();
    }
    await expect(fetch(handle.metricsUrl as string)).rejects.toThrow();
  });

  it('never exports to an OTLP endpoint it was not given', async () => {
    let requests = 0;
    const collector = createServer((_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const handle = await setupObservability({ serviceName: 'quiet' });
      await lambda((x: number) => x).execute(1);
      await handle.shutdown();
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it('reports a busy port clearly and can be set up again afterwards', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        setupObservability({ serviceName: 's', prometheus: { port, host: '127.0.0.1' } }),
      ).rejects.toThrow(/cannot serve metrics/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const again = await setupObservability({
      serviceName: 's',
      prometheus: { port: 0, host: '127.0.0.1' },
    });
    await again.shutdown();
  });

  it('validates its options', async () => {
    await expect(setupObservability({} as never)).rejects.toThrow(TypeError);
    await expect(
      setupObservability({ serviceName: 's', prometheus: { port: 70_000 } }),
    ).rejects.toThrow(RangeError);
    await expect(
      setupObservability({ serviceName: 's', prometheus: { endpoint: 'metrics' } }),
    ).rejects.toThrow(TypeError);
  });
});
