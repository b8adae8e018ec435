import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  WorkflowContext as Ctx,
  lambda,
  ParallelPrimitive,
  parallel,
  type WorkflowContext,
} from '../src/index.js';
import { MockPrimitive } from '../src/testing/index.js';

afterEach(() => {
  vi.useRealTimers();
});

const length = lambda((s: string) => s.length);
const upper = lambda(async (s: string) => s.toUpperCase());

describe('parallel composition', () => {
  it('returns outputs in branch order, whatever finishes first', async () => {
    vi.useFakeTimers();
    const slow = new MockPrimitive<string, string>({ returns: 'slow', delayMs: 30 });
    const fast = new MockPrimitive<string, string>({ returns: 'fast', delayMs: 10 });
    const run = slow.parallel(fast).parallel(length).execute('abc');
    await vi.advanceTimersByTimeAsync(30);
    await expect(run).resolves.toEqual(['slow', 'fast', 3]);
  });

  it('flattens method chains and keeps nested parallels as one branch', async () => {
    const flat = length.parallel(upper).parallel(length);
    expect(flat.branches).toHaveLength(3);
    const nested = length.parallel(upper.parallel(length));
    expect(nested.branches).toHaveLength(2);
    await expect(nested.execute('ab')).resolves.toEqual([2, ['AB', 2]]);
  });

  it('records give an object with the same keys in branch order', async () => {
    const result = await parallel({ upper, length }).execute('ab');
    expect(result).toEqual({ upper: 'AB', length: 2 });
    expect(Object.keys(result)).toEqual(['upper', 'length']);
  });

  it('gives each branch its own child context', async () => {
    const seen: WorkflowContext[] = [];
    const record = lambda((_: string, ctx: WorkflowContext) => {
      seen.push(ctx);
      ctx.state.touched = true;
    });
    const parent = Ctx.create({ state: { touched: false } });
    await parallel(record, record).execute('x', parent);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]).not.toBe(parent);
    expect(seen[0]?.causationId).toBe(parent.correlationId);
    expect(parent.state.touched).toBe(false);
  });

  it('limits concurrency', async () => {
    vi.useFakeTimers();
    let running = 0;
    let peak = 0;
    const branch = lambda(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running--;
      return 1;
    });
    const fan = new ParallelPrimitive([branch, branch, branch, branch, branch], { concurrency: 2 });
    const run = fan.execute(undefined);
    await vi.advanceTimersByTimeAsync(10);
    expect(peak).toBe(2);
    await vi.advanceTimersByTimeAsync(20);
    await expect(run).resolves.toEqual([1, 1, 1, 1, 1]);
    expect(peak).toBe(2);
  });

  it('fails fast: the first error rejects and aborts the other branches', async () => {
    vi.useFakeTimers();
    const error = new Error('first');
    let abortedWith: unknown;
    const watcher = lambda(
      (_: string, ctx: WorkflowContext) =>
        new Promise<string>((_resolve, reject) => {
          ctx.signal?.addEventListener('abort', () => {
            abortedWith = ctx.signal?.reason;
            reject(ctx.signal?.reason);
          });
        }),
    );
    const failing = new MockPrimitive<string, string>({ throws: error, delayMs: 5 });
    const alsoFailing = new MockPrimitive<string, string>({
      throws: new Error('second'),
      delayMs: 7,
    });
    const run = parallel(watcher, failing, alsoFailing).execute('x');
    const assertion = expect(run).rejects.toBe(error);
    await vi.advanceTimersByTimeAsync(10);
    await assertion;
    expect(abortedWith).toBeInstanceOf(CancelledError);
    expect((abortedWith as Error).cause).toBe(error);
  });

  it('does not start queued branches after a failure', async () => {
    const later = new MockPrimitive<undefined, number>({ returns: 1 });
    const fail = new MockPrimitive<undefined, number>({ throws: new Error('x') });
    await expect(
      new ParallelPrimitive([fail, later], { concurrency: 1 }).execute(undefined),
    ).rejects.toThrow('x');
    expect(later.callCount).toBe(0);
  });

  it('allSettled returns every outcome in branch order', async () => {
    const error = new Error('bad');
    const fail = new MockPrimitive<string, number>({ throws: error });
    const result = await new ParallelPrimitive([length, fail, upper], {
      mode: 'allSettled',
    }).execute('ab');
    expect(result).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: error },
      { status: 'fulfilled', value: 'AB' },
    ]);
  });

  it('cancelling the parent cancels every branch, even when settling', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const a = new MockPrimitive<string, string>({ returns: 'a', delayMs: 100 });
    const b = new MockPrimitive<string, string>({ returns: 'b', delayMs: 100 });
    const run = new ParallelPrimitive([a, b], { mode: 'allSettled' }).execute(
      'x',
      Ctx.create({ signal: controller.signal }),
    );
    const assertion = expect(run).rejects.toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('validates branches and options at construction', () => {
    expect(() => new ParallelPrimitive([])).toThrow(TypeError);
    expect(() => new ParallelPrimitive({})).toThrow(TypeError);
    expect(() => new ParallelPrimitive([length, 'x' as never])).toThrow(/branch 1/);
    expect(() => new ParallelPrimitive([length], { concurrency: 0 })).toThrow(RangeError);
    expect(() => new ParallelPrimitive([length], { concurrency: 1.5 })).toThrow(RangeError);
    expect(() => new ParallelPrimitive([length], { mode: 'race' as never })).toThrow(TypeError);
    expect(new ParallelPrimitive([length], { concurrency: Number.POSITIVE_INFINITY }).name).toBe(
      'ParallelPrimitive',
    );
  });
});

describe('parallel and the caller signal', () => {
  it('releases the caller at once when it aborts, even if a branch ignores the signal', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let finished = false;
    const stubborn = lambda(
      () =>
        new Promise<number>((resolve) =>
          setTimeout(() => {
            finished = true;
            resolve(1);
          }, 200),
        ),
    );
    const run = parallel(
      stubborn,
      lambda(() => 2),
    )
      .execute(undefined, Ctx.create({ signal: controller.signal }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await run).toBeInstanceOf(CancelledError);
    expect(finished).toBe(false); // released before the stubborn branch's 200 ms were up
    vi.useRealTimers();
  });
});
