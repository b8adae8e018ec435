import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  CachePrimitive,
  lambda,
  SSE_HEADERS,
  type StreamEvent,
  sequential,
  sseResponse,
  toReadableStream,
  toSSEStream,
  writeSSE,
} from '../src/index.js';

/** The (event, data) pairs of an SSE text. */
function parseSSE(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

const words = (text: string) =>
  lambda.stream(
    async function* () {
      for (const w of text.split(' ')) yield `${w} `;
    },
    { name: 'words' },
  );

describe('streams over HTTP', () => {
  it('toSSEStream sends one SSE message per event, as the iterator yields them', async () => {
    const expected: StreamEvent[] = [];
    for await (const event of words('a b').stream(undefined)) expected.push(event);
    const text = await new Response(toSSEStream(words('a b').stream(undefined))).text();
    const messages = parseSSE(text);
    expect(messages.map((m) => m.event)).toEqual(expected.map((e) => e.type));
    expect(messages.filter((m) => m.event === 'chunk').map((m) => m.data)).toEqual([
      { type: 'chunk', path: 'words', chunk: 'a ' },
      { type: 'chunk', path: 'words', chunk: 'b ' },
    ]);
    expect(messages.at(-1)?.data).toEqual({ type: 'result', output: 'a b ' });
  });

  it('sseResponse has the SSE headers; a failed run ends with an error message', async () => {
    const failing = sequential(
      words('x'),
      lambda((): string => {
        throw Object.assign(new Error('no model'), { code: 'LLM_UNAVAILABLE' });
      }),
    );
    const response = sseResponse(failing.stream(undefined, { allSteps: true }), {
      headers: { 'x-request-id': 'r1' },
    });
    expect(response.headers.get('content-type')).toBe(SSE_HEADERS['content-type']);
    expect(response.headers.get('x-request-id')).toBe('r1');
    const messages = parseSSE(await response.text());
    expect(messages.at(-1)).toEqual({
      event: 'error',
      data: { name: 'Error', message: 'no model', code: 'LLM_UNAVAILABLE' },
    });
    expect(messages.some((m) => m.event === 'chunk')).toBe(true);
  });

  it('writeSSE serves a stream from node:http; a client that goes away cancels the run', async () => {
    let closed = false;
    const endless = lambda.stream(async function* () {
      try {
        for (let i = 0; ; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield i;
        }
      } finally {
        closed = true;
      }
    });
    const served: Promise<void>[] = [];
    const server = createServer((_req, res) => {
      served.push(writeSSE(endless.stream(undefined), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: client.signal });
      expect(response.headers.get('content-type')).toBe(SSE_HEADERS['content-type']);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while ((text.match(/event: chunk/g) ?? []).length < 3) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
      client.abort();
      await vi.waitFor(() => expect(closed).toBe(true));
      await Promise.all(served);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('toReadableStream: cancelling the reader cancels the run', async () => {
    let closed = false;
    const endless = lambda.stream(async function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    });
    const reader = toReadableStream(endless.stream(undefined)).getReader();
    const seen: string[] = [];
    while (seen.filter((t) => t === 'chunk').length < 2)
      seen.push(((await reader.read()).value as StreamEvent).type);
    await reader.cancel();
    await vi.waitFor(() => expect(closed).toBe(true));
  });
});

describe('a cache in a streaming run', () => {
  it('records the stream on a miss and replays it on a hit, chunk for chunk', async () => {
    let runs = 0;
    const answer = lambda.stream(
      async function* (q: string) {
        runs++;
        for (const w of `answer to ${q}`.split(' ')) yield `${w} `;
      },
      { name: 'answer' },
    );
    const cached = new CachePrimitive(answer, { name: 'cached' });
    const chunks = async () => {
      const seen: unknown[] = [];
      for await (const e of cached.stream('q'))
        if (e.type === 'chunk') seen.push([e.path, e.chunk]);
      return seen;
    };
    const first = await chunks();
    const second = await chunks();
    expect(runs).toBe(1);
    expect(second).toEqual(first);
    expect(first).toHaveLength(3);
    // A plain execute on the same entry gets the output.
    expect(await cached.execute('q')).toBe('answer to q ');
    expect(runs).toBe(1);
  });

  it('a streaming caller that joins a call in flight gets its chunks too, then the result', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const answer = lambda.stream(
      async function* () {
        runs++;
        yield 'one ';
        await gate;
        yield 'two ';
      },
      { name: 'slow' },
    );
    const cached = new CachePrimitive(answer, { name: 'shared' });
    const read = async () => {
      const seen: unknown[] = [];
      let output: unknown;
      for await (const e of cached.stream('q')) {
        if (e.type === 'chunk') seen.push(e.chunk);
        if (e.type === 'result') output = e.output;
      }
      return { seen, output };
    };
    const first = read();
    await vi.waitFor(() => expect(runs).toBe(1)); // the call is in flight
    const second = read();
    await vi.waitFor(() => expect(cached.stats().misses).toBe(2)); // and the second joined it
    release();
    expect(await first).toEqual({ seen: ['one ', 'two '], output: 'one two ' });
    expect(await second).toEqual({ seen: ['one ', 'two '], output: 'one two ' });
    expect(runs).toBe(1);
  });
});
