import { isCancellationError, isTtaError, sleep, type WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import {
  boolean,
  declareOptions,
  fn,
  integer,
  number,
  oneOf,
  type Resolved,
} from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';
import {
  MID_STREAM_POLICIES,
  type MidStreamPolicy,
  StreamAttempts,
} from '../streaming/mid-stream.js';

/**
 * Options of {@link RetryPrimitive}.
 *
 * @example
 * ```ts
 * callModel.withRetry({ maxRetries: 2, initialDelayMs: 250, maxDelayMs: 5_000, jitter: true });
 * ```
 */
export interface RetryOptions extends PrimitiveOptions {
  /** Retries after the first attempt; total attempts = maxRetries + 1. Default: 3. */
  maxRetries?: number | undefined;
  /** Delay before the first retry, in ms. Default: 1000. */
  initialDelayMs?: number | undefined;
  /** Each further retry waits this many times longer. Default: 2. */
  backoffMultiplier?: number | undefined;
  /** Upper bound of the computed backoff, in ms. Default: 60000. */
  maxDelayMs?: number | undefined;
  /**
   * "Full jitter": each delay is drawn uniformly from [0, computed delay), so many clients
   * retrying together spread out. Default: `true`.
   */
  jitter?: boolean | undefined;
  /** The random source for jitter, returning [0, 1). Default: `Math.random`. */
  random?: (() => number) | undefined;
  /**
   * Whether to retry after `error` on attempt `attempt` (1 = the first attempt).
   * Default: `isRetryableError`: every error except cancellation, `CircuitOpenError`, and errors
   * with `retryable: false`.
   */
  retryOn?: ((error: unknown, attempt: number) => boolean) | undefined;
  /**
   * In a streaming run, what an attempt that fails after sending chunks leads to: no retry, a
   * retry behind a `reset` event, or a retry that continues from the chunks sent (see
   * docs/streaming.md). Default: `'before-first-chunk'`.
   */
  midStream?: MidStreamPolicy | undefined;
}

/**
 * The default `retryOn`: everything but cancellation, an open circuit, and errors that say they
 * are not retryable (`error.retryable === false`, e.g. an `LlmRequestError` for a bad request).
 *
 * @example
 * ```ts
 * new RetryPrimitive(step, { retryOn: (error) => isRetryableError(error) && !(error instanceof QuotaError) });
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (isCancellationError(error) || isTtaError(error, 'CIRCUIT_OPEN')) return false;
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/** A server-given delay, e.g. from a `Retry-After` header: `error.retryAfterMs`, if a number >= 0. */
function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Runs `inner` again when it fails, with exponential backoff: the delay before retry n is
 * `min(initialDelayMs * backoffMultiplier^(n-1), maxDelayMs)`, then jittered. An error carrying
 * `retryAfterMs` (a rate limit's `Retry-After`) sets the delay instead. Waiting is cancellable;
 * a retry that could not start before the context's deadline is not attempted. When attempts run
 * out the last error is rethrown unchanged. Emits a `retry` event before each wait.
 *
 * @example
 * ```ts
 * const reliable = new RetryPrimitive(callModel, { maxRetries: 2, initialDelayMs: 200 });
 * // or: callModel.withRetry({ maxRetries: 2 })
 * ```
 */
/** The options of {@link RetryPrimitive}: checks, defaults and what `describe()` shows. */
export const RETRY_OPTIONS = declareOptions('RetryPrimitive', {
  maxRetries: integer(0, 3),
  initialDelayMs: number({ min: 0 }, 1000),
  backoffMultiplier: number({ min: 1 }, 2),
  maxDelayMs: number({ min: 0 }, 60_000),
  jitter: boolean(true),
  random: fn(Math.random, '`Math.random`'),
  retryOn: fn<(error: unknown, attempt: number) => boolean>(
    isRetryableError,
    'all but cancellation and `CircuitOpenError`',
  ),
  midStream: oneOf(MID_STREAM_POLICIES, 'before-first-chunk', { describe: 'if-set' }),
});

export class RetryPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'retry';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly maxRetries: number;
  readonly #options: Resolved<typeof RETRY_OPTIONS.specs>;

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: RetryOptions = {}) {
    super(options);
    requirePrimitive('RetryPrimitive', 'inner', inner);
    this.inner = inner;
    this.#options = RETRY_OPTIONS.resolve(options, this.name);
    this.maxRetries = this.#options.maxRetries;
    this.adoptChildren();
  }

  /** The delay before retry `retry` (1 = the first retry) after `error`, in ms. */
  delayFor(retry: number, error?: unknown): number {
    const serverDelay = retryAfterOf(error);
    if (serverDelay !== undefined) return serverDelay;
    const o = this.#options;
    const computed = Math.min(o.initialDelayMs * o.backoffMultiplier ** (retry - 1), o.maxDelayMs);
    return o.jitter ? computed * o.random() : computed;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return RETRY_OPTIONS.describe(this.#options);
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    // In a streaming run, what each attempt sent decides whether it may be retried.
    const streamed = StreamAttempts.begin(this.path, this.#options.midStream, context);
    return this.#try(1, input, context, streamed);
  }

  /**
   * Attempt `attempt`, with a rejection handler that decides about the next: not `await` in a
   * loop. On Node 20 every promise runs the async hooks and an async frame costs promises of its
   * own; a failure reaches the handler as a value, where `await` would throw it again inside the
   * function (V8's throw builds a message per throw). An attempt that succeeds costs its step's
   * promise and the handler's.
   */
  #try(
    attempt: number,
    input: I,
    context: WorkflowContext,
    streamed: StreamAttempts | undefined,
  ): Promise<O> {
    let running: Promise<O>;
    try {
      running =
        streamed === undefined
          ? this.runStep(this.inner, input, context)
          : this.inner.execute(input, streamed.next());
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.catch((error: unknown) =>
      this.#failed(error, attempt, input, context, streamed),
    );
  }

  /** Attempt `attempt` failed with `error`: the next one starts after its delay, or none does. */
  #failed(
    error: unknown,
    attempt: number,
    input: I,
    context: WorkflowContext,
    streamed: StreamAttempts | undefined,
  ): Promise<O> {
    // A spent budget stops retrying at once: the failure is reported as the budget running out.
    context.budget?.check(error);
    if (
      attempt > this.maxRetries ||
      context.isCancelled ||
      !this.#options.retryOn(error, attempt) ||
      streamed?.mayRecover() === false
    )
      throw error;
    const delayMs = this.delayFor(attempt, error);
    // A retry that would start after the deadline would only fail later: give up now.
    if (delayMs >= context.remainingMs()) throw error;
    if (this.listened) this.emit({ type: 'retry', attempt: attempt + 1, delayMs, error }, context);
    const again = (): Promise<O> => this.#try(attempt + 1, input, context, streamed);
    // No promise to wait for without a delay outside a streaming run.
    const ready =
      streamed === undefined ? undefined : (): Promise<void> => streamed.beforeNext(error);
    if (delayMs > 0) {
      const slept = sleep(delayMs, context.signal);
      return ready === undefined ? slept.then(again) : slept.then(ready).then(again);
    }
    return ready === undefined ? again() : ready().then(again);
  }
}
