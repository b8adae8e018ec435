import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortScope,
  CancelledError,
  currentContext,
  DeadlineExceededError,
  InvalidContextError,
  isTtaError,
  runWithContext,
  TtaError,
  WorkflowContext,
} from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkflowContext creation', () => {
  it('defaults: a UUID correlation id, a new random trace (flags 3), empty records, start time now', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const ctx = WorkflowContext.create();
    expect(ctx.correlationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(ctx.correlationId).toBe(ctx.correlationId);
    expect(new WorkflowContext().correlationId).not.toBe(ctx.correlationId);
    expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ctx.traceId).toBe(ctx.traceId); // made once, on first read
    expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ctx.traceFlags).toBe(3); // sampled, random trace id
    expect(ctx.metadata).toEqual({});
    expect(ctx.startTime).toBe(1_700_000_000_000);
    expect(ctx.signal).toBeUndefined();
    expect(ctx.deadline).toBeUndefined();
    expect(ctx.isCancelled).toBe(false);
  });

  it('keeps what it is given and generates a span id for a given trace', () => {
    const ctx = new WorkflowContext({
      workflowId: 'wf',
      sessionId: 's',
      userId: 'u',
      agentId: 'a',
      correlationId: 'corr-1',
      causationId: 'cause',
      traceId: TRACE,
      metadata: { model: 'gpt' },
      baggage: { tenant: 'acme' },
      tags: { env: 'test' },
    });
    expect(ctx).toMatchObject({
      workflowId: 'wf',
      sessionId: 's',
      userId: 'u',
      agentId: 'a',
      causationId: 'cause',
    });
    expect(ctx.correlationId).toBe('corr-1');
    expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ctx.metadata).toEqual({ model: 'gpt' });
  });

  it('copies the records it is given', () => {
    const metadata = { a: 1 };
    const ctx = WorkflowContext.create({ metadata });
    ctx.metadata.b = 2;
    expect(metadata).toEqual({ a: 1 });
  });

  it.each([
    [{ traceId: 'XYZ' }, 'traceId'],
    [{ traceId: '0'.repeat(32) }, 'traceId'],
    [{ spanId: '123' }, 'spanId'],
    [{ traceFlags: 300 }, 'traceFlags'],
    [{ deadline: Number.NaN }, 'deadline'],
    [{ metadata: [] }, 'metadata'],
    [{ baggage: { 'bad key': 'v' } }, 'baggage.bad key'],
    [{ tags: { t: 1 } }, 'tags.t'],
    [{ signal: {} }, 'signal'],
    [{ correlationId: 'has space' }, 'correlationId'],
    [{ userId: '' }, 'userId'],
  ])('rejects invalid init %j with InvalidContextError naming %s', (init, field) => {
    const attempt = () => new WorkflowContext(init as never);
    expect(attempt).toThrow(InvalidContextError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidContextError).field).toBe(field);
      expect(isTtaError(error, 'INVALID_CONTEXT')).toBe(true);
    }
  });
});

describe('checkpoints and time', () => {
  it('records named checkpoints in order with elapsed time', () => {
    vi.useFakeTimers({ now: 1000 });
    const ctx = WorkflowContext.create();
    vi.advanceTimersByTime(50);
    ctx.checkpoint('fetched');
    vi.advanceTimersByTime(25);
    ctx.checkpoint('answered');
    expect(ctx.checkpoints.map((c) => [c.name, c.time, Math.round(c.elapsedMs)])).toEqual([
      ['fetched', 1050, 50],
      ['answered', 1075, 75],
    ]);
    expect(Math.round(ctx.elapsedMs())).toBe(75);
  });
});

describe('cancellation', () => {
  it('follows the signal and rethrows a TTA reason as is', () => {
    const controller = new AbortController();
    const ctx = WorkflowContext.create({ signal: controller.signal });
    expect(() => ctx.throwIfCancelled()).not.toThrow();
    const reason = new TtaError('TIMEOUT', 'too slow');
    controller.abort(reason);
    expect(ctx.isCancelled).toBe(true);
    expect(() => ctx.throwIfCancelled()).toThrow(reason);
  });

  it('wraps a plain abort reason in CancelledError with the reason as cause', () => {
    const controller = new AbortController();
    const ctx = WorkflowContext.create({ signal: controller.signal });
    controller.abort();
    try {
      ctx.throwIfCancelled();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).cause).toBe(controller.signal.reason);
    }
  });

  it('treats a passed deadline as cancelled', () => {
    vi.useFakeTimers({ now: 10_000 });
    const ctx = WorkflowContext.create({ deadline: 10_100 });
    expect(ctx.remainingMs()).toBe(100);
    vi.advanceTimersByTime(100);
    expect(ctx.isCancelled).toBe(true);
    expect(ctx.remainingMs()).toBe(0);
    expect(() => ctx.throwIfCancelled()).toThrow(DeadlineExceededError);
  });
});

