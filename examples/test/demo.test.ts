import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

describe('support triage demo', () => {
  it('routes, escalates and answers each ticket, and prints what each step did', async () => {
    const lines: string[] = [];
    const results = await runDemo((line) => lines.push(line));
    expect(results.map((r) => [r.ticketId, r.intent, r.sentiment, r.escalated])).toEqual([
      ['T-1', 'billing', 'negative', true],
      ['T-2', 'technical', 'neutral', false],
      ['T-3', 'general', 'positive', false],
    ]);
    expect(results[0]?.orderIds).toEqual(['#10442']);
    expect(results[0]?.reply).toBe(
      'Hi Ana, I am sorry for the trouble. I have opened a refund request for order #10442; you will see it in 3-5 days.',
    );
    // Tokens from the parallel classifier branches and the writer are all counted.
    for (const r of results) expect(r.tokens).toBeGreaterThan(30);
    const output = lines.join('\n');
    expect(output).toContain('route taken: billing');
    expect(output).toMatch(/parallel ParallelPrimitive success/);
    expect(output).toMatch(/ {6}lambda classify-intent success/);
    expect(output).toMatch(/router route-by-intent success/);
  });
});
