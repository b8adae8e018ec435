import type { WorkflowContext } from '@tta/agent-context';
import type { PrimitiveEvent, PrimitiveRef } from './events.js';

/**
 * What hooks learn about one primitive execution.
 *
 * @example
 * ```ts
 * aroundExecute(info, next) { console.log(info.primitive.type, info.primitive.name, info.context.correlationId); return next(); }
 * ```
 */
export interface ExecutionInfo {
  /** The primitive being executed (its `type` and `name`, and the instance itself). */
  readonly primitive: PrimitiveRef;
  readonly input: unknown;
  /** The context the step runs with (also `currentContext()` inside `next`). */
  readonly context: WorkflowContext;
}

/**
 * Observers of primitive executions. Every member is optional; a hook that throws is reported
 * to `registerHooks`' `onError` and never changes the workflow's outcome (a hook that declares
 * `settlesWithStep` answers for its own promise).
 *
 * @example
 * ```ts
 * const unregister = registerHooks({
 *   async aroundExecute(info, next) {
 *     const start = performance.now();
 *     try { return await next(); }
 *     finally { console.log(info.primitive.name, performance.now() - start); }
 *   },
 *   onEvent(event) { if (event.type === 'retry') console.warn('retrying', event.attempt); },
 * });
 * ```
 */
export interface PrimitiveHooks {
  /**
   * Wraps every primitive execution, around-style, so an implementation can make its span (or
   * any async-local state) active while the step runs: nested executions happen inside `next()`.
   * Call `next()` once and return (or await) its promise. Calling it more than once returns the
   * same promise; not calling it still runs the step; the value returned is ignored in favour
   * of the step's own outcome. Pass a context to `next` to run the step with it instead (for
   * example `info.context.withTrace(...)` so the step sees its span's ids); hooks registered
   * later see that context in their `info`.
   */
  aroundExecute?(
    info: ExecutionInfo,
    next: (context?: WorkflowContext) => Promise<unknown>,
  ): Promise<unknown>;
  /** Receives every event (retry, fallback, timeout, circuit state, cache, compensation, route). */
  onEvent?(event: PrimitiveEvent): void;
  /**
   * A promise the hook keeps: its `aroundExecute` calls `next()` and returns a promise that
   * settles exactly as the step did (the step's value, or the step's error), after the hook's own
   * work, and never rejects with an error of its own. The registry then hands that promise on as
   * it is instead of guarding it (the guard waits for the hook, then settles with the step's
   * outcome: two promises per step and hook). A hook that throws synchronously is still reported
   * and the step still runs. Leave it unset if the hook cannot keep that promise.
   * Default: `false`.
   *
   * @example
   * ```ts
   * registerHooks({
   *   settlesWithStep: true,
   *   aroundExecute(info, next) {
   *     const started = performance.now();
   *     return next().finally(() => durations.push(performance.now() - started));
   *   },
   * });
   * ```
   */
  readonly settlesWithStep?: boolean | undefined;
}

/**
 * Options of {@link registerHooks}.
 *
 * @example
 * ```ts
 * registerHooks(hooks, { onError: (error, hook) => logger.warn({ error, hook }, 'hook failed') });
 * ```
 */
export interface RegisterHooksOptions {
  /**
   * Called when one of these hooks throws or rejects.
   * Default: a single process warning (`TtaHookWarning`) per registration.
   */
  onError?: ((error: unknown, hook: 'aroundExecute' | 'onEvent') => void) | undefined;
}
