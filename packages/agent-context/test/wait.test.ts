import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  DeadlineExceededError,
  isTtaError,
  type WaitEnd,
  waitFor,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('waitFor', () => {
  it('resolves with the promise and leaves no timer or listener', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const result = waitFor({ promise: Promise.resolve(7), ms: 1000, signal: controller.signal });
    await expect(result).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends with the timer, and ignores the promise settling later', async () => {
    vi.useFakeTimers();
    let fail!: (e: Error) => void;
    const slow = new Promise<string>((_, reject) => {
      fail = reject;
    });
    const result = waitFor({ promise: slow, ms: 50, onTimer: () => 'timer' });
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe('timer');
    fail(new Error('late')); // handled: no unhandled rejection fails this run
    await Promise.resolve();
  });

  it('a throwing handler rejects, exactly once', async () => {
    vi.useFakeTimers();
    const onTimer = vi.fn(() => {
      throw new Error('too slow');
    });
    const result = waitFor({ promise: new Promise(() => {}), ms: 10, onTimer });
    const caught = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await caught).toEqual(new Error('too slow'));
    expect(onTimer).toHaveBeenCalledTimes(1);
  });

  it('the deadline wins when it comes before the timer', async () => {
    vi.useFakeTimers();
    const result = waitFor({ ms: 1000, deadline: Date.now() + 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await result).toBeInstanceOf(DeadlineExceededError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort ends the wait at once with a cancellation error', async () => {
    const controller = new AbortController();
    const result = waitFor({
      promise: new Promise(() => {}),
      ms: 10_000,
      signal: controller.signal,
    });
    controller.abort('stop');
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).toBe('stop');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal settles through onAbort without waiting', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      waitFor({
        promise: Promise.reject(new Error('ignored')),
        signal: controller.signal,
        onAbort: () => 'left',
      }),
    ).resolves.toBe('left');
  });

  it('runs onEnd once, whichever way the wait ends', async () => {
    const ends: string[] = [];
    await waitFor({ promise: Promise.resolve(1), onEnd: () => ends.push('value') });
    await waitFor({
      promise: Promise.reject(new Error('x')),
      onEnd: () => ends.push('error'),
    }).catch(() => {});
    const controller = new AbortController();
    controller.abort();
    await waitFor({ signal: controller.signal, onEnd: () => ends.push('aborted') }).catch(() => {});
    expect(ends).toEqual(['value', 'error', 'aborted']);
  });

  it('tells onEnd which way the wait ended', async () => {
    vi.useFakeTimers({ now: 0 });
    const ended: WaitEnd[] = [];
    const onEnd = (how: WaitEnd) => ended.push(how);
    await waitFor({ promise: Promise.resolve(1), ms: 10, onEnd });
    const timer = waitFor({ promise: new Promise(() => {}), ms: 10, onEnd });
    await vi.advanceTimersByTimeAsync(10);
    await timer;
    const deadline = waitFor({ deadline: 5, onEnd }).catch(() => {});
    await vi.advanceTimersByTimeAsync(10);
    await deadline;
    const controller = new AbortController();
    const aborted = waitFor({ promise: new Promise(() => {}), signal: controller.signal, onEnd });
    controller.abort();
    await aborted.catch(() => {});
    expect(ended).toEqual(['promise', 'timer', 'deadline', 'abort']);
    vi.useRealTimers();
  });

  it('keeps a TTA error reason as it is', async () => {
    const controller = new AbortController();
    const reason = new DeadlineExceededError({ deadline: 0 });
    controller.abort(reason);
    const error = await waitFor({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(isTtaError(error, 'DEADLINE_EXCEEDED')).toBe(true);
  });
});
