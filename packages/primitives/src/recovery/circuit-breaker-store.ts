import type {
  CircuitOperation,
  CircuitOutcome,
  CircuitPolicy,
  CircuitSnapshot,
} from './circuit-state.js';
import { applyOperation, CLOSED } from './circuit-state.js';

/**
 * Where circuit state lives. The in-memory store is the default; `RedisCircuitBreakerStore` (in
 * `@tta/primitives/redis`) lets every replica see the same circuit. `apply` must be atomic per
 * key and follow `applyOperation`'s semantics. Methods may answer synchronously or with a promise.
 *
 * @example
 * ```ts
 * const store: CircuitBreakerStore = new RedisCircuitBreakerStore({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export interface CircuitBreakerStore {
  /** The current snapshot of circuit `key` (closed if unknown). */
  get(key: string): CircuitSnapshot | Promise<CircuitSnapshot>;
  /**
   * The snapshot, synchronously, if the store can tell without I/O. Lets a breaker skip the store
   * entirely on a closed circuit. Omit it in stores that live elsewhere.
   */
  peek?(key: string): CircuitSnapshot;
  /** Atomically applies `operation` to circuit `key` at time `now` (epoch ms). */
  apply(
    key: string,
    operation: CircuitOperation,
    policy: CircuitPolicy,
    now: number,
  ): CircuitOutcome | Promise<CircuitOutcome>;
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

  peek(key: string): CircuitSnapshot {
    return this.get(key);
  }

  apply(
    key: string,
    operation: CircuitOperation,
    policy: CircuitPolicy,
    now: number,
  ): CircuitOutcome {
    const current = this.get(key);
    const { next, result } = applyOperation(current, operation, policy, now);
    if (next !== current) this.#circuits.set(key, next);
    return {
      previous: current.state,
      next: next.state,
      admission: result,
      failures: next.failures,
    };
  }

  reset(key: string): void {
    this.#circuits.delete(key);
  }
}
