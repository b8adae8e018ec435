import { describe, expectTypeOf, test } from 'vitest';
import {
  AbortScope,
  Budget,
  createContextKey,
  WorkflowContext,
  type WorkflowContextOverrides,
} from '../src/index.js';

describe('WorkflowContext.create and child overrides', () => {
  test('every field is typed', () => {
    const ctx = WorkflowContext.create({
      workflowId: 'w',
      userId: 'u',
      metadata: { a: 1 },
      baggage: { tenant: 'acme' },
      tags: { tier: 'gold' },
      deadline: Date.now() + 1000,
      signal: new AbortScope(),
      budget: { maxTokens: 100 },
    });
    expectTypeOf(ctx.workflowId).toEqualTypeOf<string | undefined>();
    expectTypeOf(ctx.metadata).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(ctx.baggage).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(ctx.budget).toEqualTypeOf<Budget | undefined>();
    // @ts-expect-error baggage values are strings
    WorkflowContext.create({ baggage: { n: 1 } });
    // @ts-expect-error ids are strings
    WorkflowContext.create({ userId: 42 });
    // @ts-expect-error no such field
    WorkflowContext.create({ user: 'u' });
  });

  test('a child cannot change the trace, the request or the start time', () => {
    const ctx = WorkflowContext.create();
    ctx.child({ agentId: 'researcher', budget: new Budget({ maxCostUsd: 1 }) });
    // @ts-expect-error a child keeps its parent's trace id
    ctx.child({ traceId: 'a'.repeat(32) });
    // @ts-expect-error a child keeps its parent's correlation id
    ctx.child({ correlationId: 'x' });
    // @ts-expect-error a child starts now
    ctx.child({ startTime: 0 });
    expectTypeOf<WorkflowContextOverrides>().not.toHaveProperty('traceId');
  });

  test('value slots are typed by their key', () => {
    const TENANT = createContextKey<string>('tenant');
    const ctx = WorkflowContext.create().withValue(TENANT, 'acme');
    expectTypeOf(ctx.getValue(TENANT)).toEqualTypeOf<string | undefined>();
    // @ts-expect-error the slot holds strings
    ctx.withValue(TENANT, 42);
  });
});
