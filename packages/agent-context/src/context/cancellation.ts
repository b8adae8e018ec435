import type { AbortScope } from '../abort-scope.js';
import { Budget, type BudgetLimits } from '../budget.js';
import { toCancellationError } from '../errors/cancellation.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';

/**
 * When a context's work must stop: its signal (chained to its ancestors'), its deadline and its
 * budget. Contexts that only change their trace share their parent's; `child()` and
 * `withCancellation()` make a new one.
 */
export class Cancellation {
  /** Epoch ms after which no new step starts (a duration budget's end counts too). */
  readonly deadline: number | undefined;
  #budget: Budget | undefined;
  readonly #own: AbortSignal | AbortScope | undefined;
  // The nearest ancestor with a signal of its own: the chain skips those without one.
  readonly #parent: Cancellation | undefined;
  #combined: AbortSignal | undefined;

  constructor(
    own: AbortSignal | AbortScope | undefined,
    parent: Cancellation | undefined,
    deadline: number | undefined,
    budget: Budget | undefined,
  ) {
    this.#own = own;
    this.#parent = parent;
    this.#budget = budget;
    this.deadline = budget?.deadline === undefined ? deadline : earlier(deadline, budget.deadline);
  }

  /** The budget, if any. */
  get budget(): Budget | undefined {
    return this.#budget;
  }

  /** The budget, started (unlimited) on first use when there is none. */
  budgetForUsage(): Budget {
    this.#budget ??= new Budget({});
    return this.#budget;
  }

  /** A child's: the extra signal, the earlier deadline, a sub-budget (or the given budget). */
  child(
    signal: AbortSignal | AbortScope | undefined,
    deadline: number | undefined,
    budget: BudgetLimits | Budget | undefined,
  ): Cancellation {
    return new Cancellation(
      signal,
      this.#chain(),
      earlier(this.deadline, deadline),
      budget === undefined ? this.#budget : subBudget(this.#budget, budget),
    );
  }

  /** The same budget with another signal and deadline; `inherit: false` drops this one's. */
  with(
    signal: AbortSignal | AbortScope | undefined,
    deadline: number | undefined,
    inherit: boolean,
  ): Cancellation {
    return new Cancellation(
      signal,
      inherit ? this.#chain() : undefined,
      inherit ? earlier(this.deadline, deadline) : deadline,
      this.#budget,
    );
  }

  #chain(): Cancellation | undefined {
    return this.#own !== undefined ? this : this.#parent;
  }

  /** The combined signal of the chain, built when first read; `undefined` when nothing can abort. */
  get signal(): AbortSignal | undefined {
    if (this.#combined !== undefined) return this.#combined;
    const signals: AbortSignal[] = [];
    for (let c: Cancellation | undefined = this; c !== undefined; c = c.#parent) {
      const own = c.#own instanceof AbortSignal ? c.#own : c.#own?.signal;
      if (own !== undefined && !signals.includes(own)) signals.push(own);
    }
    if (signals.length === 0) return undefined;
    this.#combined = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    return this.#combined;
  }

  get isCancelled(): boolean {
    return (
      this.#aborted() !== undefined ||
      (this.deadline !== undefined && Date.now() >= this.deadline) ||
      this.#budget?.isExhausted === true
    );
  }

  throwIfCancelled(): void {
    const aborted = this.#aborted();
    if (aborted !== undefined) throw toCancellationError(aborted.reason);
    this.#budget?.check();
    if (this.deadline !== undefined && Date.now() >= this.deadline) {
      throw new DeadlineExceededError({ deadline: this.deadline });
    }
  }

  remainingMs(): number {
    return this.deadline === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.deadline - Date.now());
  }

  #aborted(): AbortSignal | AbortScope | undefined {
    for (let c: Cancellation | undefined = this; c !== undefined; c = c.#parent) {
      if (c.#own?.aborted === true) return c.#own;
    }
    return undefined;
  }
}

/** A context's budget from its init: the given one, or a new one from limits. */
export function initialBudget(budget: BudgetLimits | Budget | undefined): Budget | undefined {
  if (budget === undefined) return undefined;
  return budget instanceof Budget ? budget : new Budget(budget);
}

/** A child's budget: a sub-budget of the parent's, or (given a Budget) that budget itself. */
function subBudget(parent: Budget | undefined, limits: BudgetLimits | Budget): Budget {
  if (limits instanceof Budget) return limits;
  return parent === undefined ? new Budget(limits) : parent.sub(limits);
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
