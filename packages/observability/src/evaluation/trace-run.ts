import { createContextKey, currentContext, WorkflowContext } from '@tta/agent-context';
import type { WorkflowPrimitive } from '@tta/primitives';

/** Where the observability hooks write the ids of a run's outermost span (see `traceRun`). */
export interface RunIds {
  traceId: string | undefined;
  spanId: string | undefined;
}

/** The slot `traceRun` puts on the run's context; the hooks fill it at the outermost span. */
export const RUN_IDS = createContextKey<RunIds>('tta.observability.run-ids');

/**
 * A finished run with the ids of its outermost span, to attach scores to it later
 * (`recordEvaluation(run, …)`) or to link to it from your own systems.
 *
 * @example
 * ```ts
 * const run: TracedRun<string> = await traceRun(workflow, input);
 * console.log(run.output, run.traceId);
 * ```
 */
export interface TracedRun<O> {
  readonly output: O;
  /** The trace id of the run, or `undefined` when no observability hooks are registered. */
  readonly traceId: string | undefined;
  /** The span id of the run's outermost span (`invoke_workflow …`), likewise. */
  readonly spanId: string | undefined;
}

/**
 * Runs `workflow` like `execute` and also returns the ids of the span the observability hooks
 * made for it, so evaluations that arrive later (a user's thumbs-up, an LLM judge) can be attached
 * to the run.
 *
 * @example
 * ```ts
 * const run = await traceRun(supportBot, question, ctx);
 * // later, when the user rates the answer:
 * recordEvaluation(run, { name: 'user_feedback', score: 1, label: 'helpful' });
 * ```
 */
export async function traceRun<I, O>(
  workflow: WorkflowPrimitive<I, O>,
  input: I,
  context?: WorkflowContext,
): Promise<TracedRun<O>> {
  const ids: RunIds = { traceId: undefined, spanId: undefined };
  const base = context ?? currentContext() ?? new WorkflowContext();
  const output = await workflow.execute(input, base.withValue(RUN_IDS, ids));
  return { output, traceId: ids.traceId, spanId: ids.spanId };
}
