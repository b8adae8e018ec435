import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approximateTokenCount,
  ConversationMemory,
  createTiktokenCounter,
  InvalidContextError,
  MEMORY_OBSERVER,
  type MemoryChange,
  MessageTooLargeError,
  runWithContext,
  WorkflowContext,
} from '../src/index.js';

// One token per word, plus the 4-token message overhead: easy arithmetic.
const words = (text: string) => text.split(' ').filter(Boolean).length;
const memory = (maxTokens: number, keepRecent = 2) =>
  new ConversationMemory({ maxTokens, keepRecent, tokenCounter: words });

describe('ConversationMemory', () => {
  it('stores messages with role, content, metadata, importance and token count', () => {
    const m = memory(100);
    const stored = m.add({
      role: 'user',
      content: 'hello there friend',
      metadata: { channel: 'web' },
      importance: 0.9,
    });
    expect(stored).toMatchObject({
      role: 'user',
      content: 'hello there friend',
      metadata: { channel: 'web' },
      importance: 0.9,
      tokenCount: 7,
    });
    expect(m.tokenCount).toBe(7);
    expect(m.messages()).toEqual([stored]);
  });

  it('prunes old, unimportant turns first, keeping system messages and recent turns', () => {
    const m = memory(30, 2);
    m.add({ role: 'system', content: 'be brief' }); // 6
    m.add({ role: 'user', content: 'a', importance: 0.9 }); // 5
    m.add({ role: 'assistant', content: 'b', importance: 0.1 }); // 5
    m.add({ role: 'user', content: 'c' }); // 5
    m.add({ role: 'assistant', content: 'd' }); // 5  → 26
    m.add({ role: 'user', content: 'e f g' }); // 7 → 33 > 30: drop 'b' (lowest importance, not recent)
    expect(m.messages().map((x) => x.content)).toEqual(['be brief', 'a', 'c', 'd', 'e f g']);
    expect(m.tokenCount).toBe(28);
    m.add({ role: 'user', content: 'h i j k l' }); // 9 → 37: outside the last 2, drop 'c' then 'd' (0.5) before 'a' (0.9)
    expect(m.messages().map((x) => x.content)).toEqual(['be brief', 'a', 'e f g', 'h i j k l']);
    expect(m.tokenCount).toBeLessThanOrEqual(30);
  });

  it('drops recent turns, then system messages, only when it must; never the message just added', () => {
    const m = memory(20, 10);
    m.add({ role: 'system', content: 'one two three four' }); // 8
    m.add({ role: 'user', content: 'x' }); // 5
    m.add({ role: 'user', content: 'y' }); // 5 → 18
    m.add({ role: 'user', content: 'p q r s t u v w x y' }); // 14 → must drop 'x', 'y', then the system message
    expect(m.messages().map((x) => x.content)).toEqual(['p q r s t u v w x y']);
  });

  it('rejects a single message larger than the budget, changing nothing', () => {
    const m = memory(10);
    m.add({ role: 'user', content: 'hi' });
    expect(() => m.add({ role: 'user', content: 'one two three four five six seven' })).toThrow(
      MessageTooLargeError,
    );
    expect(m.messages().map((x) => x.content)).toEqual(['hi']);
  });

  it('validates input and options', () => {
    expect(() => new ConversationMemory({ maxTokens: 0 })).toThrow(RangeError);
    expect(() => new ConversationMemory({ maxTokens: 10, keepRecent: -1 })).toThrow(RangeError);
    const m = memory(10);
    expect(() => m.add({ role: 'robot' as never, content: 'x' })).toThrow(TypeError);
    expect(() => m.add({ role: 'user', content: 5 as never })).toThrow(TypeError);
    expect(() => m.add({ role: 'user', content: 'x', importance: 2 })).toThrow(RangeError);
  });

  it('round-trips through JSON and rejects foreign data', () => {
    const m = memory(50);
    m.add({ role: 'system', content: 'rules' });
    m.add({ role: 'user', content: 'question here' });
    const restored = ConversationMemory.fromJSON(JSON.parse(JSON.stringify(m)), {
      tokenCounter: words,
    });
    expect(restored.messages()).toEqual(m.messages());
    expect(restored.tokenCount).toBe(m.tokenCount);
    expect(() => ConversationMemory.fromJSON({ version: 2, messages: [] })).toThrow(
      InvalidContextError,
    );
    expect(() =>
      ConversationMemory.fromJSON({ version: 1, maxTokens: 10, messages: [{ role: 'user' }] }),
    ).toThrow(/messages\[0\]/);
  });

  it('property: after any adds the total fits, the newest message is kept, and system messages outlive others', () => {
    const message = fc.record({
      role: fc.constantFrom('system', 'user', 'assistant', 'tool' as const),
      n: fc.integer({ min: 0, max: 12 }),
      importance: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 60 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(message, { maxLength: 40 }),
        (max, keep, list) => {
          const m = new ConversationMemory({
            maxTokens: max,
            keepRecent: keep,
            tokenCounter: words,
          });
          for (const { role, n, importance } of list) {
            const added = m.add({ role, content: Array(n).fill('w').join(' '), importance });
            const held = m.messages();
            expect(m.tokenCount).toBeLessThanOrEqual(max);
            expect(m.tokenCount).toBe(held.reduce((sum, x) => sum + x.tokenCount, 0));
            expect(held.at(-1)).toBe(added);
            const nonSystemLeft = held.filter((x) => x.role !== 'system' && x !== added).length;
            const everySystemAdded = list.filter((x) => x.role === 'system').length;
            if (nonSystemLeft > 0)
              expect(held.filter((x) => x.role === 'system').length).toBeLessThanOrEqual(
                everySystemAdded,
              );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ConversationMemory changes', () => {
  it('tells the current context’s MEMORY_OBSERVER of each add and clear, and nobody outside it', async () => {
    const m = memory(100);
    const seen: [ConversationMemory, MemoryChange][] = [];
    const ctx = WorkflowContext.create().withValue(MEMORY_OBSERVER, (mem, change) => {
      seen.push([mem, change]);
    });
    m.add({ role: 'system', content: 'outside' });
    await runWithContext(ctx.child(), async () => {
      await Promise.resolve();
      const added = m.add({ role: 'user', content: 'inside' });
      m.clear();
      expect(seen).toEqual([
        [m, { op: 'add', message: added }],
        [m, { op: 'clear' }],
      ]);
    });
    m.add({ role: 'user', content: 'after' });
    expect(seen).toHaveLength(2);
  });

  it('apply() replays reported changes into the same state, ids, pruning and all', () => {
    const source = memory(25, 1);
    const changes: MemoryChange[] = [];
    const ctx = WorkflowContext.create().withValue(MEMORY_OBSERVER, (_m, c) => changes.push(c));
    runWithContext(ctx, () => {
      source.add({ role: 'system', content: 'be brief' });
      source.add({ role: 'user', content: 'one two three four five', importance: 0.1 });
      source.clear();
      source.add({ role: 'user', content: 'one two three four five six' });
      source.add({ role: 'assistant', content: 'seven eight nine ten eleven twelve' });
      source.add({ role: 'user', content: 'thirteen fourteen fifteen sixteen' });
    });
    const copy = memory(25, 1);
    copy.add({ role: 'user', content: 'gone after the clear' });
    for (const change of changes) copy.apply(change);
    expect(copy.toJSON()).toEqual(source.toJSON());
    expect(source.messages().length).toBeLessThan(3); // pruning happened, and replayed the same
  });

  it('apply() refuses a change that is not one', () => {
    const m = memory(30);
    expect(() => m.apply({ op: 'drop' } as never)).toThrow(InvalidContextError);
    expect(() => m.apply({ op: 'add', message: { role: 'user' } } as never)).toThrow(
      InvalidContextError,
    );
    expect(() => m.apply(null as never)).toThrow(InvalidContextError);
    expect(m.messages()).toEqual([]);
  });

  it('keeps keepRecent through JSON', () => {
    const m = new ConversationMemory({ maxTokens: 50, keepRecent: 7 });
    expect(ConversationMemory.fromJSON(JSON.parse(JSON.stringify(m))).keepRecent).toBe(7);
  });
});

describe('token counting', () => {
  it('approximates fast, never below the word count', () => {
    expect(approximateTokenCount('')).toBe(0);
    expect(approximateTokenCount('a b c d e')).toBe(5);
    expect(approximateTokenCount('internationalization')).toBe(5);
  });

  it('counts exactly with js-tiktoken when installed', async () => {
    const count = await createTiktokenCounter('o200k_base');
    expect(count('hello world')).toBe(2);
    const m = new ConversationMemory({ maxTokens: 100, tokenCounter: count });
    expect(m.add({ role: 'user', content: 'hello world' }).tokenCount).toBe(6);
  });
});
