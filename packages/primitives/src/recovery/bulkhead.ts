import {
  DeadlineExceededError,
  toCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { declareOptions, integer } from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';

/**
 * Options of {@link BulkheadPrimitive}.
 *
 * @example
 * ```ts
 * const limited = callModel.withBulkhead({ maxConcurrent: 4, maxQueue: 100 });
 * ```
 */
export interface BulkheadOptions extends PrimitiveOptions {
  /** Calls running at once. Required (integer >= 1). */
  maxConcurrent: number;
  /** Calls waiting for a slot; more are rejected with `BulkheadRejectedError`. Default: 0. */
  maxQueue?: number | undefined;
}

/** The options of {@link BulkheadPrimitive}: checks, defaults and what `describe()` shows. */
export const BULKHEAD_OPTIONS = declareOptions('BulkheadPrimitive', {
  maxConcurrent: integer(1),
  maxQueue: integer(0, 0),
});

/**
 * Caps concurrent calls of `inner`. Excess calls wait in a FIFO queue (up to `maxQueue`), then
 * are rejected with `BulkheadRejectedError` (and a `rejection` event). A queued call whose
 * context is cancelled leaves the queue at once.
 *
 * @example
 * ```ts
 * const limited = new BulkheadPrimitive(callModel, { maxConcurrent: 4, maxQueue: 100 });
 * ```
 */
export class BulkheadPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'bulkhead';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  #running = 0;
  // Each queued call's admit function; a freed slot passes straight to the first one.
  readonly #queue: (() => void)[] = [];

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: BulkheadOptions) {
    super(options);
    requirePrimitive('BulkheadPrimitive', 'inner', inner);
    if (options === undefined) throw new TypeError('BulkheadPrimitive: options are required');
    const o = BULKHEAD_OPTIONS.resolve(options, this.name);
    this.inner = inner;
    this.maxConcurrent = o.maxConcurrent;
    this.maxQueue = o.maxQueue;
    this.adoptChildren();
  }

  /** Calls running now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return BULKHEAD_OPTIONS.describe(this);
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    if (this.#running < this.maxConcurrent) return this.#runNow(input, context);
    if (this.#queue.length >= this.maxQueue) {
      this.emit({ type: 'rejection', reason: 'bulkhead-full' }, context);
      return Promise.reject(
        new BulkheadRejectedError({
          bulkhead: this.name,
          maxConcurrent: this.maxConcurrent,
          maxQueue: this.maxQueue,
        }),
      );
    }
    let admit!: () => void;
    const slot = new Promise<void>((resolve) => {
      admit = resolve;
    });
    this.#queue.push(admit);
    const leave = (error: Error): never => {
      const index = this.#queue.indexOf(admit);
      if (index >= 0) this.#queue.splice(index, 1);
      else this.#release(); // admitted in the same turn it left: pass the slot on
      throw error;
    };
    // A queued call leaves at once when its caller aborts or its deadline passes.
    return waitFor({
      promise: slot,
      signal: context.signal,
      onAbort: (reason) => leave(toCancellationError(reason)),
      deadline: context.deadline,
      onDeadline: () => leave(new DeadlineExceededError({ deadline: context.deadline as number })),
    }).then(() => this.#runInSlot(input, context));
  }

  #runNow(input: I, context: WorkflowContext): Promise<O> {
    this.#running++;
    return this.#runInSlot(input, context);
  }

  #runInSlot(input: I, context: WorkflowContext): Promise<O> {
    return this.runStep(this.inner, input, context).then(
      (value) => {
        this.#release();
        return value;
      },
      (error: unknown) => {
        this.#release();
        throw error;
      },
    );
  }

  /** Frees a slot: handed to the first queued call, or back to the pool. */
  #release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#running--;
    else next();
  }
}
