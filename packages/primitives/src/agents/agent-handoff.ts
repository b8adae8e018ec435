import { WorkflowContext } from '@tta/agent-context';
import {
  type DescribedChild,
  decide,
  type PrimitiveOptions,
  WorkflowPrimitive,
} from '@tta/primitives';
import { custom, declareOptions, fn, oneOf, optional, type Resolved } from '../internal/options.js';
import { agentsOption } from './agents-option.js';

/**
 * How a handoff happens: now, later (queued), or only when a condition holds.
 *
 * @example
 * ```ts
 * const strategy: HandoffStrategy = afterHours ? 'queued' : 'immediate';
 * ```
 */
export type HandoffStrategy = 'immediate' | 'queued' | 'conditional';

/**
 * One handoff, as recorded in the context (`ctx.state.handoffHistory`) and returned.
 *
 * @example
 * ```ts
 * const history = (ctx.state.handoffHistory ?? []) as HandoffRecord[];
 * ```
 */
export interface HandoffRecord {
  readonly from: string | undefined;
  readonly to: string;
  readonly strategy: HandoffStrategy;
  readonly status: 'completed' | 'queued' | 'skipped';
  readonly reason: string | undefined;
  /** Epoch ms. */
  readonly time: number;
}

/**
 * What a handoff returns.
 *
 * @example
 * ```ts
 * const result = await handoff.execute(task, ctx);
 * if (result.status === 'completed') return result.output;
 * ```
 */
export type HandoffResult<O> =
  | {
      readonly status: 'completed';
      readonly agent: string;
      readonly output: O;
      readonly record: HandoffRecord;
    }
  | {
      readonly status: 'queued';
      readonly agent: string;
      readonly position: number;
      readonly record: HandoffRecord;
    }
  | { readonly status: 'skipped'; readonly agent: string; readonly record: HandoffRecord };

/**
 * A task waiting for its agent (the `queued` strategy).
 *
 * @example
 * ```ts
 * for (const task of handoff.queued) console.log(task.agent, task.record.reason);
 * ```
 */
export interface QueuedHandoff<I> {
  readonly agent: string;
  readonly input: I;
  /** The context's JSON at handoff time (`WorkflowContext.fromJSON` restores it). */
  readonly context: ReturnType<WorkflowContext['toJSON']>;
  readonly record: HandoffRecord;
}

/**
 * Options of {@link AgentHandoffPrimitive}.
 *
 * @example
 * ```ts
 * new AgentHandoffPrimitive({ agents: { billing }, to: 'billing', strategy: 'queued', onHandoff: (r) => audit(r) });
 * ```
 */
export interface AgentHandoffOptions<I, O> extends PrimitiveOptions {
  /** The agents that can take over, by name. */
  agents: { readonly [agent: string]: WorkflowPrimitive<I, O> };
  /** The agent to hand to: a name, or a function of the input and context. */
  to: string | ((input: I, context: WorkflowContext) => string | Promise<string>);
  /** `'immediate'` (default), `'queued'`, or `'conditional'` (needs `condition`). */
  strategy?: HandoffStrategy | undefined;
  /** For `'conditional'`: hand off only when this holds (else the result is `skipped`). */
  condition?: ((input: I, context: WorkflowContext) => boolean | Promise<boolean>) | undefined;
  /** Why, for the history (a string or a function of the input). Default: none. */
  reason?: string | ((input: I) => string) | undefined;
  /** Called with each handoff record before the target runs (or is queued). Default: none. */
  onHandoff?:
    | ((record: HandoffRecord, context: WorkflowContext) => void | Promise<void>)
    | undefined;
}

/** The options of {@link AgentHandoffPrimitive}: checks, defaults and what `describe()` shows. */
export const HANDOFF_OPTIONS = declareOptions('AgentHandoffPrimitive', {
  agents: agentsOption<WorkflowPrimitive<never, unknown>>(),
  to: {
    check: (v: unknown, where: string) => {
      if (typeof v !== 'string' && typeof v !== 'function')
        throw new TypeError(`${where} must be a name or a function`);
      return v as string | ((input: never, context: WorkflowContext) => string | Promise<string>);
    },
    docDefault: 'required',
  },
  strategy: oneOf<HandoffStrategy>(['immediate', 'queued', 'conditional'], 'immediate'),
  condition: optional(fn<(input: never, context: WorkflowContext) => unknown>(undefined, 'none')),
  reason: custom<string | ((input: never) => string)>((v, where) => {
    if (typeof v !== 'string' && typeof v !== 'function')
      throw new TypeError(`${where} must be a string or a function`);
    return v as string | ((input: never) => string);
  }, 'none'),
  onHandoff: optional(
    fn<(record: HandoffRecord, context: WorkflowContext) => unknown>(undefined, 'none'),
  ),
});

