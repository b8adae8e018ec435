import { TtaError } from '@tta/agent-context';

/**
 * Thrown (and reported as a `cache-error`, then treated as a miss) when stored data is not ours.
 *
 * @example
 * ```ts
 * cache.execute(input); // a corrupt entry is reported as a `cache-error` event and treated as a miss
 * ```
 */
export class CorruptCacheEntryError extends TtaError {
  /** The (hashed) Redis key. */
  readonly key: string;
  /** What is wrong with the entry. */
  readonly reason: string;

  constructor(details: { key: string; reason: string }, options?: ErrorOptions) {
    super(
      'CACHE_ENTRY_CORRUPT',
      `Cache entry ${details.key} is not a valid entry: ${details.reason}`,
      options,
    );
    this.name = 'CorruptCacheEntryError';
    this.key = details.key;
    this.reason = details.reason;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    CACHE_ENTRY_CORRUPT: CorruptCacheEntryError;
  }
}
