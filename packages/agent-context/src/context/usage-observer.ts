import type { Usage } from '../budget.js';
import { createContextKey } from './context-key.js';

/**
 * A function told of every usage recorded (`ctx.recordUsage`) with a context that carries it, or
 * a context derived from one: what a step spent, exactly, even while its siblings spend the same
 * budget in parallel. Durable runs use it to journal each step's spending.
 *
 * @example
 * ```ts
 * let tokens = 0;
 * const ctx = parent.withValue(USAGE_OBSERVER, (u) => { tokens += (u.inputTokens ?? 0) + (u.outputTokens ?? 0); });
 * await step.execute(input, ctx);
 * ```
 */
export const USAGE_OBSERVER = createContextKey<(usage: Usage) => void>('tta.usage-observer');
