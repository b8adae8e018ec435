import type { CircuitState } from '../hooks/events.js';
import { evaluateRules } from './circuit-rules.js';
import { type CircuitWindow, isCircuitWindow } from './circuit-window.js';

/**
 * The stored state of one circuit. Plain JSON, so any store can keep it.
 *
 * @example
 * ```ts
 * const snapshot = await store.get('provider'); // { state: 'open', failures: 5, openedAt, … }
 * ```
 */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  /** Consecutive failures while closed. */
  readonly failures: number;
  /** Successful trial calls while half-open. */
  readonly successes: number;
  /** Trial calls in flight while half-open. */
  readonly inFlight: number;
  /** Epoch ms the circuit last opened, or went half-open (0 if never). */
  readonly openedAt: number;
  /**
   * Calls and failures in the sliding window, while closed with a failure-rate policy. Emptied
   * whenever the state changes. Absent: nothing recorded.
   */
  readonly window?: CircuitWindow | undefined;
}

/**
 * The thresholds the state machine applies.
 *
 * @example
 * ```ts
 * const policy: CircuitPolicy = { failureThreshold: 5, recoveryTimeoutMs: 60_000, successThreshold: 2, halfOpenMaxCalls: 1 };
 * ```
 */
export interface CircuitPolicy {
  /** Consecutive failures that open the circuit (`Infinity`: not counted). */
  readonly failureThreshold: number;
  readonly recoveryTimeoutMs: number;
  readonly successThreshold: number;
  readonly halfOpenMaxCalls: number;
  /** Failure rate, in percent of the window's calls, that opens the circuit. Default: 0 (off). */
  readonly failureRatePercent?: number | undefined;
  /** Calls the window must hold before its rate counts. Default: 0. */
  readonly minimumCalls?: number | undefined;
  /** The window's length in ms; 0: a window of the last `windowSlots` calls. Default: 0. */
  readonly windowMs?: number | undefined;
  /** Slots in the window's ring (10 for a time window, the call count for a count window). */
  readonly windowSlots?: number | undefined;
}

/**
 * The snapshot of a closed circuit with nothing recorded: what stores return for unknown keys.
 *
 * @example
 * ```ts
 * get(key) { return this.map.get(key) ?? CLOSED; }
 * ```
 */
export const CLOSED: CircuitSnapshot = Object.freeze({
  state: 'closed',
  failures: 0,
  successes: 0,
  inFlight: 0,
  openedAt: 0,
});

/**
 * What a transition decided, beside the next snapshot.
 *
 * @example
 * ```ts
 * const { next, result }: Transition<Admission> = admit(snapshot, policy, Date.now());
 * ```
 */
export interface Transition<T> {
  readonly next: CircuitSnapshot;
  readonly result: T;
}

/**
 * Admission: may a call run now? `retryAfterMs` when not.
 *
 * @example
 * ```ts
 * const admission = await store.apply(key, { kind: 'admit' }, policy, now).then((o) => o.admission);
 * if (!admission.allowed) throw new CircuitOpenError({ circuit: key, retryAfterMs: admission.retryAfterMs });
 * ```
 */
export type Admission =
  | { readonly allowed: true; readonly trial: boolean }
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Decides whether a call may start; moves open → half-open once the recovery time has passed.
 *
 * @example
 * ```ts
 * const { next, result } = admit(snapshot, policy, Date.now()); // result.allowed?
 * ```
 */
export function admit(
  s: CircuitSnapshot,
  policy: CircuitPolicy,
  now: number,
): Transition<Admission> {
  return applyOperation(s, ADMIT, policy, now);
}

/**
 * Records a success. Closed: resets the failure count. Half-open: enough successes close it.
 *
 * @example
 * ```ts
 * const next = recordSuccess(snapshot, policy, admission.trial);
 * ```
 */
export function recordSuccess(
  s: CircuitSnapshot,
  policy: CircuitPolicy,
  trial: boolean,
  now = Date.now(),
): CircuitSnapshot {
  return applyOperation(s, { kind: 'success', trial }, policy, now).next;
}

/**
 * Records a failure. Closed: enough consecutive failures open it. Half-open: a failed trial reopens it.
 *
 * @example
 * ```ts
 * const next = recordFailure(snapshot, policy, false, Date.now());
 * ```
 */
export function recordFailure(
  s: CircuitSnapshot,
  policy: CircuitPolicy,
  trial: boolean,
  now: number,
): CircuitSnapshot {
  return applyOperation(s, { kind: 'failure', trial }, policy, now).next;
}

const ADMIT: CircuitOperation = Object.freeze({ kind: 'admit' });
// Releasing a trial reads no threshold.
const RELEASE_POLICY: CircuitPolicy = Object.freeze({
  failureThreshold: 1,
  recoveryTimeoutMs: 0,
  successThreshold: 1,
  halfOpenMaxCalls: 1,
});

/**
 * Frees a trial slot without judging the call (it ended in an error that is not a failure).
 *
 * @example
 * ```ts
 * const next = releaseTrial(snapshot, true); // a trial ended in an error that is not a failure
 * ```
 */
export function releaseTrial(s: CircuitSnapshot, trial: boolean): CircuitSnapshot {
  return applyOperation(s, { kind: 'release', trial }, RELEASE_POLICY, 0).next;
}

/**
 * What a breaker asks its store to do.
 *
 * @example
 * ```ts
 * await store.apply('provider', { kind: 'failure', trial: false }, policy, Date.now());
 * ```
 */
export type CircuitOperation =
  | { readonly kind: 'admit' }
  | { readonly kind: 'success'; readonly trial: boolean }
  | { readonly kind: 'failure'; readonly trial: boolean }
  | { readonly kind: 'release'; readonly trial: boolean };

/**
 * What a store reports after applying an operation.
 *
 * @example
 * ```ts
 * const { previous, next, admission } = await store.apply('provider', { kind: 'admit' }, policy, Date.now());
 * ```
 */
export interface CircuitOutcome {
  readonly previous: CircuitState;
  readonly next: CircuitState;
  /** For `admit`: whether the call may run. Other operations report "allowed". */
  readonly admission: Admission;
  /** Consecutive failures after the operation (lets a breaker skip a no-op success update). */
  readonly failures?: number;
}

/**
 * Applies one operation to a snapshot: the reference semantics every store must implement.
 *
 * @example
 * ```ts
 * // A custom CircuitBreakerStore applies operations with the reference semantics:
 * const { next, result } = applyOperation(current, { kind: 'failure', trial: false }, policy, now);
 * ```
 */
export function applyOperation(
  s: CircuitSnapshot,
  op: CircuitOperation,
  policy: CircuitPolicy,
  now: number,
): Transition<Admission> {
  return evaluateRules(s, op, policy, now);
}

/**
 * True for a value shaped like a snapshot (for stores reading untrusted data).
 *
 * @example
 * ```ts
 * const stored = JSON.parse(text);
 * if (!isCircuitSnapshot(stored)) throw new Error('corrupt circuit state');
 * ```
 */
export function isCircuitSnapshot(value: unknown): value is CircuitSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.state === 'closed' || v.state === 'open' || v.state === 'half-open') &&
    [v.failures, v.successes, v.inFlight, v.openedAt].every(
      (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0,
    ) &&
    (v.window === undefined || isCircuitWindow(v.window))
  );
}
