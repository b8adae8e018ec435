import { describe, expectTypeOf, test } from 'vitest';
import {
  CachePrimitive,
  type ChunkOf,
  FallbackPrimitive,
  lambda,
  parallel,
  RetryPrimitive,
  RouterPrimitive,
  type StreamEvent,
  sequential,
  TimeoutPrimitive,
  when,
} from '../src/index.js';
import { OpenAIChatPrimitive } from '../src/llm/index.js';

// Chunk types (what `stream()` yields in `chunk` events) flow through composition like outputs.

const tokens = lambda.stream(async function* (q: string) {
  yield q;
});
const lengths = lambda.stream(async function* (q: string) {
  yield q.length;
});
const trim = lambda((s: string) => s.trim());
const count = lambda((s: string) => s.length);
const chat = new OpenAIChatPrimitive({ model: 'm', apiKey: 'k' });

describe('chunk types', () => {
  test('leaves say what they stream', () => {
    expectTypeOf<ChunkOf<typeof tokens>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof lengths>>().toEqualTypeOf<number>();
    expectTypeOf<ChunkOf<typeof trim>>().toEqualTypeOf<never>();
    expectTypeOf<ChunkOf<typeof chat>>().toEqualTypeOf<string>();
    // The default output: text for text chunks, else the chunks.
    expectTypeOf(tokens.execute('x')).resolves.toEqualTypeOf<string>();
    expectTypeOf(lengths.execute('x')).resolves.toEqualTypeOf<number[]>();
  });

  test('a sequence streams its last step; parallel and routers their branches', () => {
    expectTypeOf<ChunkOf<typeof chainToTokens>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof chainToCount>>().toEqualTypeOf<never>();
    expectTypeOf<ChunkOf<typeof piped>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof both>>().toEqualTypeOf<string | number>();
    expectTypeOf<ChunkOf<typeof byKey>>().toEqualTypeOf<string | number>();
    expectTypeOf<ChunkOf<typeof routed>>().toEqualTypeOf<string | number>();
    expectTypeOf<ChunkOf<typeof branched>>().toEqualTypeOf<string | number>();
  });

  test('recovery and caching keep what the step streams', () => {
    expectTypeOf<ChunkOf<RetryPrimitive<string, string, string>>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof retried>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof bounded>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof cached>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof guarded>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof withBackup>>().toEqualTypeOf<string>();
    expectTypeOf<ChunkOf<typeof mixedBackup>>().toEqualTypeOf<string | number>();
    expectTypeOf<ChunkOf<typeof fluent>>().toEqualTypeOf<string>();
  });

  test('stream() yields typed chunks and the typed result', async () => {
    for await (const event of chainToTokens.stream(' hi ')) {
      expectTypeOf(event).toEqualTypeOf<StreamEvent<string, string>>();
      if (event.type === 'chunk') {
        expectTypeOf(event.chunk).toEqualTypeOf<string>();
        // @ts-expect-error a text chunk is not a number
        event.chunk.toFixed();
      }
      if (event.type === 'result') expectTypeOf(event.output).toEqualTypeOf<string>();
    }
    // Every step's chunks: their types are not tracked.
    for await (const event of chainToTokens.stream(' hi ', { allSteps: true }))
      if (event.type === 'chunk') expectTypeOf(event.chunk).toEqualTypeOf<unknown>();
    // Nor when it may be true.
    const options: { allSteps: boolean } = { allSteps: Math.random() > 0.5 };
    for await (const event of chainToTokens.stream(' hi ', options))
      if (event.type === 'chunk') expectTypeOf(event.chunk).toEqualTypeOf<unknown>();
  });

  test('collect must take the chunks the function yields', () => {
    lambda.stream(
      async function* () {
        yield 'a';
      },
      { collect: (chunks: string[]) => chunks.length },
    );
    const letters = async function* () {
      yield 'a';
    };
    // @ts-expect-error collect takes numbers, the function yields strings
    lambda.stream(letters, { collect: (chunks: number[]) => chunks.length });
  });
});

const chainToTokens = sequential(trim, tokens);
const chainToCount = sequential(tokens, count);
const piped = trim.pipe(tokens);
const both = parallel(tokens, lengths);
const byKey = parallel({ text: tokens, size: lengths });
const routed = new RouterPrimitive({
  routes: { text: tokens, size: lengths },
  select: (q: string) => (q.length > 3 ? 'text' : 'size'),
});
const branched = when((q: string) => q.length > 3, tokens, lengths);
const retried = new RetryPrimitive(tokens);
const bounded = new TimeoutPrimitive(tokens, { idleMs: 100 });
const cached = new CachePrimitive(tokens);
const guarded = tokens.withRetry().withTimeout(1000);
const withBackup = new FallbackPrimitive(tokens, [piped]);
const mixedBackup = tokens.withFallback(lengths);
const fluent = chat.withRetry();
