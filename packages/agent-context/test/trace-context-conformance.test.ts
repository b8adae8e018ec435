import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceState } from '../src/index.js';
import { startTraceContextService } from './fixtures/trace-context-service.js';

// W3C Trace Context (Level 2) conformance of WorkflowContext alone, over real HTTP, in the shape
// of the spec's test suite (w3c/trace-context `test/test.py`, STRICT_LEVEL=2): the harness sends
// headers (repeated ones as separate header lines) to a service built on fromHeaders/toHeaders,
// which calls back; the callbacks' traceparent/tracestate are checked. Issue 13 items 1–3 and 5.

const TRACE = '12345678901234567890123456789012';
const PARENT = '1234567890123456';
const tp = (flags = '01', trace = TRACE, parent = PARENT, version = '00') =>
  `${version}-${trace}-${parent}-${flags}`;

let service: { server: Server; url: string };
let harness: Server;
let harnessUrl: string;
const callbacks = new Map<string, IncomingHttpHeaders>();
let nextScope = 0;

beforeAll(async () => {
  service = await startTraceContextService();
  harness = createServer((req, res) => {
    callbacks.set(req.url ?? '', req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
  harnessUrl = `http://127.0.0.1:${(harness.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => service.server.close(resolve));
  await new Promise((resolve) => harness.close(resolve));
});

interface Outgoing {
  traceId: string;
  parentId: string;
  flags: number;
  tracestate: TraceState;
  raw: string;
}

/** Sends `headers` (each pair one header line) and returns the `count` callbacks' trace context. */
async function exchange(headers: [string, string][], count = 1): Promise<Outgoing[]> {
  const scope = `s${nextScope++}`;
  const body = JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      url: `${harnessUrl}/${scope}.${i}`,
      arguments: [],
    })),
  );
  const rawHeaders = headers.flat();
  rawHeaders.push(
    'host',
    new URL(service.url).host,
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
  );
  await new Promise<void>((resolve, reject) => {
    const req = request(service.url, { method: 'POST', headers: rawHeaders });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
  return Array.from({ length: count }, (_, i) => {
    const h = callbacks.get(`/${scope}.${i}`);
    if (h === undefined) throw new Error('the service made no callback');
    const raw = h.traceparent;
    expect(typeof raw).toBe('string'); // exactly one traceparent header
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(raw as string);
    if (match === null) throw new Error(`bad outgoing traceparent ${String(raw)}`);
    const [, traceId, parentId, flags] = match as unknown as [string, string, string, string];
    expect(traceId).not.toBe('0'.repeat(32));
    expect(parentId).not.toBe('0'.repeat(16));
    return {
      traceId,
      parentId,
      flags: Number.parseInt(flags, 16),
      tracestate: TraceState.parse(h.tracestate ?? ''),
      raw: raw as string,
    };
  });
}

const one = async (headers: [string, string][]) => (await exchange(headers))[0] as Outgoing;

describe('traceparent', () => {
  const continued: [string, [string, string][]][] = [
    ['valid, sampled', [['traceparent', tp('01')]]],
    ['header name in any case', [['TraceParent', tp()]]],
    ['spaces and tabs around it', [['traceparent', `\t ${tp()} \t`]]],
    ['a future version', [['traceparent', tp('01', TRACE, PARENT, 'cc')]]],
    [
      'a future version with more fields',
      [['traceparent', `${tp('01', TRACE, PARENT, 'cc')}-what-the-future-will-be-like`]],
    ],
  ];
  it.each(continued)('continues the trace: %s', async (_, headers) => {
    const out = await one(headers);
    expect(out.traceId).toBe(TRACE);
    expect(out.parentId).not.toBe(PARENT); // our own span, not the caller's
  });

  const restarted: [string, string][] = [
    ['version 00 with more data', `${tp()}-what-the-future-will-be-like`],
    ['version 00 with a trailing dot', `${tp()}.`],
    [
      'a future version followed by a non-dash',
      `${tp('01', TRACE, PARENT, 'cc')}.what-the-future-will-be-like`,
    ],
    ['version ff', tp('01', TRACE, PARENT, 'ff')],
    ['illegal version characters', tp('01', TRACE, PARENT, '.0')],
    ['version too long', `000-${TRACE}-${PARENT}-01`],
    ['version too short', `0-${TRACE}-${PARENT}-01`],
    ['upper-case hex', tp('01', TRACE.toUpperCase().replace(/1/g, 'A'))],
    ['all-zero trace id', tp('01', '0'.repeat(32))],
    ['illegal trace id characters', tp('01', `.${TRACE.slice(1)}`)],
    ['trace id too long', tp('01', `${TRACE}3`)],
    ['trace id too short', tp('01', TRACE.slice(1))],
    ['all-zero parent id', tp('01', TRACE, '0'.repeat(16))],
    ['illegal parent id characters', tp('01', TRACE, `.${PARENT.slice(1)}`)],
    ['parent id too long', tp('01', TRACE, `${PARENT}7`)],
    ['parent id too short', tp('01', TRACE, PARENT.slice(1))],
    ['illegal flag characters', tp('.0')],
    ['flags too long', tp('001')],
    ['flags too short', tp('1')],
  ];
  it.each(restarted)('starts a new trace on an invalid one: %s', async (_, value) => {
    const out = await one([
      ['traceparent', value],
      ['tracestate', 'foo=1'],
    ]);
    expect(out.traceId).not.toBe(TRACE);
    expect(out.tracestate.size).toBe(0); // the tracestate went with the invalid traceparent
  });

  it('starts a new trace when traceparent is repeated', async () => {
    const out = await one([
      ['traceparent', tp('01', '12345678901234567890123456789011')],
      ['traceparent', tp()],
    ]);
    expect(out.traceId).not.toBe(TRACE);
    expect(out.traceId).not.toBe('12345678901234567890123456789011');
  });

  it('zeroes reserved flag bits and keeps sampled and random (Level 2)', async () => {
    expect((await one([['traceparent', tp('ff')]])).flags).toBe(0x03);
    expect((await one([['traceparent', tp('04')]])).flags).toBe(0x00);
    expect((await one([['traceparent', tp('03')]])).flags).toBe(0x03);
    expect((await one([['traceparent', tp('02')]])).flags).toBe(0x02);
    expect((await one([['traceparent', tp('00')]])).flags).toBe(0x00);
  });

  it('without a traceparent, starts one trace (random flag set) with a fresh parent id per call', async () => {
    const outs = await exchange([], 3);
    expect(new Set(outs.map((o) => o.traceId)).size).toBe(1);
    expect(new Set(outs.map((o) => o.parentId)).size).toBe(3);
    expect(outs.every((o) => (o.flags & 0x02) === 0x02)).toBe(true);
  });

  it('with a valid traceparent, every call continues it with its own parent id', async () => {
    const outs = await exchange([['traceparent', tp()]], 3);
    expect(outs.map((o) => o.traceId)).toEqual([TRACE, TRACE, TRACE]);
    expect(new Set(outs.map((o) => o.parentId)).size).toBe(3);
  });

  it('with an invalid traceparent, every call carries one new trace', async () => {
    const outs = await exchange([['traceparent', tp('01', '0'.repeat(32))]], 3);
    expect(new Set(outs.map((o) => o.traceId)).size).toBe(1);
    expect(new Set(outs.map((o) => o.parentId)).size).toBe(3);
  });
});

describe('tracestate', () => {
  const parent: [string, string] = ['traceparent', tp('00')];
  const members = async (...values: string[]) =>
    (await one([parent, ...values.map((v): [string, string] => ['tracestate', v])])).tracestate;

  it('is forwarded, members in order, across repeated headers', async () => {
    expect((await members('foo=1,bar=2')).entries()).toEqual([
      ['foo', '1'],
      ['bar', '2'],
    ]);
    const combined = await members('foo=1,bar=2', 'rojo=1,congo=2', 'baz=3');
    expect(combined.toString()).toBe('foo=1,bar=2,rojo=1,congo=2,baz=3');
    expect((await one([parent, ['TraceState', 'foo=1']])).tracestate.get('foo')).toBe('1');
  });

  it('ignores empty headers and members, and spaces and tabs around members', async () => {
    expect((await members('')).size).toBe(0);
    expect((await members('foo=1', '')).get('foo')).toBe('1');
    expect((await members('', 'foo=1')).get('foo')).toBe('1');
    const ows = await members('foo=1 \t , \t bar=2, \t baz=3');
    expect(ows.entries()).toEqual([
      ['foo', '1'],
      ['bar', '2'],
      ['baz', '3'],
    ]);
    expect((await members('\t foo=1 \t')).get('foo')).toBe('1');
    expect((await members('foo=1,,bar=2')).size).toBe(2);
  });

  it('keeps one value of a repeated key', async () => {
    expect((await members('foo=1,foo=2')).entries()).toEqual([['foo', '1']]);
    expect((await members('foo=1', 'foo=2')).entries()).toEqual([['foo', '1']]);
  });

  it('accepts every allowed key and value character, and tenant@system keys', async () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
    const value = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i))
      .filter((c) => c !== ',' && c !== '=')
      .join('');
    expect((await members(`${key}=${value}`)).get(key)).toBe(value);
    expect((await members(`${key}@a-z0-9_-*/=${value}`)).get(`${key}@a-z0-9_-*/`)).toBe(value);
    for (const k of ['foo@', 'foo@@bar', 'foo@bar@baz', `${'t'.repeat(241)}@${'v'.repeat(14)}`])
      expect((await members(`${k}=1`, 'bar=2')).get(k)).toBe('1');
  });

  it.each([
    ['a key with a space', 'foo =1'],
    ['an upper-case key', 'FOO=1'],
    ['a dot in the key', 'foo.bar=1'],
    ['a key starting with @', '@foo=1,bar=2'],
    ['a key over 256 characters', `${'z'.repeat(257)}=1`],
    ['= in the value', 'foo=bar=baz'],
    ['an empty value', 'foo=,bar=3'],
  ])('drops the whole header for %s', async (_, bad) => {
    expect((await members('keep=1', bad)).size).toBe(0);
  });

  it('keeps up to 32 members and drops a header with more', async () => {
    const list = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `bar${from + i}=${from + i}`).join(',');
    expect((await members(list(1, 10), list(11, 20), list(21, 30), list(31, 32))).size).toBe(32);
    expect((await members(list(1, 10), list(11, 20), list(21, 30), list(31, 33))).size).toBe(0);
  });

  it('is ignored without a traceparent', async () => {
    const a = await one([['tracestate', 'foo=1']]);
    const b = await one([['tracestate', 'foo=1,bar=2']]);
    expect(a.tracestate.size).toBe(0);
    expect(b.tracestate.size).toBe(0);
  });
});

describe('TraceState', () => {
  it('a vendor adds or updates its own member at the front', () => {
    const state = TraceState.parse('rojo=1,congo=2');
    expect(state.set('acme', 'x').toString()).toBe('acme=x,rojo=1,congo=2');
    expect(state.set('congo', '3').toString()).toBe('congo=3,rojo=1');
    expect(state.delete('rojo').toString()).toBe('congo=2');
    expect(() => state.set('Bad', 'x')).toThrow(TypeError);
    expect(() => state.set('ok', 'a,b')).toThrow(TypeError);
  });

  it('a 33rd member pushes out the last one; the header stays within 512 characters', () => {
    const full = TraceState.parse(Array.from({ length: 32 }, (_, i) => `k${i}=${i}`).join(','));
    const more = full.set('acme', 'x');
    expect(more.size).toBe(32);
    expect(more.get('k31')).toBeUndefined();
    const long = 'v'.repeat(200);
    const big = TraceState.parse(`a=${long},b=1,c=${long},d=2,e=${long}`);
    const sent = big.toString();
    expect(sent.length).toBeLessThanOrEqual(512);
    // Long members go first, from the end; short ones stay.
    expect(
      TraceState.parse(sent)
        .entries()
        .map(([k]) => k),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('the trace on the context', () => {
  it('a root shares one trace with its children; isNewTrace until a trace comes from outside', async () => {
    const { WorkflowContext } = await import('../src/index.js');
    const root = WorkflowContext.create();
    const child = root.child({});
    expect(child.traceId).toBe(root.traceId);
    expect(child.parentSpanId).toBe(root.spanId);
    expect([root.isNewTrace, child.isNewTrace]).toEqual([true, true]);
    const received = WorkflowContext.fromHeaders({ traceparent: tp() });
    expect([received.isNewTrace, received.child({}).isNewTrace]).toEqual([false, false]);
    expect(WorkflowContext.create({ traceId: TRACE }).isNewTrace).toBe(false);
    const traced = root.withTrace({ traceId: TRACE, spanId: PARENT });
    expect(traced.isNewTrace).toBe(false);
    expect(traced.toHeaders().traceparent).toBe(`00-${TRACE}-${PARENT}-03`); // a recorded span
  });

  it('keeps its tracestate through child(), toJSON and fromJSON', async () => {
    const { WorkflowContext } = await import('../src/index.js');
    const ctx = WorkflowContext.fromHeaders({ traceparent: tp(), tracestate: 'rojo=1' });
    const mine = ctx.child({ traceState: ctx.traceState.set('acme', 'x') });
    expect(mine.toHeaders().tracestate).toBe('acme=x,rojo=1');
    const back = WorkflowContext.fromJSON(JSON.stringify(mine));
    expect(back.traceState.toString()).toBe('acme=x,rojo=1');
    expect(back.traceId).toBe(TRACE);
    expect(() => WorkflowContext.create({ traceState: 42 as never })).toThrow(/traceState/);
  });
});
