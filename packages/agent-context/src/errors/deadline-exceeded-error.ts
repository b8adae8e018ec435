import { TtaError } from './tta-error.js';

/**
 * The context's `deadline` (epoch milliseconds) passed before the step started.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create({ deadline: Date.now() - 1 });
 * ctx.throwIfCancelled(); // throws DeadlineExceededError
 * ```
 */
export class DeadlineExceededError extends TtaError {
  /** The deadline that passed, in epoch milliseconds. */
  readonly deadline: number;

  constructor(details: { deadline: number }, options?: ErrorOptions) {
    const { deadline } = details;
    super(
      'DEADLINE_EXCEEDED',
      `The workflow deadline (${new Date(deadline).toISOString()}) has passed`,
      options,
    );
    this.name = 'DeadlineExceededError';
    this.deadline = deadline;
  }
}
