import { sleep, type WorkflowContext } from '@tta/agent-context';
// The package's own name (not a relative path) so the built subpath shares the root entry's classes.
import { type PrimitiveOptions, type StepFunction, WorkflowPrimitive } from '@tta/primitives';
import { MockFailureError } from './errors/mock-failure-error.js';

/**
 * Options of {@link MockPrimitive}. Without `returns` or `impl` it returns `undefined`.
 *
 * @example
 * ```ts
 * new MockPrimitive<string, string>({ returns: 'ok', failTimes: 2, delayMs: 100 });
 * ```
 */
export interface MockPrimitiveOptions<I, O> extends PrimitiveOptions {
  /** The value every successful call returns. Default: `undefined`. */
  returns?: O | undefined;
  /** Computes the result instead of `returns`. Default: none. */
  impl?: StepFunction<I, O> | undefined;
  /**
   * What failing calls throw: an error, or a function making one per call.
   * Alone, every call fails; with `failTimes`, only the first ones. Default: a `MockFailureError`.
   */
  throws?: unknown;
  /** The first this many calls fail (then calls succeed). Default: 0, or every call when `throws` is set. */
  failTimes?: number | undefined;
  /** Each call waits this long first (cancellable through the context's signal). Default: 0. */
  delayMs?: number | undefined;
}

/**
 * One recorded call of a {@link MockPrimitive}.
 *
 * @example
 * ```ts
 * expect(mock.calls.map((call: MockCall<string>) => call.input)).toEqual(['a', 'b']);
 * ```
 */
export interface MockCall<I> {
  readonly input: I;
  readonly context: WorkflowContext;
  /** Epoch milliseconds when the call started. */
  readonly time: number;
}

/**
 * A scriptable primitive for tests: fixed or computed results, scripted failures, delays, and a
 * record of every call.
 *
 * @example
 * ```ts
 * const model = new MockPrimitive<string, string>({ returns: 'ok', failTimes: 2 });
 * await retrying(model).execute('hi'); // 'ok' on the third call
 * expect(model.callCount).toBe(3);
 * ```
 */
export class MockPrimitive<I = unknown, O = unknown> extends WorkflowPrimitive<I, O> {
  override readonly type = 'mock';
  readonly #options: MockPrimitiveOptions<I, O>;
  readonly #failTimes: number;
  #calls: MockCall<I>[] = [];

  constructor(options: MockPrimitiveOptions<I, O> = {}) {
    super(options);
    const { failTimes, delayMs, impl } = options;
    if (failTimes !== undefined && !(Number.isInteger(failTimes) && failTimes >= 0)) {
      throw new RangeError(
        `MockPrimitive: failTimes must be a non-negative integer (got ${failTimes})`,
      );
    }
    if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new RangeError(`MockPrimitive: delayMs must be a finite number >= 0 (got ${delayMs})`);
    }
    if (impl !== undefined && typeof impl !== 'function')
      throw new TypeError('MockPrimitive: impl must be a function');
    this.#options = options;
    this.#failTimes = failTimes ?? ('throws' in options ? Number.POSITIVE_INFINITY : 0);
  }

  /** Every call so far, in order. */
  get calls(): readonly MockCall<I>[] {
    return this.#calls;
  }

  /** How many times the mock has been called. */
  get callCount(): number {
    return this.#calls.length;
  }

  /** Forgets the recorded calls (and so restarts `failTimes`). */
  reset(): void {
    this.#calls = [];
  }

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    this.#calls.push({ input, context, time: Date.now() });
    const call = this.#calls.length;
    const { delayMs, throws, impl, returns } = this.#options;
    if (delayMs !== undefined && delayMs > 0) await sleep(delayMs, context.signal);
    if (call <= this.#failTimes) {
      if (typeof throws === 'function') throw (throws as () => unknown)();
      throw throws ?? new MockFailureError({ step: this.name, call });
    }
    return impl !== undefined ? impl(input, context) : (returns as O);
  }
}
