import { CachePrimitive, lambda, TierRouterPrimitive } from '@tta/primitives';
import { type Completion, FakeModel } from './fake-model.js';

/** USD per million tokens (input, output), in the range of today's small and large models. */
const PRICES = {
  'fake-small': { input: 0.15, output: 0.6 },
  'fake-large': { input: 2.5, output: 10 },
} as const;

function costOf(c: Completion): number {
  const price = PRICES[c.model as keyof typeof PRICES];
  return (c.inputTokens * price.input + c.outputTokens * price.output) / 1_000_000;
}

/** A support workload: many repeated FAQ questions, some hard ones. Deterministic. */
export function workload(): string[] {
  const faq = [
    'How do I reset my password?',
    'What are your opening hours?',
    'How long does shipping take?',
    'Can I change my delivery address?',
  ];
  const hard = [
    'Compare the total cost of ownership of the Pro and Team plans for 40 seats over three years, including the annual discount and the onboarding fee, and explain which one I should pick.',
    'My invoice for March shows two charges for the same order and a credit that does not match my refund; walk me through what happened and what I am owed.',
  ];
  const prompts: string[] = [];
  for (let i = 0; i < 200; i++)
    prompts.push(i % 10 === 9 ? `${hard[i % 2]} (case ${i})` : (faq[i % faq.length] as string));
  return prompts;
}

export interface CostReport {
  baseline: { calls: number; cost: number };
  optimized: { smallCalls: number; largeCalls: number; cacheHits: number; cost: number };
  savedPercent: number;
}

/** Runs the workload twice: everything on the large model, then cache + tier routing. */
export async function compareCosts(): Promise<CostReport> {
  const prompts = workload();
  const make = () => ({
    small: new FakeModel({
      name: 'fake-small',
      rules: [],
      fallback: 'Here is the short answer from our help centre.',
      latencyMs: 0,
    }),
    large: new FakeModel({
      name: 'fake-large',
      rules: [],
      fallback: 'Here is a careful, detailed answer worked out step by step for your situation.',
      latencyMs: 0,
    }),
  });

  // Baseline: every prompt to the large model.
  const base = make();
  let baselineCost = 0;
  for (const prompt of prompts) baselineCost += costOf(await base.large.complete(prompt));

  // Optimized: cache repeated prompts, send simple ones to the small model.
  const models = make();
  let optimizedCost = 0;
  const call = (model: FakeModel) =>
    lambda(
      async (prompt: string, ctx) => {
        const completion = await model.complete(prompt, ctx.signal);
        optimizedCost += costOf(completion);
        return completion.text;
      },
      { name: model.name },
    );
  const router = new TierRouterPrimitive({
    tiers: { fast: call(models.small), quality: call(models.large) },
    // Simple prompts are short and ask one thing; anything long or comparative goes to the strong model.
    classify: (prompt) =>
      prompt.length > 120 || /compare|explain|walk me through/i.test(prompt) ? 'quality' : 'fast',
  });
  const answer = new CachePrimitive(router, { ttlMs: 3_600_000 });
  for (const prompt of prompts) await answer.execute(prompt);

  return {
    baseline: { calls: base.large.calls, cost: baselineCost },
    optimized: {
      smallCalls: models.small.calls,
      largeCalls: models.large.calls,
      cacheHits: answer.stats().hits,
      cost: optimizedCost,
    },
    savedPercent: (1 - optimizedCost / baselineCost) * 100,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await compareCosts();
  console.log(`200 support prompts
  baseline  (all on the large model): ${r.baseline.calls} calls, $${r.baseline.cost.toFixed(5)}
  optimized (cache + tier routing):   ${r.optimized.smallCalls} small + ${r.optimized.largeCalls} large calls, ${r.optimized.cacheHits} cache hits, $${r.optimized.cost.toFixed(5)}
  saved: ${r.savedPercent.toFixed(1)}%`);
}
