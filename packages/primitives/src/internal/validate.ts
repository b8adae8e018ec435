import { isWorkflowPrimitive } from '../core/is-primitive.js';

// Construction-time option checks: a clear TypeError/RangeError naming the primitive and option.

export function requireFunction(owner: string, option: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${owner}: ${option} must be a function`);
}

export function requirePrimitive(owner: string, option: string, value: unknown): void {
  if (!isWorkflowPrimitive(value)) throw new TypeError(`${owner}: ${option} must be a primitive`);
}

export function integerAtLeast(owner: string, option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${owner}: ${option} must be an integer >= ${min} (got ${String(value)})`);
  }
  return value;
}

export function finiteAtLeast(owner: string, option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `${owner}: ${option} must be a finite number >= ${min} (got ${String(value)})`,
    );
  }
  return value;
}

export function positiveFinite(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${owner}: ${option} must be a finite number > 0 (got ${String(value)})`);
  }
  return value;
}
