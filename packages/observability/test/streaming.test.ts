import { sequential } from '@tta/primitives';
import { OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer } from '@tta/primitives/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { tracing } from './otel-setup.js';

// Streaming runs in telemetry (issue 15): a step that sent chunks says how many and how long the
// first took, on its span and in the metrics; its usage reaches the GenAI span as for execute.

let t: ReturnType<typeof tracing> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('streaming runs in telemetry', () => {
  it('a streamed model call has its chunk count, time to first chunk and token usage', async () => {
    const registry = new Registry();
    t = tracing({ registry });
    const server = await createFakeLLMServer({ firstTokenDelayMs: 20 });
    try {
      const chat = new OpenAIChatPrimitive({
        name: 'answer',
        model: 'fake-small',
        baseURL: server.url,
        apiKey: 'k',
      });
      const flow = sequential({ name: 'ask' }, chat);
      let chunks = 0;
      for await (const event of flow.stream('one two three')) if (event.type === 'chunk') chunks++;
      expect(chunks).toBe(4);
      const span = t.byName('chat fake-small');
      expect(span.attributes['tta.stream.chunks']).toBe(4);
      expect(span.attributes['tta.stream.time_to_first_chunk_ms']).toBeGreaterThanOrEqual(15);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      // The sequence's span counts the chunks that passed through it too.
      expect(t.byName('invoke_workflow ask').attributes['tta.stream.chunks']).toBe(4);
      const text = await registry.metrics();
      expect(text).toMatch(
        /tta_stream_chunks_total\{primitive_type="llm",primitive_name="answer"\} 4/,
      );
      expect(text).toMatch(
        /tta_stream_time_to_first_chunk_seconds_count\{primitive_type="llm",primitive_name="answer"\} 1/,
      );
    } finally {
      await server.close();
    }
  });
});
