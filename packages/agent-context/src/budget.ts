// One file on purpose: a Budget's limits, its spending, its sub-budgets and its JSON form share
// private state, and half of the length is the documentation of the public API.
import { BudgetExceededError, type BudgetLimit } from './errors/budget-exceeded-error.js';
import { InvalidContextError } from './errors/invalid-context-error.js';

/**
 * The limits of a {@link Budget}. Every limit is optional; an absent one is unlimited.
 *
 * @example
 * ```ts
 * const limits: BudgetLimits = { maxTokens: 20_000, maxCostUsd: 0.5, maxDurationMs: 60_000 };
 * ```
 */
export interface BudgetLimits {
  /** Input + output tokens. */
  maxTokens?: number | undefined;
  /** Money, in US dollars. */
  maxCostUsd?: number | undefined;
  /** Wall time from the budget's start, in ms (also a deadline for the context). */
  maxDurationMs?: number | undefined;
}

/**
 * One model call's usage, as steps record it with `ctx.recordUsage()`.
 *
 * @example
 * ```ts
 * ctx.recordUsage({ inputTokens: 1200, outputTokens: 300, costUsd: 0.0042, model: 'gpt-4o-mini' });
 * ```
 */
export interface Usage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  costUsd?: number | undefined;
  /** The model, for the per-model breakdown. */
  model?: string | undefined;
}

/**
 * What has been spent.
 *
 * @example
 * ```ts
 * const { tokens, costUsd, byModel } = ctx.budget?.spent ?? { tokens: 0, costUsd: 0, byModel: {} };
 * ```
 */
export interface BudgetSpent {
  inputTokens: number;
  outputTokens: number;
  /** inputTokens + outputTokens */
  tokens: number;
  costUsd: number;
  durationMs: number;
  /** Tokens and cost per model. */
  byModel: Record<string, { tokens: number; costUsd: number; calls: number }>;
}

/**
 * What is left (`Infinity` for an absent limit, never below 0).
 *
 * @example
 * ```ts
 * if ((ctx.budget?.remaining.tokens ?? Infinity) < 2000) prompt = shorten(prompt);
 * ```
 */
export interface BudgetRemaining {
  tokens: number;
  costUsd: number;
  durationMs: number;
}

/**
 * The JSON form of a budget (limits, start and spending, not the parent link).
 *
 * @example
 * ```ts
 * await store.set(`budget:${customer}`, ctx.budget?.toJSON());
 * ```
 */
export interface BudgetJSON {
  limits: BudgetLimits;
  startTime: number;
  spent: Omit<BudgetSpent, 'durationMs'>;
}

function limit(field: keyof BudgetLimits, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0) || Number.isNaN(value)) {
    throw new InvalidContextError({ field: `budget.${field}`, reason: 'must be a number >= 0' });
  }
  return value;
}

function amount(field: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidContextError({
      field: `usage.${field}`,
      reason: 'must be a finite number >= 0',
    });
  }
  return value;
}

/**
 * What an agent run may spend: tokens, money and wall time. Shared by a context and its children;
 * a child may get a sub-budget ({@link Budget.sub}) whose spending also counts against its parent.
 * Spending past a limit is allowed (a call in flight cannot be undone), but once a limit is reached
 * the budget is exhausted and the next step that checks it fails with `BudgetExceededError`.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ budget: { maxTokens: 20_000, maxCostUsd: 0.5, maxDurationMs: 60_000 } });
 * ctx.recordUsage({ inputTokens: 1200, outputTokens: 300, costUsd: 0.004, model: 'gpt-4o-mini' });
 * ctx.budget?.remaining; // { tokens: 18500, costUsd: 0.496, durationMs: … }
 * ```
 */
export class Budget {
  readonly limits: Readonly<BudgetLimits>;
  /** Epoch ms the budget started (its duration counts from here). */
  readonly startTime: number;
  readonly #parent: Budget | undefined;
  #inputTokens = 0;
  #outputTokens = 0;
  #costUsd = 0;
  #byModel: Record<string, { tokens: number; costUsd: number; calls: number }> = {};
  // Told once when recorded spending reaches a limit of this budget (see onExhausted).
  #listeners: Set<(error: BudgetExceededError) => void> | undefined;
  #told = false;

