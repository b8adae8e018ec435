import { describe, expect, it, vi } from 'vitest';
import {
  currentContext,
  type ExecutionInfo,
  lambda,
  type PrimitiveHooks,
  parallel,
  registerHooks,
  sequential,
  WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

const inc = lambda((n: number) => n + 1, { name: 'inc' });

describe('registerHooks', () => {
  it('wraps every execution with the context current, and unregisters', async () => {
    const seen: string[] = [];
    const off = registerHooks({
      async aroundExecute(info, next) {
        expect(currentContext()).toBe(info.context);
        seen.push(`start ${info.primitive.name} ${String(info.input)}`);
        const result = await next();
        seen.push(`end ${info.primitive.name} ${String(result)}`);
        return result;
      },
    });
    await sequential(inc, inc).execute(1);
    off();
    await inc.execute(1);
    expect(seen).toEqual([
      'start SequentialPrimitive 1',
      'start inc 1',
      'end inc 2',
      'start inc 2',
      'end inc 3',
      'end SequentialPrimitive 3',
    ]);
  });

  it('nests hooks in registration order, first outermost', async () => {
    const order: string[] = [];
    const make = (label: string): PrimitiveHooks => ({
      async aroundExecute(_info, next) {
        order.push(`${label}>`);
        try {
          return await next();
        } finally {
          order.push(`<${label}`);
        }
      },
    });
    const a = withHooks(make('a'));
    const b = withHooks(make('b'));
    try {
      await inc.execute(1);
    } finally {
      a.off();
      b.off();
    }
    expect(order).toEqual(['a>', 'b>', '<b', '<a']);
  });

  it('records a tree of nested executions', async () => {
    const recorder = withHooks(createRecordingHooks());
    try {
      await sequential(inc, parallel(inc, inc)).execute(1);
    } finally {
      recorder.off();
    }
    expect(recorder.tree()).toBe(
      [
        'sequential SequentialPrimitive success',
        '  lambda inc success',
        '  parallel ParallelPrimitive success',
        '    lambda inc success',
        '    lambda inc success',
      ].join('\n'),
    );
    expect(recorder.executions[0]).toMatchObject({ input: 1, output: [3, 3], depth: 0 });
    expect(recorder.executions[2]?.parentId).toBe(0);
  });

  it('records failures', async () => {
    const recorder = withHooks(createRecordingHooks());
    const error = new Error('x');
    try {
      await new MockPrimitive({ throws: error, name: 'm' }).execute(1).catch(() => {});
    } finally {
      recorder.off();
    }
    expect(recorder.executions[0]).toMatchObject({ name: 'm', status: 'error', error });
  });

  describe('a misbehaving hook never changes the outcome', () => {
    const cases: Record<string, NonNullable<PrimitiveHooks['aroundExecute']>> = {
      'throws before next': () => {
        throw new Error('hook');
      },
      'rejects before next': async () => {
        throw new Error('hook');
      },
      'rejects after next': async (_info, next) => {
        await next();
        throw new Error('hook');
      },
      'never calls next': async () => 'ignored',
      'calls next twice': async (_info, next) => {
        await next();
        return next();
      },
      'returns another value': async (_info, next) => {
        await next();
        return 'not the output';
      },
    };
    for (const [label, aroundExecute] of Object.entries(cases)) {
      it(label, async () => {
        const onError = vi.fn();
        const step = new MockPrimitive<number, number>({ impl: (n) => n * 10 });
        const off = registerHooks({ aroundExecute }, { onError });
        try {
          await expect(step.execute(4)).resolves.toBe(40);
        } finally {
          off();
        }
        expect(step.callCount).toBe(1);
        const expectedErrors = label.startsWith('throws') || label.startsWith('rejects') ? 1 : 0;
        expect(onError).toHaveBeenCalledTimes(expectedErrors);
      });
    }

    it('keeps the step error when a hook rethrows it', async () => {
      const onError = vi.fn();
      const error = new Error('step');
      const off = registerHooks({ aroundExecute: (_i, next) => next() }, { onError });
      try {
        await expect(new MockPrimitive({ throws: error }).execute(1)).rejects.toBe(error);
      } finally {
        off();
      }
      expect(onError).not.toHaveBeenCalled();
    });

    it('a throwing event listener is reported and others still get the event', async () => {
      const onError = vi.fn();
      const off1 = registerHooks(
        {
          onEvent: () => {
            throw new Error('listener');
          },
        },
        { onError },
      );
      const recorder = withHooks(createRecordingHooks());
      try {
        const { RouterPrimitive } = await import('../src/index.js');
        await new RouterPrimitive({ routes: { a: inc }, select: () => 'a' }).execute(1);
      } finally {
        off1();
        recorder.off();
      }
      expect(onError).toHaveBeenCalledWith(expect.any(Error), 'onEvent');
      expect(recorder.events).toHaveLength(1);
    });

    it('the default error handler warns once per registration', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const off = registerHooks({
        aroundExecute: () => {
          throw new Error('again');
        },
      });
      try {
        await inc.execute(1);
        await inc.execute(1);
      } finally {
        off();
      }
      expect(warn).toHaveBeenCalledOnce();
      expect(warn.mock.calls[0]?.[1]).toBe('TtaHookWarning');
    });
  });

  it('passes the primitive, input and context to hooks', async () => {
    let info: ExecutionInfo | undefined;
    const hooks = withHooks<PrimitiveHooks>({
      aroundExecute: (i, next) => {
        info = i;
        return next();
      },
    });
    const ctx = WorkflowContext.create();
    try {
      await inc.execute(5, ctx);
    } finally {
      hooks.off();
    }
    expect(info).toMatchObject({ primitive: inc, input: 5, context: ctx });
    expect(info?.primitive.type).toBe('lambda');
  });

  it('rejects non-object hooks', () => {
    expect(() => registerHooks(null as never)).toThrow(TypeError);
  });
});

