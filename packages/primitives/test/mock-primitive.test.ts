import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, WorkflowContext } from '../src/index.js';
import { MockFailureError, MockPrimitive } from '../src/testing/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('MockPrimitive', () => {
  it('returns a fixed value and records calls', async () => {
    const mock = new MockPrimitive<string, number>({ returns: 7 });
    const ctx = WorkflowContext.create();
    await expect(mock.execute('a', ctx)).resolves.toBe(7);
    await mock.execute('b');
    expect(mock.callCount).toBe(2);
    expect(mock.calls.map((c) => c.input)).toEqual(['a', 'b']);
    expect(mock.calls[0]?.context).toBe(ctx);
    mock.reset();
    expect(mock.callCount).toBe(0);
  });

  it('computes results with impl', async () => {
    const mock = new MockPrimitive<number, number>({ impl: (n) => n * 2 });
    await expect(mock.execute(4)).resolves.toBe(8);
  });

  it('fails the first failTimes calls, then succeeds', async () => {
    const mock = new MockPrimitive<string, string>({ returns: 'ok', failTimes: 2 });
    await expect(mock.execute('x')).rejects.toBeInstanceOf(MockFailureError);
    await expect(mock.execute('x')).rejects.toThrow(/call 2/);
    await expect(mock.execute('x')).resolves.toBe('ok');
    mock.reset();
    await expect(mock.execute('x')).rejects.toBeInstanceOf(MockFailureError);
  });

  it('throws always with throws alone, or a fresh error from a factory', async () => {
    const error = new Error('down');
    await expect(new MockPrimitive({ throws: error }).execute(1)).rejects.toBe(error);
    const factory = new MockPrimitive({
      throws: () => new Error('fresh'),
      failTimes: 1,
      returns: 1,
    });
    await expect(factory.execute(1)).rejects.toThrow('fresh');
    await expect(factory.execute(1)).resolves.toBe(1);
  });

  it('waits delayMs, and an abort stops the wait and clears the timer', async () => {
    vi.useFakeTimers();
    const mock = new MockPrimitive<string, string>({ returns: 'late', delayMs: 1000 });
    const done = mock.execute('x');
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe('late');

    const controller = new AbortController();
    const aborted = mock.execute('y', WorkflowContext.create({ signal: controller.signal }));
    const assertion = expect(aborted).rejects.toBeInstanceOf(CancelledError);
    controller.abort();
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => new MockPrimitive({ failTimes: -1 })).toThrow(RangeError);
    expect(() => new MockPrimitive({ delayMs: Number.NaN })).toThrow(RangeError);
    expect(() => new MockPrimitive({ impl: 3 as never })).toThrow(TypeError);
  });
});