  constructor(
    limits: BudgetLimits,
    options: { parent?: Budget | undefined; startTime?: number | undefined } = {},
  ) {
    if (typeof limits !== 'object' || limits === null)
      throw new InvalidContextError({ field: 'budget', reason: 'must be an object' });
    this.limits = Object.freeze({
      maxTokens: limit('maxTokens', limits.maxTokens),
      maxCostUsd: limit('maxCostUsd', limits.maxCostUsd),
      maxDurationMs: limit('maxDurationMs', limits.maxDurationMs),
    });
    this.#parent = options.parent;
    this.startTime = options.startTime ?? Date.now();
  }

  /** A budget inside this one: its own (usually smaller) limits, its spending counted here too. */
  sub(limits: BudgetLimits): Budget {
    return new Budget(limits, { parent: this });
  }

  /** Adds one call's usage (to this budget and every enclosing one). */
  record(usage: Usage): void {
    const input = amount('inputTokens', usage.inputTokens);
    const output = amount('outputTokens', usage.outputTokens);
    const cost = amount('costUsd', usage.costUsd);
    this.#inputTokens += input;
    this.#outputTokens += output;
    this.#costUsd += cost;
    if (usage.model !== undefined) {
      const entry = Object.hasOwn(this.#byModel, usage.model)
        ? this.#byModel[usage.model]
        : undefined;
      const next = {
        tokens: (entry?.tokens ?? 0) + input + output,
        costUsd: (entry?.costUsd ?? 0) + cost,
        calls: (entry?.calls ?? 0) + 1,
      };
      Object.defineProperty(this.#byModel, usage.model, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    this.#parent?.record(usage);
    if (this.#listeners !== undefined && !this.#told) {
      const error = this.#ownExceeded(false);
      if (error !== undefined) {
        this.#told = true;
        for (const listener of [...this.#listeners]) listener(error);
      }
    }
  }

  /**
   * Calls `listener` once when recorded spending reaches a token or cost limit of this budget or
   * of an enclosing one (a sibling sharing the parent can spend it). Returns the unsubscribe
   * function. Duration limits are deadlines: contexts time them themselves.
   *
   * @example
   * ```ts
   * const off = budget.onExhausted((error) => controller.abort(error));
   * ```
   */
  onExhausted(listener: (error: BudgetExceededError) => void): () => void {
    const offs: (() => void)[] = [];
    for (let b: Budget | undefined = this; b !== undefined; b = b.#parent) {
      const own = b;
      own.#listeners ??= new Set();
      own.#listeners.add(listener);
      offs.push(() => own.#listeners?.delete(listener));
    }
    return () => {
      for (const off of offs) off();
    };
  }

  /** This budget's own exceeded limit (tokens, cost and, unless `spendingOnly`, duration). */
  #ownExceeded(withDuration: boolean): BudgetExceededError | undefined {
    const { maxTokens, maxCostUsd, maxDurationMs } = this.limits;
    const tokens = this.#inputTokens + this.#outputTokens;
    if (maxTokens !== undefined && tokens >= maxTokens)
      return new BudgetExceededError({ limit: 'tokens', max: maxTokens, spent: tokens });
    if (maxCostUsd !== undefined && this.#costUsd >= maxCostUsd)
      return new BudgetExceededError({ limit: 'costUsd', max: maxCostUsd, spent: this.#costUsd });
    if (withDuration && maxDurationMs !== undefined) {
      const elapsed = Date.now() - this.startTime;
      if (elapsed >= maxDurationMs)
        return new BudgetExceededError({ limit: 'durationMs', max: maxDurationMs, spent: elapsed });
    }
    return undefined;
  }

  /** What has been spent against this budget. */
  get spent(): BudgetSpent {
    return {
      inputTokens: this.#inputTokens,
      outputTokens: this.#outputTokens,
      tokens: this.#inputTokens + this.#outputTokens,
      costUsd: this.#costUsd,
      durationMs: Date.now() - this.startTime,
      byModel: structuredClone(this.#byModel),
    };
  }

  /** What is left of this budget (the tightest of it and its enclosing budgets). */
  get remaining(): BudgetRemaining {
    const own = {
      tokens: left(this.limits.maxTokens, this.#inputTokens + this.#outputTokens),
      costUsd: left(this.limits.maxCostUsd, this.#costUsd),
      durationMs: left(this.limits.maxDurationMs, Date.now() - this.startTime),
    };
    if (this.#parent === undefined) return own;
    const parent = this.#parent.remaining;
    return {
      tokens: Math.min(own.tokens, parent.tokens),
      costUsd: Math.min(own.costUsd, parent.costUsd),
      durationMs: Math.min(own.durationMs, parent.durationMs),
    };
  }

  /** The epoch ms at which the duration limit (of this or an enclosing budget) runs out, if any. */
  get deadline(): number | undefined {
    const own =
      this.limits.maxDurationMs === undefined
        ? undefined
        : this.startTime + this.limits.maxDurationMs;
    const parent = this.#parent?.deadline;
    if (own === undefined) return parent;
    return parent === undefined ? own : Math.min(own, parent);
  }

  /** The first limit that is reached (here or in an enclosing budget), or undefined. */
  exceeded(): BudgetExceededError | undefined {
    return this.#ownExceeded(true) ?? this.#parent?.exceeded();
  }

  /** True once any limit (here or in an enclosing budget) is reached. */
  get isExhausted(): boolean {
    return this.exceeded() !== undefined;
  }

  /** Throws `BudgetExceededError` (with `cause`, if given) when exhausted. */
  check(cause?: unknown): void {
    const error = this.exceeded();
    if (error === undefined) return;
    if (cause !== undefined)
      throw new BudgetExceededError(
        { limit: error.limit, max: error.max, spent: error.spent },
        { cause },
      );
    throw error;
  }

  toJSON(): BudgetJSON {
    const { durationMs: _, ...spent } = this.spent;
    return { limits: { ...this.limits }, startTime: this.startTime, spent };
  }

  /** Rebuilds a budget from {@link Budget.toJSON}; invalid data throws `InvalidContextError`. */
  static fromJSON(json: unknown): Budget {
    const data = json as Partial<BudgetJSON> | null;
    if (
      typeof data !== 'object' ||
      data === null ||
      typeof data.limits !== 'object' ||
      data.limits === null
    ) {
      throw new InvalidContextError({
        field: 'budget',
        reason: 'must be { limits, startTime, spent }',
      });
    }
    if (typeof data.startTime !== 'number' || !Number.isFinite(data.startTime)) {
      throw new InvalidContextError({
        field: 'budget.startTime',
        reason: 'must be a finite number',
      });
    }
    const budget = new Budget(data.limits, { startTime: data.startTime });
    const spent = data.spent;
    if (spent !== undefined) {
      if (typeof spent !== 'object' || spent === null)
        throw new InvalidContextError({ field: 'budget.spent', reason: 'must be an object' });
      budget.#inputTokens = amount('inputTokens', spent.inputTokens);
      budget.#outputTokens = amount('outputTokens', spent.outputTokens);
      budget.#costUsd = amount('costUsd', spent.costUsd);
      if (spent.byModel !== undefined) {
        if (typeof spent.byModel !== 'object' || spent.byModel === null)
          throw new InvalidContextError({
            field: 'budget.spent.byModel',
            reason: 'must be an object',
          });
        for (const [model, entry] of Object.entries(spent.byModel)) {
          const tokens = amount(`byModel.${model}.tokens`, entry?.tokens);
          const costUsd = amount(`byModel.${model}.costUsd`, entry?.costUsd);
          const calls = amount(`byModel.${model}.calls`, entry?.calls);
          Object.defineProperty(budget.#byModel, model, {
            value: { tokens, costUsd, calls },
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      }
    }
    return budget;
  }
}

function left(max: number | undefined, used: number): number {
  return max === undefined ? Number.POSITIVE_INFINITY : Math.max(0, max - used);
}

export type { BudgetLimit };
