import {
  FallbackPrimitive,
  lambda,
  RetryPrimitive,
  sequential,
  TimeoutPrimitive,
  type WorkflowPrimitive,
} from '@tta/primitives';
import { OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer } from '@tta/primitives/testing';
import OpenAI from 'openai';

// What streaming through primitives costs (issue 15):
// - time to first chunk: a model's stream read with the raw `openai` SDK against the fake server,
//   and the same model call inside a 5-primitive chain (sequence → retry → timeout with stream
//   limits → fallback → model) read with `stream()`; the added time is the difference of the
//   medians, runs alternating in one process;
// - per-chunk overhead: 20,000 chunks from an async generator read directly, and the same
//   generator as a `lambda.stream` step inside the same 5-primitive chain read with `stream()`.

const RUNS = 400;
const CHUNKS = 20_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** sequence → retry → timeout (first-chunk and idle limits) → fallback → step. */
function chainAround<C>(
  step: WorkflowPrimitive<string, C>,
  backup: WorkflowPrimitive<string, C>,
): WorkflowPrimitive<string, C> {
  return sequential(
    { name: 'bench' },
    new RetryPrimitive(
      new TimeoutPrimitive(new FallbackPrimitive(step, [backup], { midStream: 'restart' }), {
        firstChunkMs: 10_000,
        idleMs: 10_000,
      }),
      { maxRetries: 2, initialDelayMs: 0, midStream: 'restart' },
    ),
  ) as WorkflowPrimitive<string, C>;
}

async function timeToFirstChunk(): Promise<string[]> {
  const server = await createFakeLLMServer();
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
    const model = (name: string) => new OpenAIChatPrimitive({ name, model: 'fake-small', client });
    const chain = chainAround(model('primary'), model('backup'));
    const raw = async (q: string) => {
      const started = performance.now();
      let first = 0;
      const stream = await client.chat.completions.create({
        model: 'fake-small',
        messages: [{ role: 'user', content: q }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream)
        if (first === 0 && (chunk.choices[0]?.delta?.content ?? '') !== '')
          first = performance.now() - started;
      return first;
    };
    const viaChain = async (q: string) => {
      const started = performance.now();
      let first = 0;
      for await (const event of chain.stream(q))
        if (first === 0 && event.type === 'chunk') first = performance.now() - started;
      return first;
    };
    for (let i = 0; i < 50; i++) {
      await raw(`warm ${i}`);
      await viaChain(`warm ${i}`);
    }
    const rawTimes: number[] = [];
    const chainTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      rawTimes.push(await raw(`question ${i} one two three`));
      chainTimes.push(await viaChain(`question ${i} one two three`));
    }
    const r = median(rawTimes);
    const c = median(chainTimes);
    return [
      `| raw openai SDK stream                 | ${r.toFixed(3)} ms |`,
      `| 5-primitive chain, stream()           | ${c.toFixed(3)} ms |`,
      `| added by the chain (goal <= 0.5 ms)   | ${(c - r).toFixed(3)} ms |`,
    ];
  } finally {
    await server.close();
  }
}

async function perChunk(): Promise<string[]> {
  async function* source() {
    for (let i = 0; i < CHUNKS; i++) yield i;
  }
  const plain = async () => {
    let n = 0;
    for await (const _ of source()) n++;
    return n;
  };
  const step = lambda.stream(source, { collect: (chunks) => chunks.length });
  const backup = lambda.stream(source, { collect: (chunks) => chunks.length });
  const chain = chainAround(step, backup);
  const viaChain = async () => {
    let n = 0;
    for await (const event of chain.stream('go')) if (event.type === 'chunk') n++;
    return n;
  };
  const time = async (fn: () => Promise<number>) => {
    const started = process.hrtime.bigint();
    const n = await fn();
    if (n !== CHUNKS) throw new Error(`expected ${CHUNKS} chunks, got ${n}`);
    return Number(process.hrtime.bigint() - started);
  };
  for (let i = 0; i < 3; i++) {
    await time(plain);
    await time(viaChain);
  }
  const plainNs: number[] = [];
  const chainNs: number[] = [];
  for (let i = 0; i < 9; i++) {
    plainNs.push(await time(plain));
    chainNs.push(await time(viaChain));
  }
  const p = median(plainNs) / CHUNKS;
  const c = median(chainNs) / CHUNKS;
  return [
    `| async generator, for await            | ${p.toFixed(0)} ns/chunk |`,
    `| 5-primitive chain, stream()           | ${c.toFixed(0)} ns/chunk |`,
    `| added per chunk (goal <= 1000 ns)     | ${(c - p).toFixed(0)} ns |`,
  ];
}

export async function streamingCost(): Promise<string> {
  const lines = [
    `Streaming (${RUNS} model calls; ${CHUNKS} chunks per run, median of 9 runs):`,
    '| measurement                           | value |',
    '| ------------------------------------- | ----- |',
    ...(await timeToFirstChunk()),
    ...(await perChunk()),
  ];
  return lines.join('\n');
}
