import { TtaError } from './tta-error.js';

/**
 * Which limit of a budget ran out.
 *
 * @example
 * ```ts
 * if (error instanceof BudgetExceededError && error.limit === 'costUsd') notifyBilling();
 * ```
 */
export type BudgetLimit = 'tokens' | 'costUsd' | 'durationMs';

/**
 * A budget (tokens, cost or wall time) is spent: the step, retry, fallback or branch that would
 * have spent more did not start. `cause` is the error that was being recovered from, if any.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof BudgetExceededError) return `Stopped: ${error.limit} budget spent`; }
 * ```
 */
export class BudgetExceededError extends TtaError {
  readonly limit: BudgetLimit;
  /** The limit's value. */
  readonly max: number;
  /** What had been spent against it. */
  readonly spent: number;

  constructor(details: { limit: BudgetLimit; max: number; spent: number }, options?: ErrorOptions) {
    const { limit, max, spent } = details;
    super(
      'BUDGET_EXCEEDED',
      `The ${limit} budget is spent (${round(spent)} of ${round(max)})`,
      options,
    );
    this.name = 'BudgetExceededError';
    this.limit = limit;
    this.max = max;
    this.spent = spent;
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
