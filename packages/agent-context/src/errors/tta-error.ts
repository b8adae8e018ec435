const BRAND = Symbol.for('tta.error');

/**
 * Base class of every error thrown by TTA.dev packages.
 *
 * `code` is a stable string (for logs, metrics and `switch`); `cause` carries the underlying error.
 * Use {@link isTtaError} rather than `instanceof` when two copies of a package may be loaded
 * (for example an ESM and a CommonJS install of the same version).
 *
 * @example
 * ```ts
 * try { await workflow.execute(input); }
 * catch (error) { if (isTtaError(error, 'ROUTE_NOT_FOUND')) console.warn(error.message); }
 * ```
 */
export class TtaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'TtaError';
  }

  static {
    Object.defineProperty(TtaError.prototype, BRAND, { value: true });
  }
}

/**
 * True when `value` is a {@link TtaError} from any loaded copy of the TTA.dev packages,
 * optionally with the given `code`.
 *
 * @example
 * ```ts
 * if (isTtaError(error, 'CANCELLED')) return;
 * ```
 */
export function isTtaError(value: unknown, code?: string): value is TtaError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as TtaError).code === code;
}
