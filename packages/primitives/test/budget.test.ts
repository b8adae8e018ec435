import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  WorkflowContext as Ctx,
  FallbackPrimitive,
  lambda,
  ParallelPrimitive,
  RetryPrimitive,
  sequential,
  type WorkflowContext,
} from '../src/index.js';
import { MockPrimitive } from '../src/testing/index.js';

/** A model step that spends `tokens` of the budget per call, then fails or answers. */
function spender(tokens: number, fails: boolean) {
  let calls = 0;
  const step = lambda((_: string, ctx: WorkflowContext) => {
    calls++;
    ctx.recordUsage({ inputTokens: tokens, model: 'm' });
    if (fails) throw new Error('provider error');
    return 'answer';
  });
  return { step, calls: () => calls };
}

describe('budgets stop primitives from spending more', () => {
  it('no step starts once the budget is spent', async () => {
    const first = spender(100, false);
    const second = spender(100, false);
    const ctx = Ctx.create({ budget: { maxTokens: 100 } });
    await expect(sequential(first.step, second.step).execute('q', ctx)).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    expect(first.calls()).toBe(1);
    expect(second.calls()).toBe(0);
  });

  it('retry stops early instead of overspending, keeping the last error as cause', async () => {
    const flaky = spender(40, true);
    const ctx = Ctx.create({ budget: { maxTokens: 100 } });
    const error = await new RetryPrimitive(flaky.step, { maxRetries: 10, initialDelayMs: 0 })
      .execute('q', ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).cause).toMatchObject({ message: 'provider error' });
    expect(flaky.calls()).toBe(3); // 40 + 40 + 40 >= 100
  });

  it('fallback does not try another alternative once the budget is spent', async () => {
    const primary = spender(100, true);
    const backup = new MockPrimitive<string, string>({ returns: 'backup' });
    const ctx = Ctx.create({ budget: { maxTokens: 100 } });
    await expect(
      new FallbackPrimitive(primary.step, backup).execute('q', ctx),
    ).rejects.toBeInstanceOf(BudgetExceededError);
    expect(backup.callCount).toBe(0);
  });

  it('parallel branches that have not started do not start, even when settling', async () => {
    const branches = [spender(60, false), spender(60, false), spender(60, false)];
    const ctx = Ctx.create({ budget: { maxTokens: 100 } });
    const fan = new ParallelPrimitive(
      branches.map((b) => b.step),
      { concurrency: 1, mode: 'allSettled' },
    );
    await expect(fan.execute('q', ctx)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(branches.map((b) => b.calls())).toEqual([1, 1, 0]);
  });

  it('a child sub-budget limits one branch without stopping the others', async () => {
    const ctx = Ctx.create({ budget: { maxTokens: 1000 } });
    const greedy = spender(100, false);
    const inChild = lambda((q: string, c: WorkflowContext) =>
      sequential(greedy.step, greedy.step).execute(q, c.child({ budget: { maxTokens: 100 } })),
    );
    await expect(inChild.execute('q', ctx)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(greedy.calls()).toBe(1);
    expect(ctx.isCancelled).toBe(false);
    expect(ctx.budget?.spent.tokens).toBe(100);
  });
});
