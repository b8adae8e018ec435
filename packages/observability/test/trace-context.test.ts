import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracedService } from './fixtures/traced-service.js';

// W3C Trace Context conformance with @tta/observability on a real OpenTelemetry SDK (issue 13
// item 5): the spec test suite's shapes over real HTTP, each callback made from its own step.
// The full table for WorkflowContext alone is in agent-context's trace-context-conformance test;
// this one checks what the spans change: the outgoing parent id is the calling step's span.

const TRACE = '12345678901234567890123456789012';
const PARENT = '1234567890123456';

let service: Awaited<ReturnType<typeof startTracedService>>;
let harness: Server;
let harnessUrl: string;
const callbacks = new Map<string, IncomingHttpHeaders>();
let scopes = 0;

beforeAll(async () => {
  service = await startTracedService();
  harness = createServer((req, res) => {
    callbacks.set(req.url ?? '', req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
  harnessUrl = `http://127.0.0.1:${(harness.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await service.stop();
  await new Promise((resolve) => harness.close(resolve));
});

async function exchange(headers: [string, string][], count = 1) {
  const scope = `s${scopes++}`;
  const body = JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      url: `${harnessUrl}/${scope}.${i}`,
      arguments: [],
    })),
  );
  const raw = [
    ...headers.flat(),
    'host',
    new URL(service.url).host,
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
  ];
  service.exporter.reset();
  await new Promise<void>((resolve, reject) => {
    const req = request(service.url, { method: 'POST', headers: raw });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
  const spans = service.exporter.getFinishedSpans().filter((s) => s.name.endsWith('callback'));
  return Array.from({ length: count }, (_, i) => {
    const h = callbacks.get(`/${scope}.${i}`) as IncomingHttpHeaders;
    const [, traceId, parentId, flags] = (h.traceparent as string).split('-') as [
      string,
      string,
      string,
      string,
    ];
    return { traceId, parentId, flags, tracestate: h.tracestate, span: spans[i] };
  });
}

describe('W3C Trace Context with observability on', () => {
  it('continues a valid trace; each outgoing call is parented to its own step span', async () => {
    const outs = await exchange([['traceparent', `00-${TRACE}-${PARENT}-01`]], 3);
    expect(outs.map((o) => o.traceId)).toEqual([TRACE, TRACE, TRACE]);
    expect(outs.map((o) => o.parentId)).toEqual(outs.map((o) => o.span?.spanContext().spanId));
    expect(new Set(outs.map((o) => o.parentId)).size).toBe(3);
    expect(outs.every((o) => o.span?.parentSpanContext?.spanId === PARENT)).toBe(true);
  });

  it('starts one new trace for an invalid or missing traceparent', async () => {
    for (const headers of [[['traceparent', `00-${'0'.repeat(32)}-${PARENT}-01`]], []] as [
      string,
      string,
    ][][]) {
      const outs = await exchange(headers, 3);
      expect(new Set(outs.map((o) => o.traceId)).size).toBe(1);
      expect(outs[0]?.traceId).not.toBe('0'.repeat(32));
      expect(new Set(outs.map((o) => o.parentId)).size).toBe(3);
      expect(outs.every((o) => o.flags === '03')).toBe(true); // sampled, random id
    }
  });

  it('zeroes reserved flag bits, keeps the random flag, and honours an unsampled parent', async () => {
    expect((await exchange([['traceparent', `00-${TRACE}-${PARENT}-ff`]]))[0]?.flags).toBe('03');
    expect((await exchange([['traceparent', `00-${TRACE}-${PARENT}-02`]]))[0]?.flags).toBe('02');
    const unsampled = await exchange([['traceparent', `00-${TRACE}-${PARENT}-00`]], 2);
    expect(unsampled.map((o) => o.flags)).toEqual(['00', '00']);
    expect(new Set(unsampled.map((o) => o.parentId)).size).toBe(2);
    expect(unsampled.map((o) => o.parentId)).not.toContain(PARENT);
  });

  it('forwards tracestate (combined, in order) and drops an invalid one whole', async () => {
    const [ok] = await exchange([
      ['traceparent', `00-${TRACE}-${PARENT}-01`],
      ['tracestate', 'rojo=1,congo=2'],
      ['tracestate', 'baz=3'],
    ]);
    expect(ok?.tracestate).toBe('rojo=1,congo=2,baz=3');
    const [bad] = await exchange([
      ['traceparent', `00-${TRACE}-${PARENT}-01`],
      ['tracestate', 'rojo=1,BAD=2'],
    ]);
    expect(bad?.tracestate).toBeUndefined();
  });
});
