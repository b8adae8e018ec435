import { type CircuitSnapshot, CLOSED, type Transition } from './circuit-state.js';

/**
 * Where circuit state lives. The in-memory store is the default; a shared store (Redis, in
 * `@tta/primitives/redis`) lets every replica see the same circuit. Methods may answer
 * synchronously or with a promise.
 */
export interface CircuitBreakerStore {
  /** The current snapshot of circuit `key` (closed if unknown). */
  get(key: string): CircuitSnapshot | Promise<CircuitSnapshot>;
  /**
   * Atomically replaces the snapshot of `key` by `transition(current).next` and returns
   * `[previous, transition's result]`. Must not interleave with another update of the same key.
   */
  update<T>(
    key: string,
    transition: (current: CircuitSnapshot) => Transition<T>,
  ): [CircuitSnapshot, T] | Promise<[CircuitSnapshot, T]>;
  /** Sets `key` back to closed. */
  reset(key: string): void | Promise<void>;
}

/**
 * The default store: a `Map` in this process. Synchronous, so a closed circuit adds no awaits.
 *
 * @example
 * ```ts
 * const store = new InMemoryCircuitBreakerStore();
 * const a = new CircuitBreakerPrimitive(callA, { store, key: 'provider-x' });
 * const b = new CircuitBreakerPrimitive(callB, { store, key: 'provider-x' }); // same circuit
 * ```
 */
export class InMemoryCircuitBreakerStore implements CircuitBreakerStore {
  readonly #circuits = new Map<string, CircuitSnapshot>();

  get(key: string): CircuitSnapshot {
    return this.#circuits.get(key) ?? CLOSED;
  }

  update<T>(
    key: string,
    transition: (current: CircuitSnapshot) => Transition<T>,
  ): [CircuitSnapshot, T] {
    const current = this.get(key);
    const { next, result } = transition(current);
    if (next !== current) this.#circuits.set(key, next);
    return [current, result];
  }

  reset(key: string): void {
    this.#circuits.delete(key);
  }
}
