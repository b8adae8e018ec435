import { CancelledError, ConversationMemory, WorkflowContext } from '@tta/agent-context';
import { afterEach, describe, expect, it } from 'vitest';
import { FallbackPrimitive, RetryPrimitive } from '../src/index.js';
import {
  LlmRateLimitError,
  LlmRequestError,
  LlmServerError,
  LlmTimeoutError,
  OpenAIChatPrimitive,
  retryAfterMs,
} from '../src/llm/index.js';
import {
  createFakeLLMServer,
  createRecordingHooks,
  type FakeLLMServer,
} from '../src/testing/index.js';
import { listenerCount, withHooks } from './helpers.js';

const servers: FakeLLMServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
async function serve(options: Parameters<typeof createFakeLLMServer>[0] = {}) {
  const server = await createFakeLLMServer(options);
  servers.push(server);
  return server;
}

describe('OpenAIChatPrimitive against an OpenAI-compatible server', () => {
  it('answers, records usage and cost into the budget, and reports the call for telemetry', async () => {
    const server = await serve({
      reply: () => 'A circuit breaker stops calls to a failing service.',
    });
    const recorder = withHooks(createRecordingHooks());
    const chat = new OpenAIChatPrimitive({
      model: 'fake-small',
      baseURL: server.url,
      system: 'Answer briefly.',
      pricing: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 },
      params: { temperature: 0 },
    });
    const ctx = WorkflowContext.create({ budget: { maxTokens: 10_000 } });
    try {
      const out = await chat.execute('What is a circuit breaker?', ctx);
      expect(out.text).toBe('A circuit breaker stops calls to a failing service.');
      expect(out.usage.outputTokens).toBe(13);
      expect(out.costUsd).toBe(out.usage.inputTokens * 1 + out.usage.outputTokens * 2);
      expect(ctx.budget?.spent).toMatchObject({
        tokens: out.usage.inputTokens + out.usage.outputTokens,
        costUsd: out.costUsd,
      });
      expect(server.requests[0]).toMatchObject({
        model: 'fake-small',
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'What is a circuit breaker?' },
        ],
      });
      expect(recorder.events.find((e) => e.type === 'llm-call')).toMatchObject({
        provider: 'openai',
        model: 'fake-small',
        outputTokens: 13,
      });
    } finally {
      recorder.off();
    }
  });

  it('sends the conversation from memory and adds the reply to it', async () => {
    const server = await serve();
    const memory = new ConversationMemory({ maxTokens: 1000 });
    memory.add({ role: 'user', content: 'My name is Ana.' });
    memory.add({ role: 'assistant', content: 'Hi Ana!' });
    const chat = new OpenAIChatPrimitive({ model: 'fake-small', baseURL: server.url, memory });
    await chat.execute([{ role: 'user', content: 'What is my name?' }]);
    expect(server.requests[0]?.messages.map((m) => m.content)).toEqual([
      'My name is Ana.',
      'Hi Ana!',
      'What is my name?',
    ]);
    expect(
      memory
        .messages()
        .map((m) => m.content)
        .at(-1),
    ).toBe('Echo: What is my name?');
  });

  it('maps a 429 to LlmRateLimitError with retryAfterMs, which RetryPrimitive honours', async () => {
    const server = await serve({ rateLimitEvery: 1, retryAfterSeconds: 2 });
    const chat = new OpenAIChatPrimitive({ model: 'fake-small', baseURL: server.url });
    const error = await chat.execute('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 2000, status: 429, retryable: true });

    const flaky = await serve({ rateLimitEvery: 2, retryAfterSeconds: 0.05 });
    const retried = new RetryPrimitive(
      new OpenAIChatPrimitive({ model: 'fake-small', baseURL: flaky.url }),
      { initialDelayMs: 10_000 },
    );
    await retried.execute('one');
    const started = Date.now();
    await expect(retried.execute('two')).resolves.toMatchObject({ text: 'Echo: two' });
    expect(Date.now() - started).toBeLessThan(5_000); // waited the server's 50 ms, not the 10 s backoff
    expect(flaky.requests).toHaveLength(3);
  });

  it('maps 5xx to LlmServerError (fallback moves on) and 4xx to LlmRequestError (not retried)', async () => {
    const broken = await serve({ errorRate: 1 });
    const healthy = await serve({ reply: () => 'from the backup model' });
    const primary = new OpenAIChatPrimitive({
      model: 'fake-large',
      baseURL: broken.url,
      name: 'primary',
    });
    await expect(primary.execute('hi')).rejects.toBeInstanceOf(LlmServerError);
    const backup = new OpenAIChatPrimitive({
      model: 'fake-small',
      baseURL: healthy.url,
      name: 'backup',
    });
    await expect(new FallbackPrimitive(primary, backup).execute('hi')).resolves.toMatchObject({
      text: 'from the backup model',
    });

    const bad = new OpenAIChatPrimitive({
      model: 'fake-small',
      baseURL: healthy.url,
      params: { messages: 'not a list' },
    });
    const retry = new RetryPrimitive(bad, { initialDelayMs: 0 });
    await expect(retry.execute('hi')).rejects.toBeInstanceOf(LlmRequestError);
    expect(healthy.requests).toHaveLength(1); // the 400 was not retried
  });

  it('streams, passing each piece on and collecting usage', async () => {
    const server = await serve({ reply: () => 'one two three four' });
    const pieces: string[] = [];
    const chat = new OpenAIChatPrimitive({
      model: 'fake-small',
      baseURL: server.url,
      stream: true,
      onToken: (t) => pieces.push(t),
    });
    const out = await chat.execute('count');
    expect(out).toMatchObject({
      text: 'one two three four',
      finishReason: 'stop',
      model: 'fake-small',
    });
    expect(pieces).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(out.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streaming: a late first token, or a stall, is an LlmTimeoutError', async () => {
    const late = await serve({ firstTokenDelayMs: 2_000 });
    const firstToken = new OpenAIChatPrimitive({
      model: 'm',
      baseURL: late.url,
      stream: true,
      firstTokenTimeoutMs: 50,
    });
    await expect(firstToken.execute('hi')).rejects.toMatchObject({
      name: 'LlmTimeoutError',
      phase: 'first-token',
      timeoutMs: 50,
    });

    const stalling = await serve({ reply: () => 'a b c d', chunkDelayMs: 2_000 });
    const stall = new OpenAIChatPrimitive({
      model: 'm',
      baseURL: stalling.url,
      stream: true,
      stallTimeoutMs: 50,
    });
    const error = await stall.execute('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(error).toMatchObject({ phase: 'stall' });
  });

  it('requestTimeoutMs ends as LlmTimeoutError, phase request (issue 13 item 12)', async () => {
    const slow = await serve({ latencyMs: 2_000 });
    for (const stream of [false, true]) {
      const chat = new OpenAIChatPrimitive({
        model: 'm',
        baseURL: slow.url,
        stream,
        requestTimeoutMs: 50,
      });
      const error = await chat.execute('hi').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmTimeoutError);
      expect(error).toMatchObject({ phase: 'request', timeoutMs: 50 });
    }
  });

  it('cancelling the caller stops the request and stays a cancellation', async () => {
    const slow = await serve({ latencyMs: 5_000 });
    const chat = new OpenAIChatPrimitive({ model: 'm', baseURL: slow.url });
    const controller = new AbortController();
    const call = chat.execute('hi', WorkflowContext.create({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    const streaming = new OpenAIChatPrimitive({ model: 'm', baseURL: slow.url, stream: true });
    const c2 = new AbortController();
    const s = streaming.execute('hi', WorkflowContext.create({ signal: c2.signal }));
    setTimeout(() => c2.abort(), 30);
    await expect(s).rejects.toBeInstanceOf(CancelledError);
    expect(listenerCount(c2.signal)).toBe(0);
  });

  it('validates options and input', async () => {
    expect(() => new OpenAIChatPrimitive({ model: '' })).toThrow(TypeError);
    expect(() => new OpenAIChatPrimitive({ model: 'm', stallTimeoutMs: 0 })).toThrow(RangeError);
    expect(
      () =>
        new OpenAIChatPrimitive({
          model: 'm',
          pricing: { inputPerMillion: -1, outputPerMillion: 0 },
        }),
    ).toThrow(RangeError);
    const server = await serve();
    await expect(
      new OpenAIChatPrimitive({ model: 'm', baseURL: server.url }).execute([] as never),
    ).rejects.toThrow(TypeError);
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(
      retryAfterMs(new Headers({ 'retry-after': new Date(11_000).toUTCString() }), 1_000),
    ).toBe(10_000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
});

describe('a deadline stops a streamed call (issue 12, item 1)', () => {
  it('a long stream called with a near deadline ends with DeadlineExceededError, not ok', async () => {
    const { DeadlineExceededError } = await import('@tta/agent-context');
    const server = await serve({ reply: () => 'a b c d e f g h', chunkDelayMs: 200 });
    const chat = new OpenAIChatPrimitive({
      model: 'fake-small',
      baseURL: server.url,
      stream: true,
    });
    const error = await chat
      .execute('count', WorkflowContext.create({ deadline: Date.now() + 200 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
  });
});

describe('OpenAIChatPrimitive under a token budget (issue 13 item 13)', () => {
  const essay = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '); // ~90 tokens

  it.each([false, true])(
    'caps max_tokens at what is left, so one call cannot overspend (stream: %s)',
    async (stream) => {
      const server = await serve({ reply: () => essay });
      const chat = new OpenAIChatPrimitive({ model: 'm', baseURL: server.url, stream });
      const ctx = WorkflowContext.create({ budget: { maxTokens: 30 } });
      const out = await chat.execute('hi', ctx);
      const sent = server.requests.at(-1)?.maxTokens as number;
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(30 - 1); // 'hi' counts at least one token
      expect(out.finishReason).toBe('length');
      expect(ctx.budget?.spent.tokens).toBeLessThanOrEqual(30);
    },
  );

  it('keeps a smaller max_tokens of its own, and caps max_completion_tokens when that is used', async () => {
    const server = await serve({ reply: () => essay });
    const ctx = () => WorkflowContext.create({ budget: { maxTokens: 1000 } });
    await new OpenAIChatPrimitive({
      model: 'm',
      baseURL: server.url,
      params: { max_tokens: 7 },
    }).execute('hi', ctx());
    expect(server.requests.at(-1)?.maxTokens).toBe(7);
    const tight = WorkflowContext.create({ budget: { maxTokens: 40 } });
    await new OpenAIChatPrimitive({
      model: 'm',
      baseURL: server.url,
      params: { max_completion_tokens: 500 },
    }).execute('hi', tight);
    expect(server.requests.at(-1)?.maxTokens).toBeLessThan(40);
    // Without a token budget nothing is added.
    await new OpenAIChatPrimitive({ model: 'm', baseURL: server.url }).execute('hi');
    expect(server.requests.at(-1)?.maxTokens).toBeUndefined();
  });

  it('refuses to start when the prompt alone is over what is left, counted with the configured counter', async () => {
    const server = await serve({ reply: () => 'ok' });
    const chat = new OpenAIChatPrimitive({
      model: 'm',
      baseURL: server.url,
      tokenCounter: (text) => text.split(/\s+/).length * 10,
    });
    const ctx = WorkflowContext.create({ budget: { maxTokens: 50 } });
    await expect(chat.execute('five words make fifty tokens', ctx)).rejects.toMatchObject({
      name: 'BudgetExceededError',
      limit: 'tokens',
      max: 50,
    });
    expect(server.requests).toHaveLength(0);
  });
});
