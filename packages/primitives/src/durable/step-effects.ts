// What a step did besides returning its output that a replay must redo, because the step will not
// run again: what it spent (so the run's budget totals survive) and how it changed the run's
// conversation (so the next model step sees the same history). Journaled with the step; applied
// again, in journal order, when the step is answered from the journal.
import {
  type ConversationMemory,
  InvalidContextError,
  MEMORY_OBSERVER,
  type MemoryChange,
  USAGE_OBSERVER,
  type Usage,
  type WorkflowContext,
} from '@tta/agent-context';

/** A step's effects as the journal stores them (through the run's codec). */
export interface RecordedEffects {
  readonly usage?: {
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    model?: string;
  };
  readonly memory?: readonly MemoryChange[];
}

/** Collects one step's effects while it runs (its siblings may run at the same time). */
export class StepEffects {
  #inputTokens = 0;
  #outputTokens = 0;
  #costUsd = 0;
  readonly #models = new Set<string>();
  readonly #changes: MemoryChange[] = [];
  readonly #conversation: ConversationMemory | undefined;

  constructor(conversation: ConversationMemory | undefined) {
    this.#conversation = conversation;
  }

  /** `context` with observers that report this step's spending and conversation changes here. */
  observe(context: WorkflowContext): WorkflowContext {
    // Whoever observed before (a streaming consumer's usage events) still hears of everything.
    const usageBefore = context.getValue(USAGE_OBSERVER);
    const observed = context.withValue(USAGE_OBSERVER, (usage) => {
      this.#add(usage);
      usageBefore?.(usage);
    });
    const conversation = this.#conversation;
    if (conversation === undefined) return observed;
    const memoryBefore = context.getValue(MEMORY_OBSERVER);
    // Only the run's own conversation: a memory a primitive holds is the process's, not the run's.
    return observed.withValue(MEMORY_OBSERVER, (memory, change) => {
      if (memory === conversation) this.#changes.push(change);
      memoryBefore?.(memory, change);
    });
  }

  #add(usage: Usage): void {
    this.#inputTokens += usage.inputTokens ?? 0;
    this.#outputTokens += usage.outputTokens ?? 0;
    this.#costUsd += usage.costUsd ?? 0;
    if (usage.model !== undefined) this.#models.add(usage.model);
  }

  /** What to journal, or undefined when the step did nothing of the kind. */
  value(): RecordedEffects | undefined {
    const spent = this.#inputTokens !== 0 || this.#outputTokens !== 0 || this.#costUsd !== 0;
    if (!spent && this.#changes.length === 0) return undefined;
    const [model] = this.#models;
    return {
      ...(spent
        ? {
            usage: {
              inputTokens: this.#inputTokens,
              outputTokens: this.#outputTokens,
              costUsd: this.#costUsd,
              ...(this.#models.size === 1 && model !== undefined ? { model } : {}),
            },
          }
        : {}),
      ...(this.#changes.length === 0 ? {} : { memory: [...this.#changes] }),
    };
  }
}

/**
 * Redoes a replayed step's effects: its spending is charged to the run's budget again and its
 * conversation changes are applied again. A change that is not valid throws InvalidContextError
 * (the caller names the run and step); spending is bookkeeping and skips what it cannot read.
 */
export function replayEffects(
  effects: unknown,
  context: WorkflowContext,
  conversation: ConversationMemory | undefined,
): void {
  if (typeof effects !== 'object' || effects === null)
    throw new InvalidContextError({ field: 'effects', reason: 'is not an object' });
  const { usage, memory } = effects as { usage?: unknown; memory?: unknown };
  if (typeof usage === 'object' && usage !== null) {
    const u = usage as Record<string, unknown>;
    const amount = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    context.recordUsage({
      inputTokens: amount(u.inputTokens),
      outputTokens: amount(u.outputTokens),
      costUsd: amount(u.costUsd),
      ...(typeof u.model === 'string' ? { model: u.model } : {}),
    });
  }
  if (memory === undefined || conversation === undefined) return;
  if (!Array.isArray(memory))
    throw new InvalidContextError({ field: 'effects.memory', reason: 'is not a list of changes' });
  for (const change of memory) conversation.apply(change as MemoryChange);
}
