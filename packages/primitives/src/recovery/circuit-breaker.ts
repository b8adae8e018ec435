import { currentContext, isCancellationError, WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import type { CircuitState } from '../hooks/events.js';
import { isPromise } from '../internal/is-promise.js';
import {
  custom,
  declareOptions,
  fn,
  integer,
  made,
  nameLike,
  number,
} from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';
import { type CircuitBreakerStore, InMemoryCircuitBreakerStore } from './circuit-breaker-store.js';
import type {
  Admission,
  CircuitOperation,
  CircuitOutcome,
  CircuitPolicy,
} from './circuit-state.js';
import {
  describeFailureRate,
  type FailureRateOptions,
  type FailureRatePolicy,
  failureRatePolicy,
} from './failure-rate.js';

/**
 * Options of {@link CircuitBreakerPrimitive}.
 *
 * @example
 * ```ts
 * callProvider.withCircuitBreaker({ failureThreshold: 3, recoveryTimeoutMs: 30_000, isFailure: (e) => !(e instanceof LlmRequestError) });
 * ```
 */
export interface CircuitBreakerOptions extends PrimitiveOptions {
  /**
   * Consecutive failures that open the circuit. Default: 5, or none (`Infinity`) when
   * `failureRate` is given.
   */
  failureThreshold?: number | undefined;
  /**
   * Also (or instead) open when the failure rate over a sliding window reaches a threshold, once
   * the window holds enough calls. Default: none.
   */
  failureRate?: FailureRateOptions | undefined;
  /** How long the circuit stays open before a trial call, in ms. Default: 60000. */
  recoveryTimeoutMs?: number | undefined;
  /** Successful trial calls (half-open) that close the circuit. Default: 2. */
  successThreshold?: number | undefined;
  /** Trial calls allowed at once while half-open. Default: 1. */
  halfOpenMaxCalls?: number | undefined;
  /**
   * Whether an error counts as a failure. Errors that do not count neither open nor close the
   * circuit. Default: every error except cancellation.
   */
  isFailure?: ((error: unknown) => boolean) | undefined;
  /** Where the state lives. Default: a new `InMemoryCircuitBreakerStore` for this breaker. */
  store?: CircuitBreakerStore | undefined;
  /** The circuit's key in the store (breakers with one store and key share a circuit). Default: the name. */
  key?: string | undefined;
}

/** The options of {@link CircuitBreakerPrimitive}: checks, defaults and what `describe()` shows. */
export const CIRCUIT_BREAKER_OPTIONS = declareOptions('CircuitBreakerPrimitive', {
  failureThreshold: integer(1, 5, {
    docDefault: '`5` (none with `failureRate`)',
  }),
  failureRate: custom<FailureRatePolicy>(failureRatePolicy, 'none'),
  recoveryTimeoutMs: number({ min: 0 }, 60_000),
  successThreshold: integer(1, 2),
  halfOpenMaxCalls: integer(1, 1),
  isFailure: fn<(error: unknown) => boolean>(
    (error) => !isCancellationError(error),
    'all but cancellation',
  ),
  store: made<CircuitBreakerStore>(
    () => new InMemoryCircuitBreakerStore(),
    'a new `InMemoryCircuitBreakerStore`',
  ),
  key: nameLike("the primitive's name"),
});

const ALLOWED: Admission = Object.freeze({ allowed: true, trial: false });
const ADMIT: CircuitOperation = Object.freeze({ kind: 'admit' });

/**
 * Stops calling a failing dependency. Closed: calls pass; `failureThreshold` consecutive failures
 * open it, and so does a `failureRate` over a sliding window. Open: calls reject at once with `CircuitOpenError` (inner is not called) until
 * `recoveryTimeoutMs` has passed. Half-open: up to `halfOpenMaxCalls` trial calls run;
 * `successThreshold` successes close it, one failure reopens it. Emits a `circuit-state-change`
 * event on every change.
 *
 * @example
 * ```ts
 * const guarded = new CircuitBreakerPrimitive(callProvider, { failureThreshold: 3, recoveryTimeoutMs: 30_000 });
 * // or: callProvider.withCircuitBreaker({ failureThreshold: 3 })
 * ```
 */
export class CircuitBreakerPrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'circuit-breaker';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly #key: string | undefined;
  readonly #policy: CircuitPolicy;
  readonly #rate: FailureRatePolicy | undefined;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #store: CircuitBreakerStore;
  #lastKnown: CircuitState = 'closed';

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: CircuitBreakerOptions = {}) {
    super(options);
    requirePrimitive('CircuitBreakerPrimitive', 'inner', inner);
    const o = CIRCUIT_BREAKER_OPTIONS.resolve(options, this.name);
    this.inner = inner;
    const rate = o.failureRate;
    this.#policy = Object.freeze({
      failureThreshold:
        rate !== undefined && options.failureThreshold === undefined
          ? Number.POSITIVE_INFINITY
          : o.failureThreshold,
      recoveryTimeoutMs: o.recoveryTimeoutMs,
      successThreshold: o.successThreshold,
      halfOpenMaxCalls: o.halfOpenMaxCalls,
      ...rate,
    });
    this.#rate = rate;
    this.#isFailure = o.isFailure;
    this.#store = o.store;
    this.#key = o.key;
    this.adoptChildren();
  }

  /** The circuit's key in its store: the `key` option, else the step's name. */
  get key(): string {
    return this.#key ?? this.name;
  }

  /**
   * The circuit's state: exact with a synchronous store (the default); with an asynchronous
   * store, the state this breaker last saw (use `getState()` for a fresh read).
   */
  get state(): CircuitState {
    const snapshot = this.#store.peek?.(this.key);
    if (snapshot !== undefined) this.#lastKnown = snapshot.state;
    return this.#lastKnown;
  }

  /** Reads the state from the store. */
  async getState(): Promise<CircuitState> {
    this.#lastKnown = (await this.#store.get(this.key)).state;
    return this.#lastKnown;
  }

  /** Closes the circuit and forgets its failures. */
  async reset(): Promise<void> {
    const before = await this.#store.get(this.key);
    await this.#store.reset(this.key);
    this.#changed(before.state, 'closed', currentContext() ?? new WorkflowContext());
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return {
      ...CIRCUIT_BREAKER_OPTIONS.describe({
        ...this.#policy,
        failureRate: this.#rate,
        isFailure: this.#isFailure,
        store: this.#store,
        key: this.#key,
      }),
      ...(this.#rate === undefined ? {} : { failureRate: describeFailureRate(this.#rate) }),
      key: this.key,
    };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> {
    // Fast path: a closed circuit admits without a state change, so no store update is needed.
    const peeked = this.#store.peek?.(this.key);
    if (peeked?.state === 'closed') {
      this.#lastKnown = 'closed';
      return this.#call(ALLOWED, input, context);
    }
    const admitted = this.#apply(ADMIT, context);
    return isPromise(admitted)
      ? admitted.then((admission) => this.#call(admission, input, context))
      : this.#call(admitted, input, context);
  }

  #call(admission: Admission, input: I, context: WorkflowContext): Promise<O> {
    // The state the admission left the circuit in is the one this call runs (or is refused) in.
    if (this.listened)
      this.emit(
        { type: 'circuit-admission', state: this.#lastKnown, allowed: admission.allowed },
        context,
      );
    if (!admission.allowed)
      return Promise.reject(
        new CircuitOpenError({ circuit: this.key, retryAfterMs: admission.retryAfterMs }),
      );
    const trial = admission.trial;
    return this.runStep(this.inner, input, context).then(
      (value) => {
        // Always recorded: failures may have been counted since this call was admitted, and a
        // success breaks their run (the local store checks that without I/O).
        const done = this.#recordSuccess(context, trial);
        return done === undefined ? value : done.then(() => value);
      },
      (error: unknown) => {
        const kind = this.#isFailure(error) ? 'failure' : 'release';
        const done = this.#apply({ kind, trial }, context);
        if (isPromise(done)) {
          return done.then(() => {
            throw error;
          });
        }
        throw error;
      },
    );
  }

  #recordSuccess(context: WorkflowContext, trial: boolean): Promise<unknown> | undefined {
    if (!trial && this.#rate === undefined) {
      // The common case: a success on a closed circuit with no failures changes nothing (with a
      // failure rate, every success counts in the window).
      const snapshot = this.#store.peek?.(this.key);
      if (snapshot !== undefined && snapshot.state === 'closed' && snapshot.failures === 0)
        return undefined;
    }
    const done = this.#apply({ kind: 'success', trial }, context);
    return isPromise(done) ? done : undefined;
  }

  /**
   * Applies an operation through the store and reports any state change. A failing store fails
   * open (the call is allowed) with a `store-error` event: a breaker must not take the workflow
   * down with it.
   */
  #apply(operation: CircuitOperation, context: WorkflowContext): Admission | Promise<Admission> {
    const report = (o: CircuitOutcome) => {
      this.#lastKnown = o.next;
      this.#changed(o.previous, o.next, context);
      return o.admission;
    };
    const failOpen = (error: unknown): Admission => {
      this.emit(
        { type: 'store-error', store: 'circuit-breaker', operation: operation.kind, error },
        context,
      );
      return ALLOWED;
    };
    try {
      const outcome = this.#store.apply(this.key, operation, this.#policy, Date.now());
      return isPromise(outcome) ? outcome.then(report, failOpen) : report(outcome);
    } catch (error) {
      return failOpen(error);
    }
  }

  #changed(from: CircuitState, to: CircuitState, context: WorkflowContext): void {
    if (from !== to) this.emit({ type: 'circuit-state-change', from, to }, context);
  }
}
