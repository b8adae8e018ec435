import { isWorkflowPrimitive } from '../core/is-primitive.js';

// Construction-time option checks: a clear TypeError/RangeError naming the primitive and option.

export function requireFunction(owner: string, option: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${owner}: ${option} must be a function`);
}

export function requirePrimitive(owner: string, option: string, value: unknown): void {
  if (!isWorkflowPrimitive(value)) throw new TypeError(`${owner}: ${option} must be a primitive`);
}
