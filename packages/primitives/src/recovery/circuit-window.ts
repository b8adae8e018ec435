// The sliding window of a failure-rate circuit breaker: a ring of slots, each counting calls and
// failures. By time, a slot is a tenth of `windowMs` and the window slides a slot at a time; by
// count, a slot is one call and the window is the last `windowSlots` calls. One structure for both:
// a "tick" is the current slot's number (time / slot width, or the call count), and moving to a
// later tick empties the slots passed over. `redis/redis-circuit-breaker-store.ts` runs the same
// steps in Lua; the store contract compares the two call by call.

/**
 * The window's counts, as stored in a circuit's snapshot.
 *
 * @example
 * ```ts
 * const w: CircuitWindow = { tick: 0, calls: [0, 0], failures: [0, 0] };
 * ```
 */
export interface CircuitWindow {
  /** The number of the newest slot. */
  readonly tick: number;
  /** Calls per slot (slot = tick modulo the slot count). */
  readonly calls: readonly number[];
  /** Failed calls per slot. */
  readonly failures: readonly number[];
}

/** The window's shape, from the policy. */
export interface WindowShape {
  /** The window's length in ms; 0: a window of the last `windowSlots` calls. */
  readonly windowMs: number;
  /** Slots in the ring: 10 for a time window, the call count for a count window. */
  readonly windowSlots: number;
}

/** Slots of a time window: it slides in tenths. */
export const TIME_WINDOW_SLOTS = 10;

/** The window after recording one call, and its totals. */
export function recordInWindow(
  window: CircuitWindow | undefined,
  failed: boolean,
  shape: WindowShape,
  now: number,
): { window: CircuitWindow; calls: number; failures: number } {
  const slots = shape.windowSlots;
  const byTime = shape.windowMs > 0;
  const fresh = window === undefined || window.calls.length !== slots;
  const calls = fresh ? new Array<number>(slots).fill(0) : [...window.calls];
  const failures = fresh ? new Array<number>(slots).fill(0) : [...window.failures];
  const timeTick = byTime ? Math.floor(now / (shape.windowMs / slots)) : 0;
  const previous = fresh ? (byTime ? timeTick : 0) : window.tick;
  // A clock that went back records into the newest slot rather than rewriting history.
  const tick = Math.max(previous, byTime ? timeTick : previous + 1);
  for (let t = 1, gap = Math.min(tick - previous, slots); t <= gap; t++) {
    const slot = (previous + t) % slots;
    calls[slot] = 0;
    failures[slot] = 0;
  }
  const slot = tick % slots;
  calls[slot] = (calls[slot] as number) + 1;
  if (failed) failures[slot] = (failures[slot] as number) + 1;
  let totalCalls = 0;
  let totalFailures = 0;
  for (let i = 0; i < slots; i++) {
    totalCalls += calls[i] as number;
    totalFailures += failures[i] as number;
  }
  return { window: { tick, calls, failures }, calls: totalCalls, failures: totalFailures };
}

/** Whether `value` is a well-formed window (stored data is checked before it is trusted). */
export function isCircuitWindow(value: unknown): value is CircuitWindow {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Record<string, unknown>;
  const counts = (a: unknown): a is number[] =>
    Array.isArray(a) && a.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
  return (
    Number.isSafeInteger(w.tick) &&
    (w.tick as number) >= 0 &&
    counts(w.calls) &&
    counts(w.failures) &&
    w.calls.length === w.failures.length &&
    w.calls.length > 0
  );
}
