import { describe, expect, it, vi } from 'vitest';
import { interceptorsEnabled } from '../src/hooks/step-interceptor.js';
import {
  FallbackPrimitive,
  lambda,
  type MidStreamPolicy,
  parallel,
  RetryPrimitive,
  RouterPrimitive,
  type StreamEvent,
  sequential,
  TimeoutPrimitive,
  type WorkflowPrimitive,
} from '../src/index.js';
import { OpenAIChatPrimitive } from '../src/llm/index.js';
import { createFakeLLMServer } from '../src/testing/index.js';

async function collect<O>(events: AsyncIterable<StreamEvent<O>>): Promise<StreamEvent<O>[]> {
  const all: StreamEvent<O>[] = [];
  for await (const event of events) all.push(event);
  return all;
}
const chunksOf = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'chunk' ? [`${e.path}:${String(e.chunk)}`] : []));

/** What a consumer that honours `reset` shows: the chunks since each recovering step's reset. */
function honoured(events: StreamEvent[]): string {
  const shown: { path: string; text: string }[] = [];
  const open = new Map<string, number>(); // recovering step → index in `shown` where it started
  for (const e of events) {
    if (e.type === 'step-start') open.set(e.path, shown.length);
    if (e.type === 'chunk') shown.push({ path: e.path, text: String(e.chunk) });
    if (e.type === 'reset') shown.length = open.get(e.path) ?? 0;
  }
  return shown.map((s) => s.text).join('');
}

const words = (text: string) =>
  lambda.stream(
    async function* () {
      for (const w of text.split(' ')) yield `${w} `;
    },
    { name: text.split(' ')[0] ?? 'w' },
  );

