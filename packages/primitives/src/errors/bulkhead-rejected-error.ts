import { TtaError } from '@tta/agent-context';

/**
 * A bulkhead was full (all `maxConcurrent` slots busy and `maxQueue` callers waiting).
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof BulkheadRejectedError) res.status(503).end(); }
 * ```
 */
export class BulkheadRejectedError extends TtaError {
  /** The bulkhead's name. */
  readonly bulkhead: string;
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  constructor(
    details: { bulkhead: string; maxConcurrent: number; maxQueue: number },
    options?: ErrorOptions,
  ) {
    const { bulkhead, maxConcurrent, maxQueue } = details;
    super(
      'BULKHEAD_REJECTED',
      `${bulkhead}: ${maxConcurrent} running and ${maxQueue} queued; call rejected`,
      options,
    );
    this.name = 'BulkheadRejectedError';
    this.bulkhead = bulkhead;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    BULKHEAD_REJECTED: BulkheadRejectedError;
  }
}
