// A run's stored context: the WorkflowContext's JSON (ids, trace, baggage, metadata, deadline,
// budget) and, when the run carries a conversation (CONVERSATION), that conversation as it was at
// the start, encoded by the run's codec. Steps journal their changes to it (step-effects.ts), so
// the start plus the changes is the conversation at any point, and no step stores all of it.
import { WorkflowContext } from '@tta/agent-context';

interface Stored {
  context: unknown;
  conversation?: string;
}

/** The text stored as a run's context. */
export function encodeRunContext(context: WorkflowContext, conversation?: string): string {
  const stored: Stored = { context: context.toJSON() };
  if (conversation !== undefined) stored.conversation = conversation;
  return JSON.stringify(stored);
}

/** The stored context back; throws (InvalidContextError, SyntaxError) when it is not valid. */
export function decodeRunContext(text: string): {
  context: WorkflowContext;
  conversation: string | undefined;
} {
  const stored = JSON.parse(text) as Partial<Stored> | null;
  if (typeof stored !== 'object' || stored === null)
    throw new TypeError('not a stored run context');
  // A bare WorkflowContext JSON (how runs stored their context before conversations were kept).
  if (!('context' in stored))
    return { context: WorkflowContext.fromJSON(stored), conversation: undefined };
  const { conversation } = stored;
  if (conversation !== undefined && typeof conversation !== 'string')
    throw new TypeError('the stored conversation is not encoded text');
  return { context: WorkflowContext.fromJSON(stored.context), conversation };
}

/** The trace id in a stored context, if it has one. */
export function traceIdOf(text: string): string | undefined {
  try {
    const stored = JSON.parse(text) as {
      context?: { traceId?: unknown };
      traceId?: unknown;
    } | null;
    const traceId = stored?.context === undefined ? stored?.traceId : stored.context.traceId;
    return typeof traceId === 'string' ? traceId : undefined;
  } catch {
    return undefined;
  }
}
