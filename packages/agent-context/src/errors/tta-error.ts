import type { BudgetExceededError } from './budget-exceeded-error.js';
import type { CancelledError } from './cancelled-error.js';
import type { DeadlineExceededError } from './deadline-exceeded-error.js';
import type { InvalidContextError } from './invalid-context-error.js';
import type { MessageTooLargeError } from './message-too-large-error.js';
import type { StoreDataError } from './store-data-error.js';

const BRAND = Symbol.for('tta.error');

/**
 * Every TTA.dev error code, mapped to the error class that carries it. Open to extension: other
 * packages (and your code) add codes by declaration merging, and {@link isTtaError} then narrows
 * to the right class.
 *
 * @example
 * ```ts
 * declare module '@tta/agent-context' {
 *   interface TtaErrorCodes { QUOTA_EXCEEDED: QuotaError }
 * }
 * class QuotaError extends TtaError { constructor() { super('QUOTA_EXCEEDED', 'Quota exceeded'); } }
 * ```
 */
export interface TtaErrorCodes {
  BUDGET_EXCEEDED: BudgetExceededError;
  CANCELLED: CancelledError;
  DEADLINE_EXCEEDED: DeadlineExceededError;
  INVALID_CONTEXT: InvalidContextError;
  MESSAGE_TOO_LARGE: MessageTooLargeError;
  STORE_DATA_INVALID: StoreDataError;
}

/**
 * A TTA.dev error code: one of {@link TtaErrorCodes}' keys (or a code of your own).
 *
 * @example
 * ```ts
 * const code: TtaErrorCode = 'CANCELLED';
 * ```
 */
// `string & {}` keeps the union open without collapsing it into `string` (autocomplete stays).
export type TtaErrorCode = keyof TtaErrorCodes | (string & {});

/**
 * Base class of every error thrown by TTA.dev packages.
 *
 * `code` is a stable string (for logs, metrics and `switch`); `cause` carries the underlying error.
 * Subclasses take `(details, options?)`: the details become readonly fields. Use
 * {@link isTtaError} rather than `instanceof` when two copies of a package may be loaded (for
 * example an ESM and a CommonJS install of the same version).
 *
 * @example
 * ```ts
 * try { await workflow.execute(input); }
 * catch (error) { if (isTtaError(error, 'ROUTE_NOT_FOUND')) console.warn(error.message); }
 * ```
 */
export class TtaError extends Error {
  readonly code: TtaErrorCode;

  constructor(code: TtaErrorCode, message: string, options?: ErrorOptions) {
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
 * optionally with the given `code` (then narrowed to that code's class).
 *
 * @example
 * ```ts
 * if (isTtaError(error, 'CIRCUIT_OPEN')) await sleep(error.retryAfterMs);
 * ```
 */
export function isTtaError<C extends keyof TtaErrorCodes>(
  value: unknown,
  code: C,
): value is TtaErrorCodes[C];
export function isTtaError(value: unknown, code?: TtaErrorCode): value is TtaError;
export function isTtaError(value: unknown, code?: TtaErrorCode): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as TtaError).code === code;
}
