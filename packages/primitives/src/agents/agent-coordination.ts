import { AbortScope, CancelledError, type WorkflowContext } from '@tta/agent-context';
import {
  type DescribedChild,
  isWorkflowPrimitive,
  type PrimitiveOptions,
  stableKey,
  TimeoutError,
  WorkflowPrimitive,
} from '@tta/primitives';
import { CoordinationError } from './errors/coordination-error.js';

/**
 * How the agents' answers are combined.
 *
 * @example
 * ```ts
 * const strategy: CoordinationStrategy = needsAgreement ? 'consensus' : 'first';
 * ```
 */
export type CoordinationStrategy = 'aggregate' | 'first' | 'consensus';

/**
 * How one agent did.
 *
 * @example
 * ```ts
 * for (const [agent, outcome] of Object.entries(result.results)) if (outcome.status === 'timed-out') slow.add(agent);
 * ```
 */
export type AgentOutcome<O> =
  | { readonly status: 'fulfilled'; readonly value: O; readonly durationMs: number }
  | { readonly status: 'rejected'; readonly reason: unknown; readonly durationMs: number }
  | { readonly status: 'timed-out'; readonly durationMs: number }
  | { readonly status: 'cancelled'; readonly durationMs: number };

/**
 * What a coordination returns.
 *
 * @example
 * ```ts
 * const { output, agents, results } = await panel.execute(question);
 * ```
 */
export interface CoordinationResult<O> {
  readonly strategy: CoordinationStrategy;
  /** `first`: the winner's output; `consensus`: the agreed output; `aggregate`: undefined. */
  readonly output: O | undefined;
  /** The agent whose output is `output` (`first`), or the agents that agreed (`consensus`). */
  readonly agents: readonly string[];
  /** Every agent's outcome, by name. */
  readonly results: Readonly<Record<string, AgentOutcome<O>>>;
}

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

const STRATEGIES = new Set<CoordinationStrategy>(['aggregate', 'first', 'consensus']);

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
  readonly #options: AgentCoordinationOptions<I, O>;

  constructor(options: AgentCoordinationOptions<I, O>) {
    super(options);
    const owner = 'AgentCoordinationPrimitive';
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`${owner}: options are required`);
    const agents = Object.entries(options.agents ?? {});
    if (agents.length === 0) throw new TypeError(`${owner}: agents must name at least one agent`);
    for (const [name, agent] of agents) {
      if (!isWorkflowPrimitive(agent))
        throw new TypeError(`${owner}: agent "${name}" is not a primitive`);
    }
    const strategy = options.strategy ?? 'aggregate';
    if (!STRATEGIES.has(strategy))
      throw new TypeError(`${owner}: strategy must be one of ${[...STRATEGIES].join(', ')}`);
    const { timeoutMs, minAgreement } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`${owner}: timeoutMs must be a finite number > 0`);
    }
    if (
      minAgreement !== undefined &&
      !(Number.isInteger(minAgreement) && minAgreement >= 1 && minAgreement <= agents.length)
    ) {
      throw new RangeError(
        `${owner}: minAgreement must be an integer from 1 to the number of agents`,
      );
    }
    this.strategy = strategy;
    this.#agents = agents;
    this.#options = options;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return {
      strategy: this.strategy,
      ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
    };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.#agents.map(([label, primitive]) => ({ label, primitive }));
  }

  protected run(input: I, context: WorkflowContext): Promise<CoordinationResult<O>> {
    const results: Record<string, AgentOutcome<O>> = {};
    const scopes = new Map<string, AbortScope>();
    const started = Date.now();
    const limitMs = Math.min(
      this.#options.timeoutMs ?? Number.POSITIVE_INFINITY,
      context.remainingMs(),
    );

    return new Promise<CoordinationResult<O>>((resolve, reject) => {
      let pending = this.#agents.length;
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (outcome: () => CoordinationResult<O>) => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      const stopOthers = (status: 'timed-out' | 'cancelled', reason: unknown) => {
        for (const [name, scope] of scopes) {
          if (results[name] === undefined) {
            results[name] = { status, durationMs: Date.now() - started };
            scope.abort(reason);
          }
        }
      };

      if (limitMs !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          stopOthers('timed-out', new TimeoutError({ step: this.name, timeoutMs: limitMs }));
          settle(() => this.#combine(results));
        }, limitMs);
      }

      for (const [name, agent] of this.#agents) {
        const scope = new AbortScope();
        scopes.set(name, scope);
        agent.execute(input, context.child({ agentId: name, signal: scope })).then(
          (value) => {
            if (done || results[name] !== undefined) return;
            results[name] = { status: 'fulfilled', value, durationMs: Date.now() - started };
            if (this.strategy === 'first') {
              stopOthers('cancelled', new CancelledError({ message: `${name} answered first` }));
              settle(() => ({
                strategy: 'first',
                output: value,
                agents: [name],
                results: { ...results },
              }));
              return;
            }
            if (--pending === 0) settle(() => this.#combine(results));
          },
          (reason: unknown) => {
            if (done || results[name] !== undefined) return;
            results[name] = { status: 'rejected', reason, durationMs: Date.now() - started };
            if (--pending === 0) settle(() => this.#combine(results));
          },
        );
      }
    });
  }

  /** The group's result once every agent has an outcome. */
  #combine(results: Record<string, AgentOutcome<O>>): CoordinationResult<O> {
    const snapshot = { ...results };
    const fulfilled = Object.entries(snapshot).filter(
      (e): e is [string, Extract<AgentOutcome<O>, { status: 'fulfilled' }>] =>
        e[1].status === 'fulfilled',
    );
    if (this.strategy === 'first') {
      throw new CoordinationError({
        message: `${this.name}: no agent succeeded`,
        results: snapshot,
      });
    }
    if (this.strategy === 'aggregate') {
      if (this.#options.requireAllSuccess === true && fulfilled.length < this.#agents.length) {
        const failed = Object.entries(snapshot)
          .filter(([, o]) => o.status !== 'fulfilled')
          .map(([n]) => n);
        throw new CoordinationError({
          message: `${this.name}: not every agent succeeded (${failed.join(', ')})`,
          results: snapshot,
        });
      }
      return {
        strategy: 'aggregate',
        output: undefined,
        agents: fulfilled.map(([n]) => n),
        results: snapshot,
      };
    }
    const keyOf = this.#options.agreementKey ?? ((output: O) => stableKey(output));
    const groups = new Map<string, string[]>();
    for (const [name, outcome] of fulfilled) {
      const key = keyOf(outcome.value);
      groups.set(key, [...(groups.get(key) ?? []), name]);
    }
    const needed = this.#options.minAgreement ?? Math.floor(this.#agents.length / 2) + 1;
    const [best] = [...groups.values()].sort((a, b) => b.length - a.length);
    if (best === undefined || best.length < needed) {
      throw new CoordinationError({
        message: `${this.name}: no consensus (${best?.length ?? 0} of ${this.#agents.length} agreed; ${needed} needed)`,
        results: snapshot,
      });
    }
    const winner = snapshot[best[0] as string] as Extract<AgentOutcome<O>, { status: 'fulfilled' }>;
    return { strategy: 'consensus', output: winner.value, agents: best, results: snapshot };
  }
}
