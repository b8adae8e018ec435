// A streaming chat endpoint: the primary model fails in the middle of its answer, and the fallback
// takes over with the `restart` policy, so the page first shows the primary's words, then a
// `reset` takes them back, then the fallback's answer streams. Everything is local: the models
// are the fake OpenAI-compatible server, so no API key is needed.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FallbackPrimitive, writeSSE } from '@tta/primitives';
import { OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer, type FakeLLMServer } from '@tta/primitives/testing';

const PAGE = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

/** What the fallback model answers (the fake server's reply for it). */
export function fallbackAnswer(question: string): string {
  return `Here is a full answer to "${question}": sunlight scatters off air molecules, and blue light scatters most.`;
}

export interface StreamingChat {
  /** The page: open it in a browser (add `?q=…` to ask at once). */
  readonly url: string;
  readonly models: FakeLLMServer;
  close(): Promise<void>;
}

/** Starts the fake models and the chat server on free loopback ports. */
export async function startStreamingChat(
  options: { chunkDelayMs?: number } = {},
): Promise<StreamingChat> {
  const models = await createFakeLLMServer({
    chunkDelayMs: options.chunkDelayMs ?? 40,
    reply: (request) => {
      const question = request.messages.at(-1)?.content ?? '';
      return request.model === 'primary-model'
        ? `The primary model starts to answer "${question}" and then`
        : fallbackAnswer(question);
    },
    // The primary model's stream breaks after four words, every time.
    streamFault: (request) =>
      request.model === 'primary-model' ? { at: 4, kind: 'error' } : undefined,
  });
  const model = (name: string) =>
    new OpenAIChatPrimitive({ name, model: name, baseURL: models.url, apiKey: 'not-needed' });
  const answer = new FallbackPrimitive(model('primary-model'), [model('fallback-model')], {
    name: 'answer',
    midStream: 'restart',
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/chat') {
      const question = url.searchParams.get('q') ?? '';
      void writeSSE(answer.stream(question), res);
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    models,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await models.close();
    },
  };
}
