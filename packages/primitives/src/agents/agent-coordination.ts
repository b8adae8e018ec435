import { AbortScope, CancelledError, type WorkflowContext, waitFor } from '@tta/agent-context';
import {
  type DescribedChild,
  type PrimitiveOptions,
  TimeoutError,
  WorkflowPrimitive,
} from '@tta/primitives';
import {
  boolean,
  declareOptions,
  fn,
  integer,
  number,
  oneOf,
  optional,
  type Resolved,
} from '../internal/options.js';
import { agentsOption } from './agents-option.js';
import type {
  AgentOutcome,
  CoordinationResult,
  CoordinationStrategy,
} from './coordination/outcomes.js';
import { STRATEGIES, type StrategyRunner } from './coordination/strategies.js';

export type {
  AgentOutcome,
  CoordinationResult,
  CoordinationStrategy,
} from './coordination/outcomes.js';

/**
 * Options of {@link AgentCoordinationPrimitive}.
 *
 * @example
 * ```ts
 * new AgentCoordinationPrimitive({ agents: { a, b, c }, strategy: 'first', timeoutMs: 15_000 });
 * ```
 */
export interface AgentCoordinationOptions<I, O> extends PrimitiveOptions {
  /** The agents, by name; all get the same input. */
  agents: { readonly [agent: string]: WorkflowPrimitive<I, O> };
  /** Default: `'aggregate'`. */
  strategy?: CoordinationStrategy | undefined;
  /** A time limit for the whole group: agents unfinished by then are `timed-out` (and aborted). Default: none. */
  timeoutMs?: number | undefined;
  /** `aggregate`: fail unless every agent succeeded. Default: false. */
  requireAllSuccess?: boolean | undefined;
  /** `consensus`: what counts as the same answer. Default: `stableKey(output)`. */
  agreementKey?: ((output: O) => string) | undefined;
  /** `consensus`: agents that must agree. Default: a majority of all agents. */
  minAgreement?: number | undefined;
}

/** The options of {@link AgentCoordinationPrimitive}: checks, defaults and what `describe()` shows. */
export const COORDINATION_OPTIONS = declareOptions('AgentCoordinationPrimitive', {
  agents: agentsOption<WorkflowPrimitive<never, unknown>>(),
  strategy: oneOf<CoordinationStrategy>(['aggregate', 'first', 'consensus'], 'aggregate'),
  timeoutMs: optional(number({ positive: true }, undefined, { docDefault: 'none' })),
  requireAllSuccess: { ...boolean(false), describe: 'if-set' },
  agreementKey: optional(fn<(output: unknown) => string>(undefined, '`stableKey(output)`')),
  minAgreement: optional(integer(1, undefined, { docDefault: 'a majority of all agents' })),
});

/**
 * Runs several agents concurrently on the same input, each in a child context (`agentId` = its
 * name). `aggregate` collects every outcome; `first` returns the first success and cancels the
 * rest; `consensus` returns the answer enough agents agree on. With a group `timeoutMs`, only the
 * agents still running then are marked `timed-out`; finished ones keep their results.
 *
 * @example
 * ```ts
 * const panel = new AgentCoordinationPrimitive({
 *   agents: { gpt: askGpt, claude: askClaude, llama: askLlama },
 *   strategy: 'consensus',
 *   agreementKey: (answer: string) => answer.trim().toLowerCase(),
 *   timeoutMs: 20_000,
 * });
 * ```
 */
export class AgentCoordinationPrimitive<I, O> extends WorkflowPrimitive<I, CoordinationResult<O>> {
  override readonly type = 'agent-coordination';
  readonly strategy: CoordinationStrategy;
  readonly #agents: readonly [string, WorkflowPrimitive<I, O>][];
  readonly #options: Resolved<typeof COORDINATION_OPTIONS.specs>;
  readonly #strategy: StrategyRunner<O>;

  constructor(options: AgentCoordinationOptions<I, O>) {
    super(options);
    const o = COORDINATION_OPTIONS.resolve(options, this.name);
    const agents = Object.entries(o.agents) as [string, WorkflowPrimitive<I, O>][];
    const { strategy, minAgreement } = o;
    if (minAgreement !== undefined && minAgreement > agents.length)
      throw new RangeError(
        'AgentCoordinationPrimitive: minAgreement must be an integer from 1 to the number of agents',
      );
    this.strategy = strategy;
    this.#agents = agents;
    this.#options = o;
    this.#strategy = STRATEGIES[strategy]<O>({
      name: this.name,
      agentCount: agents.length,
      requireAllSuccess: o.requireAllSuccess,
      agreementKey: o.agreementKey as ((output: O) => string) | undefined,
      minAgreement,
    });
    this.adoptChildren();
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return COORDINATION_OPTIONS.describe(this.#options);
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.#agents.map(([label, primitive]) => ({ label, primitive }));
  }

  protected run(input: I, context: WorkflowContext): Promise<CoordinationResult<O>> {
    const results: Record<string, AgentOutcome<O>> = {};
    const scopes = new Map<string, AbortScope>();
    const started = Date.now();
    const strategy = this.#strategy;
    // Marks every agent still running with `status` and aborts it.
    const stopOthers = (status: 'timed-out' | 'cancelled', reason: unknown) => {
      for (const [name, scope] of scopes) {
        if (results[name] !== undefined) continue;
        results[name] = { status, durationMs: Date.now() - started };
        scope.abort(reason);
      }
    };
    // Resolves early with a strategy's result, or with `undefined` once every agent has an outcome.
    const everyone = new Promise<CoordinationResult<O> | undefined>((resolve) => {
      let pending = this.#agents.length;
      const record = (name: string, outcome: AgentOutcome<O>): boolean => {
        if (results[name] !== undefined) return false; // timed out or cancelled already
        results[name] = outcome;
        return true;
      };
      for (const [name, agent] of this.#agents) {
        const scope = new AbortScope();
        scopes.set(name, scope);
        const branch = context.child({ agentId: name, signal: scope });
        agent.execute(input, branch).then(
          (value) => {
            branch.dispose();
            if (!record(name, { status: 'fulfilled', value, durationMs: Date.now() - started }))
              return;
            const early = strategy.onFulfilled?.(name, value, { ...results });
            if (early !== undefined) {
              stopOthers('cancelled', new CancelledError({ message: `${name} answered first` }));
              resolve({ ...early, results: { ...results } });
            } else if (--pending === 0) resolve(undefined);
          },
          (reason: unknown) => {
            branch.dispose();
            if (!record(name, { status: 'rejected', reason, durationMs: Date.now() - started }))
              return;
            if (--pending === 0) resolve(undefined);
          },
        );
      }
    });
    const limitMs = Math.min(
      this.#options.timeoutMs ?? Number.POSITIVE_INFINITY,
      context.remainingMs(),
    );
    return waitFor({
      promise: everyone,
      ms: Number.isFinite(limitMs) ? limitMs : undefined,
      onTimer: () => {
        stopOthers('timed-out', new TimeoutError({ step: this.name, timeoutMs: limitMs }));
        return undefined;
      },
    }).then((early) => early ?? strategy.combine({ ...results }));
  }
}