describe('stream()', () => {
  it('a streaming step sends its chunks, then its result; execute returns them collected', async () => {
    const step = words('one two three');
    const events = await collect(step.stream(undefined));
    expect(events.map((e) => e.type)).toEqual([
      'step-start',
      'chunk',
      'chunk',
      'chunk',
      'step-end',
      'result',
    ]);
    expect(chunksOf(events)).toEqual(['one:one ', 'one:two ', 'one:three ']);
    expect(events.at(-1)).toEqual({ type: 'result', output: 'one two three ' });
    expect(events.find((e) => e.type === 'step-end')).toMatchObject({ ok: true, chunks: 3 });
    expect(await step.execute(undefined)).toBe('one two three ');
  });

  it('a non-streaming step ends with one step-end and the result', async () => {
    const events = await collect(lambda((n: number) => n + 1, { name: 'inc' }).stream(1));
    expect(events).toMatchObject([
      { type: 'step-start', path: 'inc' },
      { type: 'step-end', path: 'inc', ok: true, chunks: 0 },
      { type: 'result', output: 2 },
    ]);
  });

  it('a sequence streams its last step (every step when asked); parallel merges tagged branches; a router streams its route', async () => {
    const flow = sequential(
      { name: 's' },
      words('a b'),
      lambda(() => 'x'),
      words('c d'),
    );
    expect(chunksOf(await collect(flow.stream(undefined)))).toEqual(['s/3:c ', 's/3:d ']);
    expect(chunksOf(await collect(flow.stream(undefined, { allSteps: true })))).toEqual([
      's/1:a ',
      's/1:b ',
      's/3:c ',
      's/3:d ',
    ]);
    const fan = parallel(words('p q'), words('r s'));
    const fanned = chunksOf(await collect(fan.stream(undefined)));
    expect(fanned.sort()).toEqual(
      [`${fan.path}/0:p `, `${fan.path}/0:q `, `${fan.path}/1:r `, `${fan.path}/1:s `].sort(),
    );
    const route = new RouterPrimitive({
      name: 'r',
      routes: { left: words('l1 l2'), right: words('r1 r2') },
      select: (side: string) => (side === 'left' ? 'left' : 'right'),
    });
    expect(chunksOf(await collect(route.stream('right')))).toEqual(['r/right:r1 ', 'r/right:r2 ']);
  });

  it('a slow consumer (one chunk per 10 ms) holds at most highWaterMark events; the producer waits for it', async () => {
    let produced = 0;
    let consumed = 0;
    let most = 0;
    const many = lambda.stream(async function* () {
      for (let i = 0; i < 60; i++) {
        produced++;
        yield i;
      }
    });
    for await (const event of many.stream(undefined, { highWaterMark: 8 })) {
      if (event.type === 'chunk') consumed++;
      most = Math.max(most, produced - consumed);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(consumed).toBe(60);
    // Without backpressure the producer would be all 60 ahead at once.
    expect(most).toBeLessThanOrEqual(8 + 1);
  });

  it('a consumer that breaks cancels the run: the generator is closed, nothing more runs', async () => {
    let closed = false;
    let after = 0;
    const endless = sequential(
      lambda.stream(async function* () {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }),
      lambda(() => {
        after++;
      }),
    );
    let seen = 0;
    for await (const event of endless.stream(undefined, { allSteps: true })) {
      if (event.type === 'chunk' && ++seen === 3) break;
    }
    await vi.waitFor(() => expect(closed).toBe(true));
    expect(after).toBe(0);
  });

  it('return() while a read is waiting ends that read (done) and cancels the run', async () => {
    const silent = lambda.stream(async function* () {
      yield 'first';
      await new Promise(() => {}); // never produces again, and ignores its signal
    });
    const events = silent.stream(undefined);
    while ((await events.next()).value?.type !== 'chunk');
    expect(interceptorsEnabled()).toBe(true); // step events are on while it streams
    const waiting = events.next(); // nothing will come
    await events.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    // The stuck step does not keep every later execute on the slow path.
    expect(interceptorsEnabled()).toBe(false);
  });

  it('an aborted signal ends the stream with the cancellation', async () => {
    const stop = new AbortController();
    const slow = lambda.stream(async function* () {
      for (let i = 0; ; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield i;
      }
    });
    const seen: unknown[] = [];
    const run = (async () => {
      for await (const event of slow.stream(undefined, { signal: stop.signal })) {
        if (event.type === 'chunk') seen.push(event.chunk);
        if (seen.length === 2) stop.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('checks its options', () => {
    const step = lambda((n: number) => n);
    expect(() => step.stream(1, { highWaterMark: 0 })).toThrow(RangeError);
    expect(() => step.stream(1, { signal: {} as AbortSignal })).toThrow(TypeError);
  });
});

describe('streaming model calls', () => {
  it('OpenAIChatPrimitive streams tokens in a streaming run; a break closes the HTTP request', async () => {
    const server = await createFakeLLMServer({ chunkDelayMs: 5 });
    try {
      const chat = new OpenAIChatPrimitive({ model: 'fake', baseURL: server.url, apiKey: 'k' });
      const events = await collect(chat.stream('one two three'));
      expect(chunksOf(events).map((c) => c.split(':').slice(1).join(':'))).toEqual([
        'Echo: ',
        'one ',
        'two ',
        'three',
      ]);
      expect(events.find((e) => e.type === 'usage')).toMatchObject({
        usage: { outputTokens: expect.any(Number) },
      });
      expect(events.at(-1)).toMatchObject({
        type: 'result',
        output: { text: 'Echo: one two three' },
      });
      for await (const event of chat.stream('a b c d e f g h')) if (event.type === 'chunk') break;
      await vi.waitFor(() => expect(server.closedEarly).toBe(1));
    } finally {
      await server.close();
    }
  });
});

// The fault matrix: a model whose first answer fails (an error event after `at` chunks, or a
// stall there that a TimeoutPrimitive's stream limits catch), under retry, fallback and a
// timeout with a fallback, with each mid-stream policy.
describe('mid-stream recovery', () => {
  const TEXT = 'alpha beta gamma delta epsilon';
  const LIMITS = { firstChunkMs: 300, idleMs: 150 };
  const cells: { name: string; at: number; kind: 'error' | 'stall' }[] = [
    { name: 'an error at chunk 0', at: 0, kind: 'error' },
    { name: 'an error at chunk 1', at: 1, kind: 'error' },
    { name: 'an error mid-stream', at: 3, kind: 'error' },
    { name: 'an error at the last chunk', at: 4, kind: 'error' },
    { name: 'a stall before the first chunk', at: 0, kind: 'stall' },
    { name: 'a stall mid-stream', at: 2, kind: 'stall' },
  ];
  const policies: MidStreamPolicy[] = ['before-first-chunk', 'restart', 'continue'];
  type Chat = WorkflowPrimitive<string, { text: string }>;
  // Stalls need a time limit to end: the failing model sits inside a timeout with stream limits.
  const limited = (model: Chat, stall: boolean): Chat =>
    stall ? new TimeoutPrimitive(model, LIMITS) : model;
  const wrappers: {
    name: string;
    wrap: (make: () => Chat, midStream: MidStreamPolicy, stall: boolean) => Chat;
  }[] = [
    {
      name: 'retry',
      wrap: (make, midStream, stall) =>
        new RetryPrimitive(limited(make(), stall), { maxRetries: 1, initialDelayMs: 0, midStream }),
    },
    {
      name: 'fallback',
      wrap: (make, midStream, stall) =>
        new FallbackPrimitive(limited(make(), stall), [make()], { midStream }),
    },
    {
      name: 'timeout',
      wrap: (make, midStream) =>
        new TimeoutPrimitive(make(), { ...LIMITS, timeoutMs: 10_000, fallback: make(), midStream }),
    },
  ];
  for (const { name: wrapper, wrap } of wrappers)
    for (const policy of policies)
      for (const { name, at, kind } of cells) {
        // A timeout recovers from time limits only: its error cells are the other wrappers' job.
        if (wrapper === 'timeout' && kind === 'error') continue;
        it(`${wrapper}, ${policy}, ${name}`, async () => {
          const server = await createFakeLLMServer({
            // A model that continues an assistant prefix, as the `continue` policy asks.
            reply: (request) => {
              const last = request.messages.at(-1);
              return last?.role === 'assistant' ? TEXT.slice(last.content.length) : TEXT;
            },
            streamFault: (_request, n) => (n === 1 ? { at, kind } : undefined),
          });
          try {
            const make = () =>
              new OpenAIChatPrimitive({ model: 'fake', baseURL: server.url, apiKey: 'k' });
            const flow = wrap(make, policy, kind === 'stall');
            const events: StreamEvent<{ text: string }>[] = [];
            let error: unknown;
            try {
              for await (const event of flow.stream('go')) events.push(event);
            } catch (e) {
              error = e;
            }
            if (kind === 'stall') {
              // The stalled request was given up on: its connection is closed.
              await vi.waitFor(() => expect(server.closedEarly).toBe(1));
            }
            const sentBeforeFailure = at > 0;
            if (sentBeforeFailure && policy === 'before-first-chunk') {
              // Documented: after the first chunk the error propagates; no second request.
              expect(error).toBeDefined();
              if (kind === 'stall') expect(error).toMatchObject({ code: 'TIMEOUT', phase: 'idle' });
              expect(server.requests).toHaveLength(1);
              return;
            }
            expect(error).toBeUndefined();
            expect(server.requests).toHaveLength(2);
            const result = events.at(-1);
            expect(result).toEqual({
              type: 'result',
              output: expect.objectContaining({ text: TEXT }),
            });
            // A consumer that honours `reset` shows exactly one successful attempt's text.
            expect(honoured(events)).toBe(TEXT);
            const resets = events.filter((e) => e.type === 'reset');
            expect(resets).toHaveLength(sentBeforeFailure && policy === 'restart' ? 1 : 0);
            if (policy === 'continue' && sentBeforeFailure)
              expect(server.requests[1]?.messages.at(-1)?.role).toBe('assistant');
          } finally {
            await server.close();
          }
        });
      }
});
