import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Budget,
  BudgetExceededError,
  InvalidContextError,
  isCancellationError,
  WorkflowContext,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Budget', () => {
  it('tracks spending, per model, and what remains', () => {
    const ctx = WorkflowContext.create({ budget: { maxTokens: 1000, maxCostUsd: 0.1 } });
    ctx.recordUsage({ inputTokens: 300, outputTokens: 100, costUsd: 0.02, model: 'small' });
    ctx.recordUsage({ inputTokens: 100, outputTokens: 50, costUsd: 0.03, model: 'large' });
    expect(ctx.budget?.spent).toMatchObject({
      inputTokens: 400,
      outputTokens: 150,
      tokens: 550,
      costUsd: 0.05,
      byModel: {
        small: { tokens: 400, costUsd: 0.02, calls: 1 },
        large: { tokens: 150, costUsd: 0.03, calls: 1 },
      },
    });
    expect(ctx.budget?.remaining.tokens).toBe(450);
    expect(ctx.budget?.remaining.costUsd).toBeCloseTo(0.05);
    expect(ctx.budget?.remaining.durationMs).toBe(Number.POSITIVE_INFINITY);
    expect(ctx.isCancelled).toBe(false);
  });

  it('once a limit is reached the context stops with BudgetExceededError', () => {
    const ctx = WorkflowContext.create({ budget: { maxTokens: 100 } });
    ctx.recordUsage({ inputTokens: 80, outputTokens: 20 });
    expect(ctx.isCancelled).toBe(true);
    expect(() => ctx.throwIfCancelled()).toThrow(BudgetExceededError);
    try {
      ctx.throwIfCancelled();
    } catch (error) {
      expect(error).toMatchObject({
        limit: 'tokens',
        max: 100,
        spent: 100,
        code: 'BUDGET_EXCEEDED',
      });
      expect(isCancellationError(error)).toBe(true);
    }
  });

  it('a duration budget is also a deadline', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const ctx = WorkflowContext.create({ budget: { maxDurationMs: 5000 }, deadline: 1_010_000 });
    expect(ctx.deadline).toBe(1_005_000);
    expect(ctx.remainingMs()).toBe(5000);
    vi.advanceTimersByTime(5000);
    expect(ctx.isCancelled).toBe(true);
  });

  it('children share the budget; a child sub-budget also charges its parent', () => {
    const root = WorkflowContext.create({ budget: { maxTokens: 1000 } });
    const shared = root.child();
    shared.recordUsage({ inputTokens: 100 });
    expect(root.budget?.spent.tokens).toBe(100);
    expect(shared.budget).toBe(root.budget);

    const limited = root.child({ budget: { maxTokens: 200 } });
    limited.recordUsage({ outputTokens: 200 });
    expect(limited.isCancelled).toBe(true);
    expect(root.isCancelled).toBe(false);
    expect(root.budget?.spent.tokens).toBe(300);
    expect(limited.budget?.remaining.tokens).toBe(0);

    root.recordUsage({ inputTokens: 700 });
    const fresh = root.child({ budget: { maxTokens: 10_000 } });
    expect(fresh.isCancelled).toBe(true); // the parent is spent
    expect(fresh.budget?.remaining.tokens).toBe(0);
  });

  it('a Budget can be shared by independent contexts', () => {
    const budget = new Budget({ maxCostUsd: 1 });
    const a = WorkflowContext.create({ budget });
    const b = WorkflowContext.create({ budget });
    a.recordUsage({ costUsd: 0.6 });
    b.recordUsage({ costUsd: 0.4 });
    expect(a.isCancelled && b.isCancelled).toBe(true);
  });

  it('recordUsage without a budget starts an unlimited one', () => {
    const ctx = WorkflowContext.create();
    ctx.recordUsage({ inputTokens: 5, model: 'm' });
    expect(ctx.budget?.spent.tokens).toBe(5);
    expect(ctx.isCancelled).toBe(false);
  });

  it('validates limits and usage', () => {
    expect(() => WorkflowContext.create({ budget: { maxTokens: -1 } })).toThrow(
      InvalidContextError,
    );
    expect(() => WorkflowContext.create({ budget: { maxCostUsd: Number.NaN } })).toThrow(
      InvalidContextError,
    );
    expect(() => WorkflowContext.create().recordUsage({ inputTokens: -5 })).toThrow(
      InvalidContextError,
    );
    expect(() =>
      WorkflowContext.create().recordUsage({ costUsd: Number.POSITIVE_INFINITY }),
    ).toThrow(InvalidContextError);
  });

  it('round-trips through JSON with the context', () => {
    const ctx = WorkflowContext.create({ budget: { maxTokens: 50, maxCostUsd: 2 } });
    ctx.recordUsage({ inputTokens: 10, outputTokens: 5, costUsd: 0.5, model: 'm' });
    const copy = WorkflowContext.fromJSON(JSON.stringify(ctx));
    expect(copy.budget?.limits).toEqual(ctx.budget?.limits);
    expect(copy.budget?.spent).toMatchObject({
      tokens: 15,
      costUsd: 0.5,
      byModel: { m: { tokens: 15, costUsd: 0.5, calls: 1 } },
    });
    expect(() =>
      WorkflowContext.fromJSON({
        version: 1,
        correlationId: 'x',
        budget: { limits: {}, startTime: 'x' },
      }),
    ).toThrow(InvalidContextError);
  });
});

describe('USAGE_OBSERVER', () => {
  it('is told of usage recorded with the context or any context derived from it', async () => {
    const { USAGE_OBSERVER, WorkflowContext } = await import('../src/index.js');
    const seen: number[] = [];
    const root = WorkflowContext.create({ budget: { maxTokens: 100 } });
    const observed = root.withValue(USAGE_OBSERVER, (u) => seen.push(u.inputTokens ?? 0));
    observed.recordUsage({ inputTokens: 3 });
    observed.child({}).recordUsage({ inputTokens: 4 });
    root.recordUsage({ inputTokens: 5 }); // not under the observer
    expect(seen).toEqual([3, 4]);
    expect(root.budget?.spent.inputTokens).toBe(12);
  });
});
