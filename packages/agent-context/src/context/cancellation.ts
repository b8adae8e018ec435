import type { AbortScope } from '../abort-scope.js';
import { Budget, type BudgetLimits } from '../budget.js';
import { toCancellationError } from '../errors/cancellation.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import { follow } from '../follow-abort.js';

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
  // What `signal` set up to follow its sources, the deadline and the budget: undone by dispose().
  #watching: (() => void)[] | undefined;

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

  /**
   * The signal that aborts when any signal of the chain does, when the deadline passes (reason
   * `DeadlineExceededError`) or when the budget is spent, by this context or any other sharing it
   * (reason `BudgetExceededError`). Built when first read, with one timer for the deadline and one
   * listener per source, all removed by `dispose()` (not `AbortSignal.any`, which on Node 20 keeps
   * every combined signal registered on a long-lived source). `undefined` when nothing can abort.
   */
  get signal(): AbortSignal | undefined {
    if (this.#combined !== undefined) return this.#combined;
    const sources: AbortSignal[] = [];
    for (let c: Cancellation | undefined = this; c !== undefined; c = c.#parent) {
      const own = c.#own instanceof AbortSignal ? c.#own : c.#own?.signal;
      if (own !== undefined && !sources.includes(own)) sources.push(own);
    }
    const budget = this.#budget;
    const watchBudget = budget !== undefined && hasSpendingLimit(budget);
    if (sources.length === 0 && this.deadline === undefined && !watchBudget) return undefined;
    if (sources.length === 1 && this.deadline === undefined && !watchBudget) {
      this.#combined = sources[0];
      return this.#combined;
    }
    const controller = new AbortController();
    this.#combined = controller.signal;
    const watching: (() => void)[] = [];
    this.#watching = watching;
    const abort = (reason: unknown) => {
      this.dispose();
      if (!controller.signal.aborted) controller.abort(reason);
    };
    for (const source of sources) {
      if (source.aborted) {
        abort(source.reason);
        return controller.signal;
      }
      watching.push(follow(source, () => abort(source.reason)));
    }
    if (this.deadline !== undefined) {
      const deadline = this.deadline;
      const expired = () => abort(new DeadlineExceededError({ deadline }));
      const ms = deadline - Date.now();
      if (ms <= 0) {
        expired();
        return controller.signal;
      }
      const timer = setTimeout(expired, ms);
      // A context's deadline never keeps the process alive.
      (timer as { unref?: () => void }).unref?.();
      watching.push(() => clearTimeout(timer));
    }
    if (budget !== undefined && watchBudget) {
      const spent = budget.exceeded();
      if (spent !== undefined) abort(spent);
      else watching.push(budget.onExhausted(abort));
    }
    return controller.signal;
  }

  /**
   * Stops following the sources, the deadline and the budget (removes the listeners and clears
   * the timer that reading `signal` set up). The signal keeps its state. Idempotent.
   */
  dispose(): void {
    const watching = this.#watching;
    if (watching === undefined) return;
    this.#watching = undefined;
    for (const stop of watching) stop();
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

function hasSpendingLimit(budget: Budget): boolean {
  // Any budget in the chain with a token or cost limit can be spent by a sibling.
  return (
    budget.remaining.tokens !== Number.POSITIVE_INFINITY ||
    budget.remaining.costUsd !== Number.POSITIVE_INFINITY
  );
}