/**
 * Hands a task from the current agent (`ctx.agentId`) to another. The handoff is recorded in the
 * context's `state.handoffHistory`; the target runs with a child context whose `agentId` is its
 * name. `queued` handoffs wait in the primitive's queue until `runQueued()`.
 *
 * @example
 * ```ts
 * const escalate = new AgentHandoffPrimitive({
 *   agents: { billing: billingAgent, tech: techAgent },
 *   to: (ticket: Ticket) => ticket.category,
 *   strategy: 'conditional',
 *   condition: (ticket) => ticket.priority === 'high',
 * });
 * ```
 */
export class AgentHandoffPrimitive<I, O> extends WorkflowPrimitive<I, HandoffResult<O>> {
  override readonly type = 'agent-handoff';
  readonly strategy: HandoffStrategy;
  readonly #options: AgentHandoffOptions<I, O>;
  readonly #resolved: Resolved<typeof HANDOFF_OPTIONS.specs>;
  readonly #queue: QueuedHandoff<I>[] = [];

  constructor(options: AgentHandoffOptions<I, O>) {
    super(options);
    const owner = 'AgentHandoffPrimitive';
    const o = HANDOFF_OPTIONS.resolve(options, this.name);
    const names = Object.keys(o.agents);
    if (typeof o.to === 'string' && !names.includes(o.to)) {
      throw new TypeError(`${owner}: to "${o.to}" is not one of the agents (${names.join(', ')})`);
    }
    const strategy = o.strategy;
    if (strategy === 'conditional' && o.condition === undefined) {
      throw new TypeError(`${owner}: the conditional strategy needs a condition function`);
    }
    this.strategy = strategy;
    this.#options = options;
    this.#resolved = o;
    this.adoptChildren();
  }

  /** Handoffs waiting (the `queued` strategy), oldest first. */
  get queued(): readonly QueuedHandoff<I>[] {
    return this.#queue;
  }

  /** Runs every queued handoff, oldest first, each with its saved context (restored, with `signal`). */
  async runQueued(signal?: AbortSignal): Promise<HandoffResult<O>[]> {
    const results: HandoffResult<O>[] = [];
    while (this.#queue.length > 0) {
      const task = this.#queue.shift() as QueuedHandoff<I>;
      const context = WorkflowContext.fromJSON(task.context, { signal });
      const record: HandoffRecord = { ...task.record, status: 'completed', time: Date.now() };
      const child = context.child({ agentId: task.agent });
      const output = await this.#target(task.agent)
        .execute(task.input, child)
        .finally(() => {
          child.dispose();
          context.dispose();
        });
      results.push({ status: 'completed', agent: task.agent, output, record });
    }
    return results;
  }

  #target(agent: string): WorkflowPrimitive<I, O> {
    const target = this.#options.agents[agent];
    if (target === undefined) {
      throw new TypeError(
        `${this.name}: no agent "${agent}" (agents: ${Object.keys(this.#options.agents).join(', ')})`,
      );
    }
    return target;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return HANDOFF_OPTIONS.describe(this.#resolved);
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return Object.entries(this.#options.agents).map(([label, primitive]) => ({ label, primitive }));
  }

  protected async run(input: I, context: WorkflowContext): Promise<HandoffResult<O>> {
    const { to, condition, reason, onHandoff } = this.#options;
    // Both choices are recorded in durable runs: a resumed run hands off as it did.
    const agent =
      typeof to === 'string' ? to : await decide(this, context, () => to(input, context));
    const target = this.#target(agent);
    const proceed =
      this.strategy !== 'conditional' ||
      (await decide(this, context, async () =>
        Boolean(await (condition as NonNullable<typeof condition>)(input, context)),
      ));
    const status = !proceed ? 'skipped' : this.strategy === 'queued' ? 'queued' : 'completed';
    const record: HandoffRecord = {
      from: context.agentId,
      to: agent,
      strategy: this.strategy,
      status,
      reason: typeof reason === 'function' ? reason(input) : reason,
      time: Date.now(),
    };
    const history = Array.isArray(context.state.handoffHistory)
      ? (context.state.handoffHistory as HandoffRecord[])
      : [];
    history.push(record);
    context.state.handoffHistory = history;
    if (status === 'skipped') return { status, agent, record };
    await onHandoff?.(record, context);
    if (status === 'queued') {
      this.#queue.push({ agent, input, context: context.toJSON(), record });
      return { status, agent, position: this.#queue.length, record };
    }
    const child = context.child({ agentId: agent });
    const output = await target.execute(input, child).finally(() => child.dispose());
    return { status: 'completed', agent, output, record };
  }
}
