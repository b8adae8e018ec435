import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A chat request as the fake server saw it.
 *
 * @example
 * ```ts
 * const server = await createFakeLLMServer({ reply: (request: FakeChatRequest) => `You asked ${request.model}` });
 * ```
 */
export interface FakeChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  /** The request's `max_completion_tokens`, else `max_tokens`, if any. */
  maxTokens?: number | undefined;
}

/**
 * Options of {@link createFakeLLMServer}.
 *
 * @example
 * ```ts
 * await createFakeLLMServer({ latencyMs: 50, rateLimitEvery: 3, retryAfterSeconds: 1 });
 * ```
 */
export interface FakeLLMServerOptions {
  /** The reply to a request. Default: `Echo: <last user message>`. */
  reply?: ((request: FakeChatRequest) => string) | undefined;
  /** Delay before answering, in ms. Default: 0. */
  latencyMs?: number | undefined;
  /** Share of requests (0..1) answered with HTTP 500, chosen by a seeded generator. Default: 0. */
  errorRate?: number | undefined;
  /** Every n-th request is answered with HTTP 429 and `retry-after`. Default: never. */
  rateLimitEvery?: number | undefined;
  /** The `retry-after` of those 429s, in seconds. Default: 1. */
  retryAfterSeconds?: number | undefined;
  /** Streaming: delay before the first chunk, in ms. Default: 0. */
  firstTokenDelayMs?: number | undefined;
  /** Streaming: delay between chunks, in ms. Default: 0. */
  chunkDelayMs?: number | undefined;
  /**
   * Streaming faults, per request (`n` counts requests from 1): after `at` content chunks, an
   * `error` event ends the stream (the SDK throws), or the server `stall`s (sends nothing more
   * until the client goes away). Default: none.
   */
  streamFault?:
    | ((request: FakeChatRequest, n: number) => { at: number; kind: 'error' | 'stall' } | undefined)
    | undefined;
  /** Seed of the generator behind `errorRate`, for reproducible runs. Default: 1. */
  seed?: number | undefined;
  /** Default: `'127.0.0.1'`, on a free port. */
  host?: string | undefined;
  port?: number | undefined;
}

/**
 * A running fake server.
 *
 * @example
 * ```ts
 * const server: FakeLLMServer = await createFakeLLMServer();
 * afterAll(() => server.close());
 * ```
 */
