import { describe, expectTypeOf, test } from 'vitest';
import { AgentMemoryPrimitive, type MemoryEntry } from '../src/agents/index.js';
import { CompensationPrimitive, lambda, sagaStep } from '../src/index.js';
import { type ChatOutput, OpenAIChatPrimitive } from '../src/llm/index.js';

describe('AgentMemoryPrimitive: the result follows the request', () => {
  const memory = new AgentMemoryPrimitive();
  test('each op gives its own result', () => {
    expectTypeOf(memory.execute({ op: 'retrieve', key: 'k' })).resolves.toEqualTypeOf<{
      op: 'retrieve';
      entry: MemoryEntry | undefined;
    }>();
    expectTypeOf(memory.execute({ op: 'store', key: 'k', value: 1 })).resolves.toEqualTypeOf<{
      op: 'store';
      entry: MemoryEntry;
    }>();
    expectTypeOf(memory.execute({ op: 'query', tags: ['x'] })).resolves.toEqualTypeOf<{
      op: 'query';
      entries: MemoryEntry[];
    }>();
    expectTypeOf(memory.execute({ op: 'list' })).resolves.toEqualTypeOf<{
      op: 'list';
      entries: MemoryEntry[];
    }>();
  });
  test('a malformed request is a compile error', () => {
    // @ts-expect-error retrieve needs a key
    void memory.execute({ op: 'retrieve' });
    // @ts-expect-error no such op
    void memory.execute({ op: 'forget', key: 'k' });
  });
});

describe('OpenAIChatPrimitive input and output', () => {
  const chat = new OpenAIChatPrimitive({ model: 'm', baseURL: 'http://127.0.0.1:9/v1' });
  test('takes a prompt, messages or { messages }; gives text, usage and cost', () => {
    expectTypeOf(chat.execute('hi')).resolves.toEqualTypeOf<ChatOutput>();
    void chat.execute([{ role: 'user', content: 'hi' }]);
    void chat.execute({ messages: [{ role: 'system', content: 'be brief' }] });
    expectTypeOf<ChatOutput['text']>().toEqualTypeOf<string>();
    // @ts-expect-error a number is not a prompt
    void chat.execute(42);
    // @ts-expect-error messages need a known role
    void chat.execute([{ role: 'robot', content: 'hi' }]);
  });
  test('chains with steps that take its output', () => {
    const flow = chat.pipe(lambda((out: ChatOutput) => out.text.length));
    expectTypeOf(flow.execute).parameter(0).toEqualTypeOf<Parameters<typeof chat.execute>[0]>();
    // @ts-expect-error the chat gives a ChatOutput, not a string
    chat.pipe(lambda((s: string) => s.trim()));
  });
});

describe('saga chains check every link', () => {
  const reserve = sagaStep({
    name: 'reserve',
    action: (id: string) => id.length,
    compensate: () => {},
  });
  const charge = sagaStep({ name: 'charge', action: (n: number) => n > 0, compensate: () => {} });
  const confirm = sagaStep({
    name: 'confirm',
    action: (ok: boolean) => (ok ? 'yes' : 'no'),
    compensate: () => {},
  });
  const shout = sagaStep({
    name: 'shout',
    action: (s: string) => s.toUpperCase(),
    compensate: () => {},
  });
  test('a valid chain infers its ends', () => {
    expectTypeOf(
      new CompensationPrimitive([reserve, charge, confirm]).execute('x'),
    ).resolves.toEqualTypeOf<'yes' | 'no'>();
  });
  test('a wrong first, middle and last link', () => {
    // @ts-expect-error first link: reserve gives a number, shout takes a string
    new CompensationPrimitive([reserve, shout]);
    // @ts-expect-error middle link: charge gives a boolean, charge takes a number
    new CompensationPrimitive([reserve, charge, charge, confirm]);
    // @ts-expect-error last link: confirm gives a string, charge takes a number
    new CompensationPrimitive([reserve, charge, confirm, charge]);
  });
});