describe('child contexts', () => {
  const parent = () =>
    WorkflowContext.create({
      workflowId: 'wf',
      sessionId: 's',
      userId: 'u',
      agentId: 'planner',
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 0,
      metadata: { m: 1 },
      state: { step: 1 },
      baggage: { tenant: 'acme' },
      tags: { env: 'prod' },
    });

  it('keeps ids, trace and correlation; links causation and span parentage', () => {
    const p = parent();
    const c = p.child();
    expect(c).toMatchObject({
      workflowId: 'wf',
      sessionId: 's',
      userId: 'u',
      agentId: 'planner',
      traceId: TRACE,
    });
    expect(c.correlationId).toBe(p.correlationId);
    expect(c.causationId).toBe(p.correlationId);
    expect(c.parentSpanId).toBe(SPAN);
    expect(c.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(c.spanId).not.toBe(SPAN);
    expect(c.traceFlags).toBe(0);
  });

  it('copies records: changes in the child never reach the parent', () => {
    const p = parent();
    const c = p.child({ metadata: { extra: true } });
    c.state.step = 2;
    c.baggage.more = 'x';
    c.tags.k = 'v';
    expect(c.metadata).toEqual({ m: 1, extra: true });
    expect(p.metadata).toEqual({ m: 1 });
    expect(p.state).toEqual({ step: 1 });
    expect(p.baggage).toEqual({ tenant: 'acme' });
    expect(p.tags).toEqual({ env: 'prod' });
  });

  it('starts fresh: new start time, no checkpoints; overrides apply', () => {
    vi.useFakeTimers({ now: 5000 });
    const p = parent();
    p.checkpoint('a');
    vi.advanceTimersByTime(10);
    const c = p.child({ agentId: 'coder' });
    expect(c.startTime).toBe(5010);
    expect(c.checkpoints).toEqual([]);
    expect(c.agentId).toBe('coder');
  });

  it('aborts when the parent aborts, but not the other way round', () => {
    const parentController = new AbortController();
    const childController = new AbortController();
    const p = WorkflowContext.create({ signal: parentController.signal });
    const c = p.child({ signal: childController.signal });
    const grandchild = c.child();
    childController.abort();
    expect(c.isCancelled).toBe(true);
    expect(grandchild.isCancelled).toBe(true);
    expect(p.isCancelled).toBe(false);

    const c2 = p.child({ signal: new AbortController().signal });
    const listener = vi.fn();
    c2.signal?.addEventListener('abort', listener);
    parentController.abort();
    expect(c2.isCancelled).toBe(true);
    expect(c2.signal?.aborted).toBe(true);
    expect(listener).toHaveBeenCalledOnce();
  });

  it('a child without its own signal shares the parent signal', () => {
    const controller = new AbortController();
    const p = WorkflowContext.create({ signal: controller.signal });
    expect(p.child().signal).toBe(controller.signal);
  });

  it('takes the earlier deadline', () => {
    const p = WorkflowContext.create({ deadline: 2000 });
    expect(p.child({ deadline: 3000 }).deadline).toBe(2000);
    expect(p.child({ deadline: 1000 }).deadline).toBe(1000);
    expect(WorkflowContext.create().child({ deadline: 1000 }).deadline).toBe(1000);
  });

  it('validates overrides', () => {
    expect(() => WorkflowContext.create().child({ spanId: 'nope' })).toThrow(InvalidContextError);
  });

  it('children(n) makes n children together: one start time, each its own records and signal', () => {
    vi.useFakeTimers({ now: 7000 });
    const p = parent();
    const scope = new AbortScope();
    const made = p.children(3, { signal: scope, agentId: 'worker' });
    expect(made).toHaveLength(3);
    expect(new Set(made.map((c) => c.startTime))).toEqual(new Set([7000]));
    const [a, b] = made as [WorkflowContext, WorkflowContext];
    a.state.step = 9;
    a.checkpoint('a');
    expect(b.state).toEqual({ step: 1 });
    expect(b.checkpoints).toEqual([]);
    expect(b.agentId).toBe('worker');
    expect(a.parentSpanId).toBe(SPAN);
    scope.abort();
    expect(made.every((c) => c.isCancelled)).toBe(true);
    expect(p.isCancelled).toBe(false);
    expect(p.children(0)).toEqual([]);
  });

  it('children(n) with record overrides: each child its own copy, the parent untouched', () => {
    const p = parent();
    const given = { extra: 1 };
    const [a, b] = p.children(2, { state: given, userId: 'v' }) as [
      WorkflowContext,
      WorkflowContext,
    ];
    a.state.extra = 2;
    expect(b.state).toEqual({ step: 1, extra: 1 });
    expect(given).toEqual({ extra: 1 });
    expect(p.state).toEqual({ step: 1 });
    expect([a.userId, b.userId, p.userId]).toEqual(['v', 'v', 'u']);
    const empty = WorkflowContext.create();
    const [c, d] = empty.children(2) as [WorkflowContext, WorkflowContext];
    c.tags.k = 'v';
    expect(d.tags).toEqual({});
    expect(empty.tags).toEqual({});
  });

  it('children(n) refuses a bad count or bad overrides before making any', () => {
    const p = WorkflowContext.create();
    expect(() => p.children(-1)).toThrow(RangeError);
    expect(() => p.children(1.5)).toThrow(RangeError);
    expect(() => p.children(2, { spanId: 'nope' })).toThrow(InvalidContextError);
    expect(() => p.children(2, [] as never)).toThrow(InvalidContextError);
  });

  it('derived contexts share checkpoints with their source; a child starts without any', () => {
    const p = WorkflowContext.create();
    const derived = p.withCancellation({});
    derived.checkpoint('in-derived');
    p.checkpoint('in-source');
    expect(p.checkpoints.map((c) => c.name)).toEqual(['in-derived', 'in-source']);
    expect(derived.checkpoints).toHaveLength(2);
    expect(p.child().checkpoints).toEqual([]);
  });
});

describe('AsyncLocalStorage propagation', () => {
  it('is undefined outside a run and the context inside, across awaits and timers', async () => {
    expect(currentContext()).toBeUndefined();
    const ctx = WorkflowContext.create();
    const seen = await runWithContext(ctx, async () => {
      await Promise.resolve();
      const inTimer = await new Promise((resolve) =>
        setTimeout(() => resolve(currentContext()), 1),
      );
      return [currentContext(), inTimer];
    });
    expect(seen).toEqual([ctx, ctx]);
    expect(currentContext()).toBeUndefined();
  });

  it('nests and restores', () => {
    const outer = WorkflowContext.create();
    const inner = outer.child();
    runWithContext(outer, () => {
      runWithContext(inner, () => expect(currentContext()).toBe(inner));
      expect(currentContext()).toBe(outer);
    });
  });
});

describe('JSON round-trip', () => {
  it('round-trips every field except the signal', () => {
    const ctx = WorkflowContext.create({
      workflowId: 'wf',
      userId: 'u',
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: 'b7ad6b7169203331',
      metadata: { nested: { a: [1, 2] } },
      state: { done: false },
      baggage: { tenant: 'acme' },
      tags: { env: 'prod' },
      deadline: 9_999_999_999_999,
      signal: new AbortController().signal,
    });
    ctx.checkpoint('one');
    const copy = WorkflowContext.fromJSON(JSON.stringify(ctx));
    expect(copy.toJSON()).toEqual(ctx.toJSON());
    expect(copy.correlationId).toBe(ctx.correlationId);
    // The caller's signal is not restored; the restored deadline has a signal of its own (issue 12).
    expect(copy.signal).not.toBe(ctx.signal);
    expect(copy.signal?.aborted).toBe(false);
    copy.dispose();
    ctx.dispose();
    expect(JSON.parse(JSON.stringify(ctx))).not.toHaveProperty('signal');
  });

  it.each([
    ['not json', 'json'],
    ['[]', 'json'],
    ['{"version":2,"correlationId":"x"}', 'version'],
    ['{"version":1}', 'correlationId'],
    ['{"version":1,"correlationId":"x","traceId":"zz"}', 'traceId'],
    ['{"version":1,"correlationId":"x","checkpoints":[{"name":1}]}', 'checkpoints[0]'],
    ['{"version":1,"correlationId":"x","tags":{"a":{}}}', 'tags.a'],
  ])('rejects corrupt data %s (field %s)', (json, field) => {
    expect(() => WorkflowContext.fromJSON(json)).toThrow(expect.objectContaining({ field }));
  });

  it('keeps a __proto__ key as plain data without touching prototypes', () => {
    const ctx = WorkflowContext.fromJSON(
      '{"version":1,"correlationId":"x","metadata":{"__proto__":{"polluted":true}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(ctx.metadata)).toBe(Object.prototype);
    expect((ctx.metadata as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('AbortScope', () => {
  it('cancels children without creating a signal until one is read', async () => {
    const { AbortScope } = await import('../src/index.js');
    const scope = new AbortScope();
    const ctx = WorkflowContext.create().child({ signal: scope });
    expect(ctx.isCancelled).toBe(false);
    const reason = new Error('sibling failed');
    scope.abort(reason);
    scope.abort(new Error('ignored'));
    expect(ctx.isCancelled).toBe(true);
    expect(() => ctx.throwIfCancelled()).toThrow(CancelledError);
    expect(ctx.signal?.aborted).toBe(true);
    expect(ctx.signal?.reason).toBe(reason);
  });

  it('a signal read before the abort fires its listeners', async () => {
    const { AbortScope } = await import('../src/index.js');
    const scope = new AbortScope();
    const listener = vi.fn();
    scope.signal.addEventListener('abort', listener);
    scope.abort();
    expect(listener).toHaveBeenCalledOnce();
    expect(scope.reason).toBeInstanceOf(CancelledError);
  });
});

describe('sleep', () => {
  it('resolves after the time and rejects at once on abort, leaving no timer', async () => {
    const { sleep } = await import('../src/index.js');
    vi.useFakeTimers();
    const done = vi.fn();
    void sleep(100).then(done);
    await vi.advanceTimersByTimeAsync(99);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalled();

    const controller = new AbortController();
    const waiting = sleep(1000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(1, controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('withCancellation', () => {
  it('shares ids and records but adds its own cancellation', () => {
    const parent = WorkflowContext.create({ workflowId: 'wf', traceId: TRACE, state: { n: 1 } });
    const scope = new AbortScope();
    const derived = parent.withCancellation({ signal: scope, deadline: 9_999_999_999_999 });
    expect(derived.correlationId).toBe(parent.correlationId);
    expect(derived.spanId).toBe(parent.spanId);
    derived.state.n = 2;
    derived.checkpoint('inside');
    expect(parent.state.n).toBe(2);
    expect(parent.checkpoints.map((c) => c.name)).toEqual(['inside']);
    scope.abort();
    expect(derived.isCancelled).toBe(true);
    expect(parent.isCancelled).toBe(false);
  });

  it('inherits the parent cancellation unless told not to', () => {
    const controller = new AbortController();
    const parent = WorkflowContext.create({ signal: controller.signal, deadline: 5000 });
    const inherited = parent.withCancellation({ deadline: 9000 });
    const detached = parent.withCancellation({ inherit: false });
    controller.abort();
    expect(inherited.isCancelled).toBe(true);
    expect(inherited.deadline).toBe(5000);
    expect(detached.isCancelled).toBe(false);
    expect(detached.deadline).toBeUndefined();
    expect(detached.signal).toBeUndefined();
  });
});

describe('withTrace', () => {
  it('replaces the trace fields and shares everything else', () => {
    const controller = new AbortController();
    const ctx = WorkflowContext.create({
      workflowId: 'wf',
      state: { a: 1 },
      signal: controller.signal,
    });
    const traced = ctx.withTrace({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(traced).toMatchObject({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: 'b7ad6b7169203331',
      workflowId: 'wf',
    });
    expect(traced.correlationId).toBe(ctx.correlationId);
    expect(traced.toHeaders().traceparent).toBe(`00-${TRACE}-${SPAN}-01`);
    traced.state.a = 2;
    expect(ctx.state.a).toBe(2);
    controller.abort();
    expect(traced.isCancelled).toBe(true);
    expect(() => ctx.withTrace({ traceId: 'bad', spanId: SPAN })).toThrow(InvalidContextError);
  });

  it('checks only the ids it does not hold yet: a child span’s own id (issue 16)', () => {
    const ctx = WorkflowContext.create({ traceId: TRACE, spanId: SPAN });
    const child = { traceId: TRACE, spanId: 'c7ad6b7169203331', parentSpanId: SPAN };
    const test = vi.spyOn(RegExp.prototype, 'test');
    try {
      expect(ctx.withTrace(child)).toMatchObject(child);
      // The trace id and parent id are this context's own, checked when they came in.
      expect(test).toHaveBeenCalledOnce();
    } finally {
      test.mockRestore();
    }
    // A new id is still checked, wherever it sits.
    for (const bad of [
      { ...child, spanId: 'nope' },
      { ...child, traceId: 'f'.repeat(31) },
      { ...child, parentSpanId: '0'.repeat(16) },
    ])
      expect(() => ctx.withTrace(bad)).toThrow(InvalidContextError);
  });
});
