/**
 * Every alternative of a `FallbackPrimitive` failed. An `AggregateError` whose `errors` are the
 * failures in the order tried (primary first); `cause` is the last one. Has `code`
 * `'FALLBACK_EXHAUSTED'` and passes `isTtaError`, though it extends `AggregateError`, not `TtaError`.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof FallbackError) error.errors.forEach((e) => log(e)); }
 * ```
 */
export class FallbackError extends AggregateError {
  readonly code = 'FALLBACK_EXHAUSTED';
  /** Names of the alternatives tried, in order (matching `errors`). */
  readonly attempted: readonly string[];

  constructor(fallbackName: string, errors: readonly unknown[], attempted: readonly string[]) {
    super(
      errors,
      `${fallbackName}: all ${errors.length} alternatives failed (${attempted.join(', ')})`,
      {
        cause: errors[errors.length - 1],
      },
    );
    this.name = 'FallbackError';
    this.attempted = attempted;
  }

  static {
    Object.defineProperty(FallbackError.prototype, Symbol.for('tta.error'), { value: true });
  }
}
