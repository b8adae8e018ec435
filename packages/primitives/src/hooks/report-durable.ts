import type { WorkflowContext } from '@tta/agent-context';
import type { DurableRunEvent, DurableStepEvent, PrimitiveRef } from './events.js';
import { emitEvent, hasEventListeners } from './registry.js';

/**
 * Reports what a durable run does to the hooks (`durable-step`, `durable-run` events), so
 * observability can mark replayed steps and count runs. Used by `@tta/primitives/durable`; free
 * when no hook listens.
 *
 * @example
 * ```ts
 * reportDurable({ type: 'durable-run', runId, workflow: 'expense', status: 'suspended' }, step, ctx);
 * ```
 */
export function reportDurable(
  event:
    | Omit<DurableStepEvent, 'primitive' | 'context' | 'time'>
    | Omit<DurableRunEvent, 'primitive' | 'context' | 'time'>,
  primitive: PrimitiveRef,
  context: WorkflowContext,
): void {
  if (!hasEventListeners()) return;
  emitEvent({ ...event, primitive, context, time: Date.now() } as
    | DurableStepEvent
    | DurableRunEvent);
}
