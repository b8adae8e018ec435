import type { AnyPrimitive } from './types.js';

/**
 * Sequential and parallel composition are subclasses of the base class, so the base class reaches
 * them through this table (filled in by their modules) instead of importing them in a cycle.
 */
export interface CompositionFactories {
  sequence(steps: readonly AnyPrimitive[]): AnyPrimitive;
  appendBranch(self: AnyPrimitive, branch: AnyPrimitive): AnyPrimitive;
  retry(inner: AnyPrimitive, options: unknown): AnyPrimitive;
  timeout(inner: AnyPrimitive, options: unknown): AnyPrimitive;
  fallback(primary: AnyPrimitive, fallbacks: readonly AnyPrimitive[]): AnyPrimitive;
  circuitBreaker(inner: AnyPrimitive, options: unknown): AnyPrimitive;
  bulkhead(inner: AnyPrimitive, options: unknown): AnyPrimitive;
  rateLimit(inner: AnyPrimitive, options: unknown): AnyPrimitive;
}

const factories: Partial<CompositionFactories> = {};

export function provideComposition<K extends keyof CompositionFactories>(
  key: K,
  factory: CompositionFactories[K],
): void {
  factories[key] = factory;
}

export function composition<K extends keyof CompositionFactories>(key: K): CompositionFactories[K] {
  const factory = factories[key];
  if (factory === undefined) throw new Error(`@tta/primitives: ${key} composition is not loaded`);
  return factory;
}
