import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  currentContext,
  DeadlineExceededError,
  LambdaPrimitive,
  lambda,
  runWithContext,
  WorkflowContext,
  WorkflowPrimitive,
} from '../src/index.js';

class Doubler extends WorkflowPrimitive<number, number> {
  override readonly type = 'doubler';
  seen: WorkflowContext[] = [];
  protected run(input: number, context: WorkflowContext): number {
    this.seen.push(context);
    return input * 2;
  }
}

describe('WorkflowPrimitive.execute', () => {
  it('runs a subclass with a sync run method', async () => {
    await expect(new Doubler().execute(21)).resolves.toBe(42);
  });

  it('names default to the class name and can be overridden', () => {
    expect(new Doubler().name).toBe('Doubler');
    expect(lambda((x: number) => x, { name: 'id' }).name).toBe('id');
    expect(
      lambda(function triple(x: number) {
        return x * 3;
      }).name,
    ).toBe('triple');
    expect(lambda((x: number) => x).name).toBe('LambdaPrimitive');
    expect(() => lambda((x: number) => x, { name: '' })).toThrow(TypeError);
  });

  it('uses the given context, else the current one, else a new root', async () => {
    const step = new Doubler();
    const given = WorkflowContext.create();
    await step.execute(1, given);
    const ambient = WorkflowContext.create();
    await runWithContext(ambient, () => step.execute(1));
    await step.execute(1);
    expect(step.seen[0]).toBe(given);
    expect(step.seen[1]).toBe(ambient);
    expect(step.seen[2]).toBeInstanceOf(WorkflowContext);
    expect(step.seen[2]).not.toBe(given);
    expect(step.seen[2]).not.toBe(ambient);
  });

  it('makes the context current while the step runs, including after awaits', async () => {
    const ctx = WorkflowContext.create();
    const seen: unknown[] = [];
    const step = lambda(async () => {
      seen.push(currentContext());
      await new Promise((resolve) => setTimeout(resolve, 0));
      seen.push(currentContext());
    });
    await step.execute(undefined, ctx);
    expect(seen).toEqual([ctx, ctx]);
    expect(currentContext()).toBeUndefined();
  });

  it('does not start when the context is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    const step = lambda(() => {
      called = true;
    });
    await expect(
      step.execute(undefined, WorkflowContext.create({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(CancelledError);
    await expect(
      step.execute(undefined, WorkflowContext.create({ deadline: Date.now() - 1 })),
    ).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(called).toBe(false);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const boom = new Error('boom');
    const step = lambda(() => {
      throw boom;
    });
    const result = step.execute(undefined);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toBe(boom);
  });

  it('rejects a non-function lambda at construction', () => {
    expect(() => new LambdaPrimitive(42 as never)).toThrow(TypeError);
  });
});
