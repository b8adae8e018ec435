import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatBaggage, parseBaggage, parseTraceparent, WorkflowContext } from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('parses a valid header', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
    });
  });

  it('accepts future versions with extra fields', () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)?.traceId).toBe(TRACE);
  });

  it.each([
    ['', 'empty'],
    [`00-${TRACE.toUpperCase()}-${SPAN}-01`, 'upper case'],
    [`ff-${TRACE}-${SPAN}-01`, 'version ff'],
    [`00-${'0'.repeat(32)}-${SPAN}-01`, 'zero trace id'],
    [`00-${TRACE}-${'0'.repeat(16)}-01`, 'zero span id'],
    [`00-${TRACE}-${SPAN}-01-extra`, 'extra data on version 00'],
    [`00-${TRACE}-${SPAN}`, 'missing flags'],
    [`00-${TRACE.slice(1)}-${SPAN}-01`, 'short trace id'],
    ['x'.repeat(10_000), 'huge'],
  ])('rejects %s (%s)', (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('baggage', () => {
  it('parses members, decodes values and drops properties', () => {
    expect(parseBaggage('tenant=acme, plan = pro%20plus;ttl=10 ,x=%E2%9C%93')).toEqual({
      tenant: 'acme',
      plan: 'pro plus',
      x: '✓',
    });
  });

  it('skips malformed members one by one', () => {
    expect(parseBaggage('good=1,=nokey,novalue,bad key=2,bad%=%zz,ok=2')).toEqual({
      good: '1',
      ok: '2',
    });
  });

  it('ignores a header over 8192 bytes', () => {
    expect(parseBaggage(`a=${'x'.repeat(8200)}`)).toEqual({});
  });

  it('keeps at most 180 members', () => {
    const header = Array.from({ length: 300 }, (_, i) => `k${i}=v`).join(',');
    expect(Object.keys(parseBaggage(header))).toHaveLength(180);
  });

  it('never touches prototypes', () => {
    const parsed = parseBaggage('__proto__=polluted,constructor=x,prototype=y,safe=1');
    expect(parsed).toEqual({ safe: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('formats with percent-encoding and drops what does not fit', () => {
    expect(formatBaggage({ tenant: 'acme', plan: 'pro plus, gold' })).toBe(
      'tenant=acme,plan=pro%20plus%2C%20gold',
    );
    expect(formatBaggage({})).toBeUndefined();
    const big = formatBaggage({ a: 'x'.repeat(5000), b: 'y'.repeat(5000), c: 'z' });
    expect(big).toBe(`a=${'x'.repeat(5000)},c=z`);
  });
});

describe('toHeaders / fromHeaders', () => {
  it('always sends a traceparent (a root starts a trace) and a correlation id', () => {
    const root = WorkflowContext.create({ correlationId: 'req-1' });
    expect(root.toHeaders()).toEqual({
      'x-correlation-id': 'req-1',
      traceparent: expect.stringMatching(new RegExp(`^00-${root.traceId}-[0-9a-f]{16}-03$`)),
    });
    const traced = WorkflowContext.create({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
      baggage: { t: 'a b' },
    });
    expect(traced.toHeaders()).toEqual({
      traceparent: `00-${TRACE}-${SPAN}-01`,
      baggage: 't=a%20b',
      'x-correlation-id': traced.correlationId,
    });
  });

  it('continues the trace: same trace id and flags, the sender span as parent, a new span', () => {
    const sender = WorkflowContext.create({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 0,
      baggage: { tenant: 'acme' },
    });
    const receiver = WorkflowContext.fromHeaders(
      sender.toHeaders() as unknown as Record<string, string>,
    );
    expect(receiver.traceId).toBe(TRACE);
    expect(receiver.parentSpanId).toBe(SPAN);
    expect(receiver.spanId).not.toBe(SPAN);
    expect(receiver.traceFlags).toBe(0);
    expect(receiver.baggage).toEqual({ tenant: 'acme' });
    expect(receiver.correlationId).toBe(sender.correlationId);
  });

  it('reads fetch Headers and mixed-case records', () => {
    const fromFetch = WorkflowContext.fromHeaders(
      new Headers({ TraceParent: `00-${TRACE}-${SPAN}-01` }),
    );
    expect(fromFetch.traceId).toBe(TRACE);
    const fromRecord = WorkflowContext.fromHeaders({ 'X-Correlation-Id': 'abc' });
    expect(fromRecord.correlationId).toBe('abc');
  });

  it('ignores malformed headers instead of failing', () => {
    const ctx = WorkflowContext.fromHeaders({
      traceparent: 'garbage',
      baggage: '%%%,=,__proto__=x',
      'x-correlation-id': 'bad id with spaces',
    });
    // An invalid traceparent starts a new trace (the spec's processing model).
    expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ctx.parentSpanId).toBeUndefined();
    expect(ctx.baggage).toEqual({});
    expect(ctx.correlationId).not.toBe('bad id with spaces');
    const repeated = WorkflowContext.fromHeaders({
      traceparent: [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01`],
    });
    expect(repeated.traceId).not.toBe(TRACE);
  });

  it('round-trips over a real HTTP request', async () => {
    const received: WorkflowContext[] = [];
    const server = createServer((req, res) => {
      received.push(WorkflowContext.fromHeaders(req.headers));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const sender = WorkflowContext.create({
        traceId: TRACE,
        spanId: SPAN,
        baggage: { user: 'ana maría' },
      });
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { ...sender.toHeaders() },
      });
      expect(await response.text()).toBe('ok');
      expect(received[0]).toMatchObject({
        traceId: TRACE,
        parentSpanId: SPAN,
        baggage: { user: 'ana maría' },
      });
      expect(received[0]?.correlationId).toBe(sender.correlationId);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
