import { createContextKey, type WorkflowContext } from '@tta/agent-context';
import type { PrimitiveRef } from './events.js';
import type { ExecutionInfo } from './hooks.js';

// A run-scoped way to stand in for a step: a durable run answers a completed step from its
// journal instead of running it again. Unlike hooks (process-wide observers that always run the
// step), an interceptor lives on the run's context, so only executions of that run see it, and it
// may return without calling `run`. It sits inside the hooks: a replayed step still has its span.
// A process-wide count keeps `execute` on its fast path while no interceptor exists.

/**
 * Stands in for a step of the run whose context carries it: return `run()` to run the step (with
 * `run(context)`, with a context derived from the step's), or a value (or a rejection) to answer
 * without running it.
 *
 * @example
 * ```ts
 * const logSteps: StepInterceptor = (info, run) => {
 *   console.log('step', info.primitive.name);
 *   return run();
 * };
 * ```
 */
export type StepInterceptor = (
  info: ExecutionInfo,
  run: (context?: WorkflowContext) => Promise<unknown>,
) => Promise<unknown>;

/**
 * The context slot that holds a run's interceptor (see {@link enableStepInterceptors}).
 *
 * @example
 * ```ts
 * const release = enableStepInterceptors();
 * await workflow.execute(input, ctx.withValue(STEP_INTERCEPTOR, logSteps));
 * release();
 * ```
 */
export const STEP_INTERCEPTOR = createContextKey<StepInterceptor>(
  'tta.primitives.step-interceptor',
);

// One count per process, shared by the ESM and CommonJS builds.
const COUNT_KEY = Symbol.for('tta.primitives.step-interceptors');
const counter = globalThis as { [COUNT_KEY]?: { active: number } };
counter[COUNT_KEY] ??= { active: 0 };
const interceptors = counter[COUNT_KEY];

/**
 * Makes executions look for a {@link STEP_INTERCEPTOR} on their context until the returned
 * function is called (calls nest: each enable needs its release). Without any, `execute` never
 * looks.
 *
 * @example
 * ```ts
 * const release = enableStepInterceptors();
 * try { await workflow.execute(input, ctx.withValue(STEP_INTERCEPTOR, interceptor)); } finally { release(); }
 * ```
 */
export function enableStepInterceptors(): () => void {
  interceptors.active++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    interceptors.active--;
  };
}

/** True while any interceptor may exist. */
export function interceptorsEnabled(): boolean {
  return interceptors.active > 0;
}

/**
 * A decision a composite makes between its steps (a router's route, a conditional's branch).
 * Inside a run that intercepts steps (a durable run) it is one more step, at `<path>/@decision`:
 * journaled, and answered from the journal on replay, so a resumed run takes the branch it took
 * before even when the decision reads a clock, a model or the outside world. Elsewhere it is just
 * `decideNow()`.
 *
 * @example
 * ```ts
 * const route = await decide(this, context, () => this.select(input, context));
 * ```
 */
export function decide<T>(
  owner: PrimitiveRef,
  context: WorkflowContext,
  decideNow: () => T | Promise<T>,
): T | Promise<T> {
  if (interceptors.active === 0) return decideNow();
  const interceptor = context.getValue(STEP_INTERCEPTOR);
  if (interceptor === undefined || owner.path === undefined) return decideNow();
  const decision: PrimitiveRef = {
    type: 'decision',
    name: `${owner.name} decision`,
    path: `${owner.path}/@decision`,
    isLeaf: true,
  };
  return interceptor({ primitive: decision, input: undefined, context }, async () =>
    decideNow(),
  ) as Promise<T>;
}