describe('hooks passing a context to next', () => {
  it('runs the step (and later hooks) with the context the hook passes', async () => {
    const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
    const seenByInner: WorkflowContext[] = [];
    const seenByStep: (WorkflowContext | undefined)[] = [];
    const outer = withHooks<PrimitiveHooks>({
      aroundExecute: (info, next) =>
        next(info.context.withTrace({ traceId: TRACE, spanId: '00f067aa0ba902b7' })),
    });
    const inner = withHooks<PrimitiveHooks>({
      aroundExecute: (info, next) => {
        seenByInner.push(info.context);
        return next();
      },
    });
    const step = lambda((n: number, ctx: WorkflowContext) => {
      seenByStep.push(ctx, currentContext());
      return n;
    });
    try {
      const ctx = WorkflowContext.create({ state: { shared: true } });
      await step.execute(1, ctx);
      expect(seenByInner[0]?.spanId).toBe('00f067aa0ba902b7');
      expect(seenByStep[0]?.traceId).toBe(TRACE);
      expect(seenByStep[1]).toBe(seenByStep[0]);
      expect(seenByStep[0]?.state).toBe(ctx.state);
    } finally {
      outer.off();
      inner.off();
    }
  });

  it('ignores a non-context passed to next', async () => {
    const hooks = withHooks<PrimitiveHooks>({
      aroundExecute: (_info, next) => next('nope' as never),
    });
    try {
      await expect(inc.execute(1)).resolves.toBe(2);
    } finally {
      hooks.off();
    }
  });
});

describe('hooks that settle with their step (settlesWithStep, issue 16)', () => {
  /** Promises made while `run` runs (async_hooks counts every promise). */
  async function promisesMade(run: () => Promise<unknown>): Promise<number> {
    const { createHook } = await import('node:async_hooks');
    let made = 0;
    const counter = createHook({
      init(_id, type) {
        if (type === 'PROMISE') made++;
      },
    });
    counter.enable();
    try {
      await run();
    } finally {
      counter.disable();
    }
    return made;
  }

  const timing = (settlesWithStep: boolean): PrimitiveHooks => ({
    settlesWithStep,
    aroundExecute: (_info, next) => next().then((value) => value),
  });

  it('their promise is handed on as it is: two promises fewer per step and hook', async () => {
    const flow = sequential(inc, inc, inc);
    const guarded = withHooks(timing(false));
    await flow.execute(1);
    const withGuard = await promisesMade(() => flow.execute(1));
    guarded.off();
    const kept = withHooks(timing(true));
    try {
      await expect(flow.execute(1)).resolves.toBe(4);
      const withoutGuard = await promisesMade(() => flow.execute(1));
      // Four executions (the sequence and its three steps), two promises each.
      expect(withGuard - withoutGuard).toBe(8);
    } finally {
      kept.off();
    }
  });

  it('is trusted with the outcome: what its promise settles with is what execute returns', async () => {
    // The flag is a promise the hook makes; a hook that breaks it changes the outcome (this is
    // why it is opt-in). Without the flag the guard keeps the step's own value.
    const replacing = (settlesWithStep: boolean): PrimitiveHooks => ({
      settlesWithStep,
      aroundExecute: (_info, next) => next().then(() => 'replaced'),
    });
    for (const [flag, expected] of [
      [false, 2],
      [true, 'replaced'],
    ] as const) {
      const hooks = withHooks(replacing(flag));
      try {
        await expect(inc.execute(1)).resolves.toBe(expected);
      } finally {
        hooks.off();
      }
    }
  });

  it('a synchronous throw is reported and the step runs once, before or after next()', async () => {
    for (const callsNext of [false, true]) {
      const onError = vi.fn();
      const step = new MockPrimitive<number, number>({ impl: (n) => n * 10 });
      const off = registerHooks(
        {
          settlesWithStep: true,
          aroundExecute: (_info, next) => {
            if (callsNext) void next();
            throw new Error('hook');
          },
        },
        { onError },
      );
      try {
        await expect(step.execute(4)).resolves.toBe(40);
      } finally {
        off();
      }
      expect(step.callCount).toBe(1);
      expect(onError).toHaveBeenCalledOnce();
    }
  });

  it('a hook returning no promise still runs the step; next() twice runs it once', async () => {
    const step = new MockPrimitive<number, number>({ impl: (n) => n + 1 });
    const hooks = withHooks<PrimitiveHooks>({
      settlesWithStep: true,
      aroundExecute: (_info, next) => {
        void next();
        void next();
        return undefined as never;
      },
    });
    try {
      await expect(step.execute(1)).resolves.toBe(2);
    } finally {
      hooks.off();
    }
    expect(step.callCount).toBe(1);
  });

  it('nests with guarded hooks in registration order, passing contexts through', async () => {
    const order: string[] = [];
    const tagged = WorkflowContext.create({ workflowId: 'tagged' });
    const outer = withHooks<PrimitiveHooks>({
      settlesWithStep: true,
      aroundExecute: (info, next) => {
        order.push(`outer ${info.primitive.name}`);
        return next(info.primitive === inc ? tagged : undefined);
      },
    });
    const inner = withHooks<PrimitiveHooks>({
      async aroundExecute(info, next) {
        order.push(`inner ${info.primitive.name} ${info.context.workflowId ?? '-'}`);
        return next();
      },
    });
    try {
      await expect(inc.execute(1)).resolves.toBe(2);
    } finally {
      outer.off();
      inner.off();
    }
    expect(order).toEqual(['outer inc', 'inner inc tagged']);
  });
});
