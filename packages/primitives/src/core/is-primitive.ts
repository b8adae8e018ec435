import type { AnyPrimitive } from './types.js';

/** Marks primitives from every loaded copy of the package (ESM and CommonJS builds alike). */
export const PRIMITIVE_BRAND: unique symbol = Symbol.for('tta.primitive') as never;

/**
 * True for a primitive from any loaded copy of `@tta/primitives`.
 *
 * @example
 * ```ts
 * if (isWorkflowPrimitive(value)) await value.execute(input);
 * ```
 */
export function isWorkflowPrimitive(value: unknown): value is AnyPrimitive {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [PRIMITIVE_BRAND]?: unknown })[PRIMITIVE_BRAND] === true
  );
}