export interface FakeLLMServer {
  /** The OpenAI-compatible base URL (ends in `/v1`): pass it as `baseURL`. */
  readonly url: string;
  /** Every chat request received, in order. */
  readonly requests: readonly FakeChatRequest[];
  /** Streamed answers whose client closed the connection before the end (a cancelled stream). */
  readonly closedEarly: number;
  /** Stops the server (open connections are closed). */
  close(): Promise<void>;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function wait(ms: number, req: IncomingMessage): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      req.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    req.once('close', onClose);
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * An OpenAI-compatible chat server on loopback with deterministic answers, for tests and examples
 * that must run without a real model or API key: `POST /v1/chat/completions` (plain and streamed
 * as server-sent events, with usage) and `GET /v1/models`. Latency, errors, rate limits and slow
 * streams are scripted by the options.
 *
 * @example
 * ```ts
 * const server = await createFakeLLMServer({ rateLimitEvery: 3 });
 * const chat = new OpenAIChatPrimitive({ model: 'fake-small', baseURL: server.url });
 * // … then: await server.close();
 * ```
 */
export async function createFakeLLMServer(
  options: FakeLLMServerOptions = {},
): Promise<FakeLLMServer> {
  const errorRate = options.errorRate ?? 0;
  if (!(errorRate >= 0 && errorRate <= 1))
    throw new RangeError('createFakeLLMServer: errorRate must be from 0 to 1');
  const every = options.rateLimitEvery;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1))
    throw new RangeError('createFakeLLMServer: rateLimitEvery must be an integer >= 1');
  const reply =
    options.reply ??
    ((request: FakeChatRequest) =>
      `Echo: ${[...request.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`);
  let seed = options.seed ?? 1;
  const random = () => {
    // A small LCG: the same seed gives the same sequence of errors.
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const requests: FakeChatRequest[] = [];
  let closedEarly = 0;
  let count = 0;

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'GET' && path === '/v1/models') {
        return json(res, 200, {
          object: 'list',
          data: [
            { id: 'fake-small', object: 'model' },
            { id: 'fake-large', object: 'model' },
          ],
        });
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions')
        return json(res, 404, { error: { message: 'not found' } });
      let body = '';
      for await (const chunk of req) body += chunk;
      let parsed: Partial<FakeChatRequest> & {
        max_tokens?: unknown;
        max_completion_tokens?: unknown;
      };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return json(res, 400, {
          error: { message: 'invalid JSON', type: 'invalid_request_error' },
        });
      }
      if (typeof parsed.model !== 'string' || !Array.isArray(parsed.messages)) {
        return json(res, 400, {
          error: { message: 'model and messages are required', type: 'invalid_request_error' },
        });
      }
      const limit = parsed.max_completion_tokens ?? parsed.max_tokens;
      const request: FakeChatRequest = {
        model: parsed.model,
        messages: parsed.messages,
        stream: parsed.stream === true,
        ...(typeof limit === 'number' ? { maxTokens: limit } : {}),
      };
      requests.push(request);
      count++;
      if (!(await wait(options.latencyMs ?? 0, req))) return;
      if (every !== undefined && count % every === 0) {
        const seconds = options.retryAfterSeconds ?? 1;
        return json(
          res,
          429,
          { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } },
          { 'retry-after': String(seconds) },
        );
      }
      if (errorRate > 0 && random() < errorRate)
        return json(res, 500, {
          error: { message: 'The server had an error', type: 'server_error' },
        });

      // A reply longer than the request allows is cut, as real servers do (finish_reason "length").
      const full = reply(request);
      const cut = request.maxTokens !== undefined && tokens(full) > request.maxTokens;
      const text = cut ? full.slice(0, Math.max(0, (request.maxTokens as number) * 4)) : full;
      const finishReason = cut ? 'length' : 'stop';
      const usage = {
        prompt_tokens: request.messages.reduce((sum, m) => sum + tokens(String(m.content)), 0),
        completion_tokens: tokens(text),
        total_tokens: 0,
      };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      const id = `chatcmpl-fake-${count}`;
      const created = Math.floor(Date.now() / 1000);
      if (!request.stream) {
        return json(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model: request.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text },
              finish_reason: finishReason,
            },
          ],
          usage,
        });
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const send = (data: unknown) =>
        res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      if (!(await wait(options.firstTokenDelayMs ?? 0, req))) return;
      const pieces = text.match(/\S+\s*/g) ?? [text];
      const fault = options.streamFault?.(request, count);
      let ended = false;
      res.once('close', () => {
        if (!ended) closedEarly++;
      });
      for (const [i, piece] of pieces.entries()) {
        if (i > 0 && !(await wait(options.chunkDelayMs ?? 0, req))) return;
        if (fault !== undefined && i === fault.at) {
          if (fault.kind === 'stall') return void (await wait(2 ** 31 - 1, req));
          send({ error: { message: `stream failed at chunk ${i}`, type: 'server_error' } });
          ended = true;
          return void res.end();
        }
        send({
          id,
          object: 'chat.completion.chunk',
          created,
          model: request.model,
          choices: [
            {
              index: 0,
              delta: { ...(i === 0 ? { role: 'assistant' } : {}), content: piece },
              finish_reason: null,
            },
          ],
        });
      }
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: request.model,
        choices: [{ index: 0, delta: {}, finish_reason: finishReason }],
      });
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: request.model,
        choices: [],
        usage,
      });
      send('[DONE]');
      ended = true;
      res.end();
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: { message: String(error) } });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    requests,
    get closedEarly() {
      return closedEarly;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
