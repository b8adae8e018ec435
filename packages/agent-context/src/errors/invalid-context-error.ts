import { TtaError } from './tta-error.js';

/**
 * Context data from outside (constructor options, `fromJSON`) was not valid.
 * `field` names the offending property.
 *
 * @example
 * ```ts
 * WorkflowContext.create({ traceId: 'nope' }); // throws InvalidContextError (field: 'traceId')
 * ```
 */
export class InvalidContextError extends TtaError {
  /** The property that failed validation. */
  readonly field: string;
  /** What is wrong with it (`'must be a string'`). */
  readonly reason: string;

  constructor(details: { field: string; reason: string }, options?: ErrorOptions) {
    super(
      'INVALID_CONTEXT',
      `Invalid workflow context: ${details.field} ${details.reason}`,
      options,
    );
    this.name = 'InvalidContextError';
    this.field = details.field;
    this.reason = details.reason;
  }
}
