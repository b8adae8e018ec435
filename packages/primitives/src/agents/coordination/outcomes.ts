// The shapes a coordination produces: one outcome per agent, and the group's result.

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
