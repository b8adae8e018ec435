import { TtaError } from '@tta/agent-context';

/**
 * Every alternative of a `FallbackPrimitive` failed. Shaped like an `AggregateError`: `errors` are
 * the failures in the order tried (primary first), and `cause` is the last one.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof FallbackError) error.errors.forEach((e) => log(e)); }
 * ```
 */
export class FallbackError extends TtaError {
  /** The fallback step's name. */
  readonly fallback: string;
  /** The failures, in the order tried (matching `attempted`). */
  readonly errors: readonly unknown[];
  /** Names of the alternatives tried, in order (matching `errors`). */
  readonly attempted: readonly string[];

  constructor(
    details: { fallback: string; errors: readonly unknown[]; attempted: readonly string[] },
    options?: ErrorOptions,
  ) {
    const { fallback, errors, attempted } = details;
    super(
      'FALLBACK_EXHAUSTED',
      `${fallback}: all ${errors.length} alternatives failed (${attempted.join(', ')})`,
      { cause: errors[errors.length - 1], ...options },
    );
    this.name = 'FallbackError';
    this.fallback = fallback;
    this.errors = errors;
    this.attempted = attempted;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    FALLBACK_EXHAUSTED: FallbackError;
  }
}
