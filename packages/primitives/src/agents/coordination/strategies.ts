import { stableKey } from '@tta/primitives';
import { CoordinationError } from '../errors/coordination-error.js';
import type { AgentOutcome, CoordinationResult, CoordinationStrategy } from './outcomes.js';

type Results<O> = Readonly<Record<string, AgentOutcome<O>>>;
type Fulfilled<O> = Extract<AgentOutcome<O>, { status: 'fulfilled' }>;

/**
 * One way of combining the agents' answers. The fan-out (in `AgentCoordinationPrimitive`) runs
 * the agents and records their outcomes; a strategy only decides.
 */
export interface StrategyRunner<O> {
  /** An agent answered. A result ends the group now (the rest are cancelled); `undefined` waits on. */
  onFulfilled?(agent: string, value: O, results: Results<O>): CoordinationResult<O> | undefined;
  /** Every agent has an outcome (finished, failed, timed out or cancelled): the group's result. */
  combine(results: Results<O>): CoordinationResult<O>;
}

/** What a strategy is built from. */
export interface StrategySettings<O> {
  readonly name: string;
  readonly agentCount: number;
  readonly requireAllSuccess: boolean;
  readonly agreementKey: ((output: O) => string) | undefined;
  readonly minAgreement: number | undefined;
}

function fulfilled<O>(results: Results<O>): [string, Fulfilled<O>][] {
  return Object.entries(results).filter(
    (e): e is [string, Fulfilled<O>] => e[1].status === 'fulfilled',
  );
}

/** `aggregate`: every outcome; with `requireAllSuccess`, fails unless every agent succeeded. */
function aggregate<O>(s: StrategySettings<O>): StrategyRunner<O> {
  return {
    combine(results) {
      const ok = fulfilled(results);
      if (s.requireAllSuccess && ok.length < s.agentCount) {
        const failed = Object.entries(results)
          .filter(([, o]) => o.status !== 'fulfilled')
          .map(([n]) => n);
        throw new CoordinationError({
          message: `${s.name}: not every agent succeeded (${failed.join(', ')})`,
          results,
        });
      }
      return { strategy: 'aggregate', output: undefined, agents: ok.map(([n]) => n), results };
    },
  };
}

/** `first`: the first success wins at once; failing only when no agent succeeded. */
function first<O>(s: StrategySettings<O>): StrategyRunner<O> {
  return {
    onFulfilled: (agent, value, results) => ({
      strategy: 'first',
      output: value,
      agents: [agent],
      results,
    }),
    combine(results) {
      throw new CoordinationError({ message: `${s.name}: no agent succeeded`, results });
    },
  };
}

/** `consensus`: the answer that enough agents agree on (by `agreementKey`). */
function consensus<O>(s: StrategySettings<O>): StrategyRunner<O> {
  const keyOf = s.agreementKey ?? ((output: O) => stableKey(output));
  const needed = s.minAgreement ?? Math.floor(s.agentCount / 2) + 1;
  return {
    combine(results) {
      const groups = new Map<string, string[]>();
      for (const [name, outcome] of fulfilled(results)) {
        const key = keyOf(outcome.value);
        groups.set(key, [...(groups.get(key) ?? []), name]);
      }
      const [best] = [...groups.values()].sort((a, b) => b.length - a.length);
      if (best === undefined || best.length < needed) {
        throw new CoordinationError({
          message: `${s.name}: no consensus (${best?.length ?? 0} of ${s.agentCount} agreed; ${needed} needed)`,
          results,
        });
      }
      const winner = results[best[0] as string] as Fulfilled<O>;
      return { strategy: 'consensus', output: winner.value, agents: best, results };
    },
  };
}

/** The strategies by name. */
export const STRATEGIES: {
  readonly [K in CoordinationStrategy]: <O>(settings: StrategySettings<O>) => StrategyRunner<O>;
} = { aggregate, first, consensus };
