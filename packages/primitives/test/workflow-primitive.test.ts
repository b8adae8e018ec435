import { describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  currentContext,
  DeadlineExceededError,
  LambdaPrimitive,
  lambda,
  parallel,
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

describe('runStep: a composite runs its steps in its own context (issue 16)', () => {
  /** Runs its inner step twice through `runStep`, the second time after an await. */
  class Twice extends WorkflowPrimitive<number, number> {
    override readonly type = 'twice';
    constructor(readonly inner: WorkflowPrimitive<number, number>) {
      super();
      this.adoptChildren();
    }
    protected override describeChildren() {
      return [{ primitive: this.inner }];
    }
    protected async run(input: number, context: WorkflowContext): Promise<number> {
      const once = await this.runStep(this.inner, input, context);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return this.runStep(this.inner, once, context);
    }
  }

  it('the step runs with the composite’s context current, after awaits too', async () => {
    const seen: (WorkflowContext | undefined)[] = [];
    const step = lambda((n: number, ctx) => {
      seen.push(currentContext(), ctx);
      return n + 1;
    });
    const ctx = WorkflowContext.create();
    await expect(new Twice(step).execute(1, ctx)).resolves.toBe(3);
    expect(seen).toEqual([ctx, ctx, ctx, ctx]);
  });

  it('asks AsyncLocalStorage once per root call, not once per step', async () => {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const flow = new Twice(lambda((n: number) => n + 1));
    await flow.execute(1);
    const getStore = vi.spyOn(AsyncLocalStorage.prototype, 'getStore');
    try {
      await flow.execute(1);
      // The root call's own lookup (and the one AsyncLocalStorage#run makes on entering); none
      // for the two nested steps.
      expect(getStore.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      getStore.mockRestore();
    }
  });

  it('a step with an execute of its own is run through it', async () => {
    const calls: string[] = [];
    class Own extends LambdaPrimitive<number, number> {
      override execute(input: number, context?: WorkflowContext): Promise<number> {
        calls.push(`own ${input}`);
        return super.execute(input, context);
      }
    }
    await expect(new Twice(new Own((n: number) => n * 2)).execute(1)).resolves.toBe(4);
    expect(calls).toEqual(['own 1', 'own 2']);
  });

  it('runStepIn enters a context the composite made, and a parallel step asks no lookup per branch', async () => {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    class Isolated extends WorkflowPrimitive<number, number> {
      override readonly type = 'isolated';
      made: WorkflowContext | undefined;
      constructor(readonly inner: WorkflowPrimitive<number, number>) {
        super();
        this.adoptChildren();
      }
      protected override describeChildren() {
        return [{ primitive: this.inner }];
      }
      protected run(input: number, context: WorkflowContext): Promise<number> {
        this.made = context.child();
        return this.runStepIn(this.inner, input, this.made);
      }
    }
    const seen: (WorkflowContext | undefined)[] = [];
    const isolated = new Isolated(
      lambda((n: number, ctx) => {
        seen.push(currentContext(), ctx);
        return n + 1;
      }),
    );
    await expect(isolated.execute(1)).resolves.toBe(2);
    expect(seen).toEqual([isolated.made, isolated.made]);

    const fan = parallel(...Array.from({ length: 10 }, () => lambda((n: number) => n + 1)));
    await fan.execute(1);
    const getStore = vi.spyOn(AsyncLocalStorage.prototype, 'getStore');
    try {
      await expect(fan.execute(1)).resolves.toEqual(Array(10).fill(2));
      // The root call's own lookup, and the one AsyncLocalStorage#run makes on entering (the
      // root's and each branch's context); none of the branches' execute asks first.
      expect(getStore.mock.calls.length).toBeLessThanOrEqual(1 + 1 + 10);
    } finally {
      getStore.mockRestore();
    }
  });

  it('a cancelled context rejects without running the step', async () => {
    const controller = new AbortController();
    let runs = 0;
    const step = lambda((n: number) => {
      runs++;
      controller.abort();
      return n;
    });
    const ctx = WorkflowContext.create({ signal: controller.signal });
    await expect(new Twice(step).execute(1, ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(runs).toBe(1);
  });
});
