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
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  constructor(bulkheadName: string, maxConcurrent: number, maxQueue: number) {
    super(
      'BULKHEAD_REJECTED',
      `${bulkheadName}: ${maxConcurrent} running and ${maxQueue} queued; call rejected`,
    );
    this.name = 'BulkheadRejectedError';
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }
}
