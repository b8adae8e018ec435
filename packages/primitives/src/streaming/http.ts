// Serving a stream over HTTP: as a web `ReadableStream` of events, as Server-Sent Events bytes (for
// a web `Response`), or written to Node's `ServerResponse`. All three pull events only as fast as
// the client reads, and a client that goes away cancels the run (the iterator's `return()`).
import type { ServerResponse } from 'node:http';
import type { StreamEvent } from './events.js';

/**
 * Turns an event into SSE `data` (JSON). Errors become `{ name, message, code? }`, `BigInt`s
 * strings, so every event can be sent.
 *
 * @example
 * ```ts
 * const data: string = eventData({ type: 'chunk', path: 'answer', chunk: 'Hi' });
 * ```
 */
export function eventData(event: StreamEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => {
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
    }
    return typeof value === 'bigint' ? value.toString() : value;
  });
}

/** One SSE message: `event: <type>` and the JSON, as the EventSource API reads them. */
function sseMessage(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

function errorData(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  return JSON.stringify({
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  });
}

/**
 * A web `ReadableStream` of the events: pulled as the reader reads; cancelling it cancels the run.
 *
 * @example
 * ```ts
 * const readable = toReadableStream(flow.stream(input));
 * for await (const event of readable) console.log(event.type);
 * ```
 */
export function toReadableStream<O>(
  events: AsyncIterator<StreamEvent<O>>,
): ReadableStream<StreamEvent<O>> {
  return new ReadableStream<StreamEvent<O>>(
    {
      async pull(controller) {
        const next = await events.next();
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await events.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Server-Sent Events bytes for a web `Response` (or any `ReadableStream` consumer): one message
 * per event (`event: chunk`, `event: reset`, …, `event: result`); a failed run ends with an
 * `event: error` message carrying `{ name, message, code? }`.
 *
 * @example
 * ```ts
 * return new Response(toSSEStream(flow.stream(input, { signal: request.signal })), { headers: SSE_HEADERS });
 * ```
 */
export function toSSEStream(events: AsyncIterator<StreamEvent>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let ended = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ended) return controller.close();
        try {
          const next = await events.next();
          if (next.done === true) return controller.close();
          controller.enqueue(encoder.encode(sseMessage(next.value.type, eventData(next.value))));
        } catch (error) {
          ended = true;
          controller.enqueue(encoder.encode(sseMessage('error', errorData(error))));
        }
      },
      async cancel() {
        await events.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The response headers of an SSE stream.
 *
 * @example
 * ```ts
 * res.writeHead(200, SSE_HEADERS);
 * ```
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/**
 * A web `Response` streaming the events as SSE (for fetch-style handlers: Hono, Next.js route
 * handlers, Bun, Deno). Pass the request's signal to `stream()` as well.
 *
 * @example
 * ```ts
 * export const POST = (req: Request) => sseResponse(flow.stream(input, { signal: req.signal }));
 * ```
 */
export function sseResponse(events: AsyncIterator<StreamEvent>, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(SSE_HEADERS))
    if (!headers.has(name)) headers.set(name, value);
  return new Response(toSSEStream(events), { ...init, headers });
}

/**
 * Writes the events as SSE to a Node `ServerResponse`: waits for `drain` when the socket is full,
 * and cancels the run when the client goes away. Resolves when the response ended.
 *
 * @example
 * ```ts
 * createServer((req, res) => void writeSSE(flow.stream(question(req)), res));
 * ```
 */
export async function writeSSE(
  events: AsyncIterator<StreamEvent>,
  res: ServerResponse,
): Promise<void> {
  let gone = false;
  const onClose = () => {
    if (res.writableFinished) return;
    gone = true;
    void events.return?.();
  };
  res.once('close', onClose);
  try {
    if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    for (;;) {
      let next: IteratorResult<StreamEvent>;
      try {
        next = await events.next();
      } catch (error) {
        if (!gone) res.write(sseMessage('error', errorData(error)));
        break;
      }
      if (next.done === true || gone) break;
      if (!res.write(sseMessage(next.value.type, eventData(next.value))))
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
    }
  } finally {
    res.off('close', onClose);
    if (!gone) res.end();
  }
}
