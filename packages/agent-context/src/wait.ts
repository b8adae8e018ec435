import { toCancellationError } from './errors/cancellation.js';
import { DeadlineExceededError } from './errors/deadline-exceeded-error.js';
import { follow } from './follow-abort.js';

/**
 * What {@link waitFor} waits for, and what each way of ending gives. Every field is optional;
 * what is left out does not end the wait.
 *
 * @example
 * ```ts
 * const wait: Wait<string> = { promise: callModel(), ms: 5000, onTimer: () => 'too slow', signal };
 * ```
 */
export interface Wait<T> {
  /** The work waited for: its value or error ends the wait. Default: none. */
  promise?: PromiseLike<T> | undefined;
  /** A timer, in ms. Default: none. */
  ms?: number | undefined;
  /** What the timer gives (return, or throw). Default: resolves with `undefined`. */
  onTimer?: (() => T | PromiseLike<T>) | undefined;
  /** Epoch ms: reaching it ends the wait, like a timer that is never later than it. Default: none. */
  deadline?: number | undefined;
  /** What reaching the deadline gives. Default: throws a `DeadlineExceededError`. */
  onDeadline?: (() => T | PromiseLike<T>) | undefined;
  /** Aborting ends the wait at once. Default: none. */
  signal?: AbortSignal | undefined;
  /** What an abort gives. Default: throws the reason as a cancellation error (`toCancellationError`). */
  onAbort?: ((reason: unknown) => T | PromiseLike<T>) | undefined;
  /**
   * Runs once when the wait ends, whichever way, before the outcome's handler (cleanup); told
   * which way it ended. Default: none.
   */
  onEnd?: ((ended: WaitEnd) => void) | undefined;
}

/**
 * How a {@link waitFor} ended: the promise settled, the timer fired, the deadline passed, or the
 * signal aborted.
 *
 * @example
 * ```ts
 * const ended: WaitEnd = 'timer';
 * ```
 */
export type WaitEnd = 'promise' | 'timer' | 'deadline' | 'abort';

/**
 * The one way this library waits: for a promise, a timer, a deadline or an abort, whichever comes
 * first. It settles exactly once, always clears its timer and stops following the signal, and
 * ignores (without an unhandled rejection) a promise that settles late. Timers are looked up at
 * call time, so fake timers apply.
 *
 * @example
 * ```ts
 * const answer = await waitFor({
 *   promise: model.execute(prompt, ctx),
 *   ms: 10_000,
 *   onTimer: () => { throw new Error('model too slow'); },
 *   signal: ctx.signal,
 *   deadline: ctx.deadline,
 * });
 * ```
 */
export function waitFor<T>(wait: Wait<T>): Promise<T> {
  const { signal, promise } = wait;
  if (signal?.aborted) {
    promise?.then(undefined, ignore);
    wait.onEnd?.('abort');
    return settle(wait.onAbort ?? cancelled, signal.reason);
  }
  const byDeadline =
    wait.deadline !== undefined && (wait.ms === undefined || wait.deadline - Date.now() < wait.ms);
  const delay = byDeadline ? Math.max(0, (wait.deadline as number) - Date.now()) : wait.ms;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unfollow: (() => void) | undefined;
    const finish = <A>(ended: WaitEnd, outcome: (arg: A) => T | PromiseLike<T>, arg: A) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      unfollow?.();
      wait.onEnd?.(ended);
      try {
        resolve(outcome(arg));
      } catch (error) {
        reject(error);
      }
    };
    const onAbort = () => finish('abort', wait.onAbort ?? cancelled, signal?.reason);
    if (delay !== undefined) {
      timer = setTimeout(
        () =>
          byDeadline
            ? finish('deadline', wait.onDeadline ?? deadlinePassed, wait.deadline as number)
            : finish('timer', wait.onTimer ?? (nothing as () => T), undefined),
        delay,
      );
    }
    // Through one shared listener per signal: many waits on one long-lived signal add none each.
    if (signal !== undefined) unfollow = follow(signal, onAbort);
    promise?.then(
      (value) => finish('promise', identity, value),
      (error: unknown) => finish('promise', rethrow, error),
    );
  });
}

function settle<T, A>(outcome: (arg: A) => T | PromiseLike<T>, arg: A): Promise<T> {
  try {
    return Promise.resolve(outcome(arg));
  } catch (error) {
    return Promise.reject(error);
  }
}

const identity = <T>(value: T): T => value;
const nothing = (): undefined => undefined;
const ignore = (): void => {};
function rethrow(error: unknown): never {
  throw error;
}
function cancelled(reason: unknown): never {
  throw toCancellationError(reason);
}
function deadlinePassed(deadline: number): never {
  throw new DeadlineExceededError({ deadline });
}
