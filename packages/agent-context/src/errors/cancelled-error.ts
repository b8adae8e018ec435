import { TtaError } from './tta-error.js';

/**
 * The work was cancelled through its `AbortSignal`. `cause` is the signal's abort reason.
 *
 * @example
 * ```ts
 * controller.abort();
 * await expect(step.execute(x, ctx)).rejects.toBeInstanceOf(CancelledError);
 * ```
 */
export class CancelledError extends TtaError {
  constructor(details?: { message?: string | undefined }, options?: ErrorOptions) {
    super('CANCELLED', details?.message ?? 'The workflow was cancelled', options);
    this.name = 'CancelledError';
  }
}
