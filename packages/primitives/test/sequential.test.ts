import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  lambda,
  SequentialPrimitive,
  sequential,
  WorkflowContext,
} from '../src/index.js';

const trim = lambda((s: string) => s.trim(), { name: 'trim' });
const length = lambda((s: string) => s.length, { name: 'length' });
const double = lambda(async (n: number) => n * 2, { name: 'double' });

describe('sequential composition', () => {
  it('feeds each output into the next step', async () => {
    await expect(trim.pipe(length).pipe(double).execute('  abc ')).resolves.toBe(6);
    await expect(sequential(trim, length, double).execute(' ab ')).resolves.toBe(4);
  });

  it('flattens chains however they are built', () => {
    expect(trim.pipe(length).pipe(double).steps).toEqual([trim, length, double]);
    expect(trim.pipe(length.pipe(double)).steps).toEqual([trim, length, double]);
    expect(sequential(trim, sequential(length, double)).steps).toEqual([trim, length, double]);
  });

  it('keeps a named sequence as one step', () => {
    const named = new SequentialPrimitive<string, number>([length, double], { name: 'measure' });
    const flow = trim.pipe(named);
    expect(flow.steps).toEqual([trim, named]);
  });

  it('passes the same context to every step', async () => {
    const seen: WorkflowContext[] = [];
    const record = lambda((x: number, ctx: WorkflowContext) => {
      seen.push(ctx);
      return x;
    });
    const ctx = WorkflowContext.create();
    await sequential(record, record, record).execute(1, ctx);
    expect(seen).toEqual([ctx, ctx, ctx]);
  });

  it('stops at the first failure', async () => {
    let ran = false;
    const fail = lambda((_: number): number => {
      throw new Error('nope');
    });
    const after = lambda((n: number) => {
      ran = true;
      return n;
    });
    await expect(sequential(double, fail, after).execute(1)).rejects.toThrow('nope');
    expect(ran).toBe(false);
  });

  it('does not start the next step once cancelled', async () => {
    const controller = new AbortController();
    let ran = false;
    const cancel = lambda((n: number) => {
      controller.abort();
      return n;
    });
    const after = lambda((n: number) => {
      ran = true;
      return n;
    });
    const ctx = WorkflowContext.create({ signal: controller.signal });
    await expect(sequential(cancel, after).execute(1, ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
  });

  it('rejects empty or invalid steps at construction', () => {
    expect(() => new SequentialPrimitive([])).toThrow(TypeError);
    expect(() => new SequentialPrimitive([trim, {} as never])).toThrow(/steps\[1\]/);
  });
});

describe('named sequential()', () => {
  it('takes an options object first and stays one step when nested', async () => {
    const named = sequential({ name: 'measure' }, trim, length);
    expect(named.name).toBe('measure');
    await expect(named.execute(' ab ')).resolves.toBe(2);
    expect(sequential(named, double).steps).toEqual([named, double]);
  });
});
