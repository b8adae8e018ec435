import { TtaError } from './tta-error.js';

/**
 * Data read from a store is corrupt or was not written by a TTA.dev store. Never silently
 * dropped: the caller decides (delete it, or fix the writer).
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof StoreDataError) await store.delete(error.key); }
 * ```
 */
export class StoreDataError extends TtaError {
  readonly key: string;
  /** What is wrong with the data. */
  readonly reason: string;

  constructor(details: { key: string; reason: string }, options?: ErrorOptions) {
    super(
      'STORE_DATA_INVALID',
      `Stored data for "${details.key}" is not a valid TTA.dev entry: ${details.reason}`,
      options,
    );
    this.name = 'StoreDataError';
    this.key = details.key;
    this.reason = details.reason;
  }
}
