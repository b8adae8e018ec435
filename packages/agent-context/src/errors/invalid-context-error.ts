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

  constructor(field: string, message: string, options?: ErrorOptions) {
    super('INVALID_CONTEXT', `Invalid workflow context: ${field} ${message}`, options);
    this.name = 'InvalidContextError';
    this.field = field;
  }
}
