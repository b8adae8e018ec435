import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  lambda,
  parallel,
  RetryPrimitive,
  RouterPrimitive,
  registerHooks,
  reportLlmCall,
  sequential,
  WorkflowContext,
} from '@tta/primitives';
import { MockPrimitive } from '@tta/primitives/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createObservabilityHooks } from '../src/index.js';
import { parentId, tracing, tree } from './otel-setup.js';

let t: ReturnType<typeof tracing>;
afterEach(async () => {
  await t?.stop();
});

const step = (name: string) => lambda((x: number) => x + 1, { name });

describe('spans', () => {
  it('one span per execution, nested as composed, named "<type> <name>" with tta.* attributes', async () => {
    t = tracing();
    const flow = sequential(step('a'), parallel(step('b'), step('c')));
    const ctx = WorkflowContext.create({ workflowId: 'wf-1', sessionId: 's-1' });
    await flow.execute(1, ctx);
    expect(tree(t.spans())).toBe(
      [
        'invoke_workflow SequentialPrimitive',
        '  lambda a',
        '  parallel ParallelPrimitive',
        '    lambda b',
        '    lambda c',
      ].join('\n'),
    );
    const b = t.byName('lambda b');
    const c = t.byName('lambda c');
    expect(parentId(b)).toBe(t.byName('parallel ParallelPrimitive').spanContext().spanId);
    expect(parentId(c)).toBe(parentId(b));
    expect(b.attributes).toMatchObject({
      'tta.primitive.type': 'lambda',
      'tta.primitive.name': 'b',
      'tta.workflow.id': 'wf-1',
      'tta.session_id': 's-1',
      'tta.correlation_id': ctx.correlationId,
    });
    expect(new Set(t.spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(t.spans().every((s) => s.status.code === 0)).toBe(true);
  });

  it('nests correctly even without an OpenTelemetry context manager', async () => {
    t = tracing({}, { contextManager: false });
    const flaky = new MockPrimitive<number, number>({ name: 'flaky', returns: 1, failTimes: 1 });
    await sequential(
      step('a'),
      parallel(step('b'), new RetryPrimitive(flaky, { initialDelayMs: 0 })),
    ).execute(1);
    expect(tree(t.spans())).toBe(
      [
        'invoke_workflow SequentialPrimitive',
        '  lambda a',
        '  parallel ParallelPrimitive',
        '    lambda b',
        '    retry RetryPrimitive',
        '      mock flaky [ERROR]',
        '      mock flaky',
      ].join('\n'),
    );
    expect(
      t
        .spans()
        .filter((s) => s.name === 'mock flaky')
        .map((s) => s.attributes['tta.retry.attempt']),
    ).toEqual([1, 2]);
  });

  it('retry: one child span per attempt, failed attempts ERROR, the retry span OK when it succeeds', async () => {
    t = tracing();
    const flaky = new MockPrimitive<number, number>({ name: 'flaky', returns: 7, failTimes: 2 });
    await new RetryPrimitive(flaky, { initialDelayMs: 0, name: 'retry-flaky' }).execute(1);
    const attempts = t.spans().filter((s) => s.name === 'mock flaky');
    expect(attempts.map((s) => [s.attributes['tta.retry.attempt'], s.status.code])).toEqual([
      [1, 2],
      [2, 2],
      [3, 0],
    ]);
    const retry = t.byName('invoke_workflow retry-flaky');
    expect(retry.status.code).toBe(0);
    expect(attempts.every((s) => parentId(s) === retry.spanContext().spanId)).toBe(true);
    expect(retry.events.map((e) => e.name)).toEqual(['tta.retry', 'tta.retry']);
  });

  it('errors: status ERROR and error.type on every span they cross, the exception recorded once', async () => {
    t = tracing();
    const failing = lambda(
      (_: number): number => {
        throw new RangeError('bad input');
      },
      { name: 'fails' },
    );
    await sequential(step('ok'), failing)
      .execute(1)
      .catch(() => {});
    const inner = t.byName('lambda fails');
    const outer = t.byName('invoke_workflow SequentialPrimitive');
    for (const span of [inner, outer]) {
      expect(span.status).toMatchObject({ code: 2, message: 'bad input' });
      expect(span.attributes['error.type']).toBe('RangeError');
    }
    expect(inner.events.filter((e) => e.name === 'exception')).toHaveLength(1);
    expect(outer.events.filter((e) => e.name === 'exception')).toHaveLength(0);
  });

  it('a span user code starts inside a step is a child of that step', async () => {
    t = tracing();
    const withUserSpan = lambda(
      async (x: number) =>
        t.tracer.startActiveSpan('user work', async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          span.end();
          return x;
        }),
      { name: 'outer' },
    );
    await withUserSpan.execute(1);
    expect(parentId(t.byName('user work'))).toBe(
      t.byName('invoke_workflow outer').spanContext().spanId,
    );
  });

  it('the step context carries the real span ids, so toHeaders continues the trace', async () => {
    t = tracing();
    let seen: WorkflowContext | undefined;
    const probe = lambda(
      (x: number, ctx: WorkflowContext) => {
        seen = ctx;
        return x;
      },
      { name: 'probe' },
    );
    await sequential(step('first'), probe).execute(1);
    const span = t.byName('lambda probe');
    expect(seen?.traceId).toBe(span.spanContext().traceId);
    expect(seen?.spanId).toBe(span.spanContext().spanId);
    expect(seen?.parentSpanId).toBe(parentId(span));
    expect(seen?.toHeaders().traceparent).toBe(
      // A new trace made by this process: sampled, and the random-id flag (Level 2).
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-03`,
    );
  });

  it('traceparent round-trip over a real HTTP request between two in-process services', async () => {
    t = tracing();
    const downstream = sequential(step('parse'), step('answer'));
    const server = createServer(async (req, res) => {
      const ctx = WorkflowContext.fromHeaders(req.headers, { workflowId: 'downstream' });
      res.end(String(await downstream.execute(1, ctx)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const callService = lambda(
        async (_: number, ctx: WorkflowContext) =>
          Number(await (await fetch(url, { headers: { ...ctx.toHeaders() } })).text()),
        { name: 'call-downstream' },
      );
      await expect(sequential(step('prepare'), callService).execute(1)).resolves.toBe(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const caller = t.byName('lambda call-downstream');
    // The downstream service's outermost step is its own workflow root, in the caller's trace.
    const remoteRoot = t
      .spans()
      .find(
        (s) =>
          s.attributes['tta.workflow.id'] === 'downstream' && s.name.startsWith('invoke_workflow'),
      );
    expect(remoteRoot?.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(parentId(remoteRoot as never)).toBe(caller.spanContext().spanId);
    expect(t.byName('lambda answer').spanContext().traceId).toBe(caller.spanContext().traceId);
  });

  it('router, cache and circuit attributes', async () => {
    t = tracing();
    const router = new RouterPrimitive({
      name: 'pick',
      routes: { a: step('route-a') },
      select: () => 'a',
    });
    await router.execute(1);
    expect(t.byName('invoke_workflow pick').attributes['tta.router.route']).toBe('a');

    const cache = new CachePrimitive(step('cached'), { name: 'memo' });
    await cache.execute(1);
    await cache.execute(1);
    expect(
      t
        .spans()
        .filter((s) => s.name === 'invoke_workflow memo')
        .map((s) => s.attributes['tta.cache.hit']),
    ).toEqual([false, true]);

    const breaker = new CircuitBreakerPrimitive(new MockPrimitive({ throws: new Error('down') }), {
      name: 'guard',
      failureThreshold: 1,
    });
    await breaker.execute(1).catch(() => {});
    // Admitted closed; the failure opened it (an event on the same span).
    const opened = t.byName('invoke_workflow guard');
    expect(opened.attributes['tta.circuit.state']).toBe('closed');
    expect(opened.events.map((e) => [e.name, e.attributes?.['tta.circuit.to']])).toContainEqual([
      'tta.circuit.state_change',
      'open',
    ]);
  });

  it('every circuit breaker span carries the state its call was admitted in (issue 13 item 10)', async () => {
    t = tracing();
    const healthy = new CircuitBreakerPrimitive(step('ok'), { name: 'healthy' });
    await healthy.execute(1);
    await healthy.execute(2);
    const refusing = new CircuitBreakerPrimitive(new MockPrimitive({ throws: new Error('down') }), {
      name: 'refusing',
      failureThreshold: 1,
      recoveryTimeoutMs: 60_000,
    });
    await refusing.execute(1).catch(() => {});
    await refusing.execute(1).catch(() => {}); // refused while open
    const states = (name: string) =>
      t
        .spans()
        .filter((s) => s.name === `invoke_workflow ${name}`)
        .map((s) => s.attributes['tta.circuit.state']);
    expect(states('healthy')).toEqual(['closed', 'closed']);
    expect(states('refusing')).toEqual(['closed', 'open']);
  });

  it('LLM steps get gen_ai.* attributes; prompts are not captured by default', async () => {
    t = tracing();
    const ask = lambda(
      async (prompt: string) => {
        reportLlmCall({
          provider: 'openai',
          model: 'gpt-4o-mini',
          responseModel: 'gpt-4o-mini-2024',
          inputTokens: 12,
          outputTokens: 5,
          finishReason: 'stop',
          prompt,
          completion: 'hi',
        });
        return 'hi';
      },
      { name: 'ask' },
    );
    await ask.execute('secret prompt');
    const span = t.byName('chat gpt-4o-mini'); // the step that reported the call
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(JSON.stringify(span.attributes)).not.toContain('secret prompt');
  });

  it('captures prompts and completions when asked', async () => {
    t = tracing({ captureContent: true });
    const ask = lambda(async (prompt: string) => {
      reportLlmCall({
        provider: 'ollama',
        model: 'llama3',
        prompt: [{ role: 'user', content: prompt }],
        completion: 'ok',
      });
      return 'ok';
    });
    await ask.execute('hello');
    expect(t.spans()[0]?.attributes['gen_ai.input.messages']).toBe(
      '[{"role":"user","content":"hello"}]',
    );
    expect(t.spans()[0]?.attributes['gen_ai.output.messages']).toBe('ok');
  });
});

describe('instrumentation scope', () => {
  it('reports the version in package.json, not a hand-written one', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    t = tracing();
    await step('scoped').execute(1);
    const span = t.byName('invoke_workflow scoped');
    expect(span.instrumentationScope).toEqual(
      expect.objectContaining({ name: '@tta/observability', version: pkg.version }),
    );
  });
});

describe('a root context is one trace (issue 13 item 3)', () => {
  it('every step run with one root context is in its trace, each a root span', async () => {
    t = tracing();
    const ctx = WorkflowContext.create();
    const seen: string[] = [];
    const probe = (name: string) =>
      lambda(
        (x: number, c) => {
          seen.push(c.toHeaders().traceparent as string);
          return x;
        },
        { name },
      );
    for (const name of ['a', 'b', 'c']) await probe(name).execute(1, ctx);
    expect(new Set(t.spans().map((s) => s.spanContext().traceId))).toEqual(new Set([ctx.traceId]));
    expect(t.spans().map((s) => parentId(s))).toEqual([undefined, undefined, undefined]);
    // Outgoing calls continue that trace from each step's span, random flag kept.
    expect(seen.map((h) => h.split('-')[1])).toEqual([ctx.traceId, ctx.traceId, ctx.traceId]);
    expect(seen.every((h) => h.endsWith('-03'))).toBe(true);
  });

  it("with the SDK's own id generator, each step starts its own trace (the documented fallback)", async () => {
    t = tracing({}, { idGenerator: false });
    const ctx = WorkflowContext.create();
    for (const name of ['a', 'b']) await step(name).execute(1, ctx);
    expect(new Set(t.spans().map((s) => s.spanContext().traceId)).size).toBe(2);
  });
});

describe('W3C Trace Context through the spans (issue 13 items 1, 2, 4)', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PARENT = '00f067aa0ba902b7';
  const probe = (name: string, seen: string[]) =>
    lambda(
      (x: number, ctx) => {
        seen.push(ctx.toHeaders().traceparent as string);
        return x;
      },
      { name },
    );

  it('with an unsampled parent, each step is the parent of its own outgoing calls', async () => {
    t = tracing();
    const seen: string[] = [];
    const spans: (string | undefined)[] = [];
    const step = (name: string) =>
      lambda(
        (x: number, ctx) => {
          seen.push(ctx.toHeaders().traceparent as string);
          seen.push(ctx.toHeaders().traceparent as string); // the same step: the same parent id
          spans.push(trace.getActiveSpan()?.spanContext().spanId);
          return x;
        },
        { name },
      );
    const ctx = WorkflowContext.fromHeaders({ traceparent: `00-${TRACE}-${PARENT}-00` });
    await sequential(step('a'), step('b'), step('c')).execute(1, ctx);
    const all = seen.map((h) => h.split('-')[2]);
    expect(all.filter((_, i) => i % 2 === 0)).toEqual(all.filter((_, i) => i % 2 === 1));
    const parents = all.filter((_, i) => i % 2 === 0);
    expect(parents).toEqual(spans); // the (non-recording) step span's own id
    expect(seen.every((h) => h.startsWith(`00-${TRACE}-`) && h.endsWith('-00'))).toBe(true);
    expect(new Set(parents).size).toBe(3);
    expect(parents).not.toContain(PARENT);
    expect(parents).not.toContain(ctx.spanId);
    expect(t.spans()).toHaveLength(0); // not sampled: nothing exported
  });

  it('keeps the random flag (-03) and zeroes reserved bits on the way out', async () => {
    t = tracing();
    for (const [incoming, outgoing] of [
      ['03', '03'],
      ['ff', '03'],
      ['01', '01'],
    ]) {
      const seen: string[] = [];
      const ctx = WorkflowContext.fromHeaders({ traceparent: `00-${TRACE}-${PARENT}-${incoming}` });
      await probe('p', seen).execute(1, ctx);
      expect(seen[0]?.endsWith(`-${outgoing}`), `${incoming} → ${seen[0]}`).toBe(true);
      expect(seen[0]?.split('-')[2]).toBe(t.spans().at(-1)?.spanContext().spanId);
    }
  });

  it('carries tracestate into the OpenTelemetry span context and back out', async () => {
    t = tracing();
    const seen: string[] = [];
    const ctx = WorkflowContext.fromHeaders({
      traceparent: `00-${TRACE}-${PARENT}-01`,
      tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    });
    const step = lambda(
      (x: number, c) => {
        seen.push(c.toHeaders().tracestate as string);
        return x;
      },
      { name: 's' },
    );
    await step.execute(1, ctx);
    expect(t.byName('invoke_workflow s').spanContext().traceState?.serialize()).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(seen).toEqual(['rojo=00f067aa0ba902b7,congo=t61rcWkgMzE']);
  });
});

describe('without an SDK behind the global tracer provider (issue 16)', () => {
  it('records no span and leaves the step’s context as it was; an SDK registered later gets spans', async () => {
    const unregister = registerHooks(createObservabilityHooks(), {
      onError: (error) => {
        throw error;
      },
    });
    try {
      const seen: { traceId: string; spanId: string; active: boolean }[] = [];
      const probe = lambda(
        (x: number, ctx) => {
          seen.push({
            traceId: ctx.traceId,
            spanId: ctx.spanId,
            active: trace.getActiveSpan() !== undefined,
          });
          return x + 1;
        },
        { name: 'probe' },
      );
      const ctx = WorkflowContext.create();
      await sequential(probe, probe).execute(1, ctx);
      // No SDK: the steps see the workflow's own ids and no active span.
      expect(seen).toEqual([
        { traceId: ctx.traceId, spanId: ctx.spanId, active: false },
        { traceId: ctx.traceId, spanId: ctx.spanId, active: false },
      ]);

      // The same hooks, once an SDK is the global provider: spans, with the step's real ids.
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      trace.setGlobalTracerProvider(provider);
      seen.length = 0;
      await sequential(probe, probe).execute(1);
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual([
        'lambda probe',
        'lambda probe',
        'invoke_workflow SequentialPrimitive',
      ]);
      const ids = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().spanId));
      expect(seen.every((s) => ids.has(s.spanId))).toBe(true);
      await provider.shutdown();
    } finally {
      unregister();
      trace.disable();
    }
  });
});
