import { describe, expect, it } from 'vitest';
import { runFirstWorkflow } from '../src/first-workflow.js';
import { runMultiAgent } from '../src/multi-agent.js';
import { runSaga } from '../src/saga.js';

const quiet = () => {};

describe('examples', () => {
  it('first workflow: validates, caches, falls back between models, and reports what it spent', async () => {
    delete process.env.OPENAI_BASE_URL;
    const { lines, stats, spent } = await runFirstWorkflow(quiet);
    const output = lines.join('\n');
    expect(output).toContain('A: [large] A retry runs a failed call again after a growing delay.');
    expect(output).toContain('[cache-miss, fallback primary→backup]');
    expect(output).toContain('[cache-hit]');
    expect(output).toContain('!  TypeError: Not a question: "??"');
    expect(stats).toMatchObject({ hits: 1, misses: 3 });
    expect(spent?.tokens).toBeGreaterThan(0);
    expect(spent?.costUsd).toBeGreaterThan(0);
  });

  it('multi-agent: routes, hands off, reaches consensus and remembers the conversation', async () => {
    delete process.env.OPENAI_BASE_URL;
    const lines = await runMultiAgent(quiet);
    expect(lines).toEqual([
      'ana: Hi, my name is Ana.\n  → Happy to help, Ana!',
      'ana: Please refund order #4411.\n  → Refund issued for #4411.',
      'ana: Which plan should I pick?\n  → Option A (agreed by a, b)',
      'ana: Thanks again!\n  → Happy to help, Ana!',
      'handoffs: desk→billing (billing question)',
      expect.stringMatching(/^conversation: 4 messages, \d+ tokens; budget spent: \d+ tokens$/),
    ]);
  });

  it('saga: books, compensates a failed booking in reverse, and undoes on cancellation', async () => {
    const lines = await runSaga(quiet);
    expect(lines.slice(0, 4)).toEqual([
      'Ana (economy car): booked flight F1, hotel H1, car C1',
      'Bo (luxury car): failed at car (no car available: luxury); undone: hotel, flight',
      'Cy (cancelled): failed at hotel (The workflow was cancelled); undone: flight',
      'inventory left: flights 1, hotels 1, economy cars 0',
    ]);
  });
});
