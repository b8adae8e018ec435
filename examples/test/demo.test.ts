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
    expect(output).toMatch(/parallel analyse success/);
    // Every step has a name of its own: no class names.
    expect(output).not.toMatch(/\b[A-Z][a-zA-Z]+Primitive\b/);
    expect(output).toMatch(/ {6}lambda classify-intent success/);
    expect(output).toMatch(/router route-by-intent success/);
    // The workflow graph comes first.
    expect(output).toContain('flowchart TD');
    expect(output).toContain('<b>sequential</b> support-triage');
    expect(output).toMatch(/-->\|"billing"\|/);
  });
});

describe('the Grafana dashboard', () => {
  it('is valid JSON whose queries use only metric names the library exports', async () => {
    const { readFile } = await import('node:fs/promises');
    const { METRICS } = await import('@tta/observability');
    const dashboard = JSON.parse(
      await readFile(new URL('../../docs/grafana/tta-dashboard.json', import.meta.url), 'utf8'),
    );
    const known = new Set(Object.values(METRICS).map((m) => m.prometheus));
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        // Drop `by (…)` label lists; what is left of the tta_/gen_ai_ words are metric names.
        const metricsOnly = target.expr.replace(/by \([^)]*\)/g, '');
        for (const name of metricsOnly.match(/\b(?:tta|gen_ai)_[a-z_]+/g) ?? [])
          used.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(known).toContain(name);
  });
});
