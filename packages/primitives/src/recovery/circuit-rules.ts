// The circuit breaker's state machine as one table. `circuit-state.ts` evaluates it in
// TypeScript and `redis/circuit-lua.ts` compiles it to the Lua that Redis runs, so the in-memory
// and the Redis circuit cannot drift apart. The first rule that matches an operation applies;
// when none does, nothing changes and the call is allowed. A failure-rate policy's window is
// updated before the rules run (they read its totals) and emptied when the state changes.
import type { CircuitState } from '../hooks/events.js';
import type {
  Admission,
  CircuitOperation,
  CircuitPolicy,
  CircuitSnapshot,
  Transition,
} from './circuit-state.js';
import { recordInWindow } from './circuit-window.js';

/**
 * The numbers a rule can read: the snapshot's fields, the policy's, the time, and the sliding
 * window's totals including the call being recorded (`windowCalls`, `windowFailures`; 0 when the
 * policy has no failure rate).
 *
 * @example
 * ```ts
 * const v: CircuitVar = 'inFlight';
 * ```
 */
export type CircuitVar =
  | 'failures'
  | 'successes'
  | 'inFlight'
  | 'openedAt'
  | 'now'
  | 'failureThreshold'
  | 'recoveryTimeoutMs'
  | 'successThreshold'
  | 'halfOpenMaxCalls'
  | 'failureRatePercent'
  | 'minimumCalls'
  | 'windowCalls'
  | 'windowFailures';

/**
 * Arithmetic over those numbers.
 *
 * @example
 * ```ts
 * const sinceOpened: CircuitExpr = ['-', 'now', 'openedAt'];
 * ```
 */
export type CircuitExpr =
  | number
  | CircuitVar
  | readonly ['+' | '-' | '*', CircuitExpr, CircuitExpr];

/**
 * A comparison, or both of two conditions.
 *
 * @example
 * ```ts
 * const waiting: CircuitCond = ['<', ['-', 'now', 'openedAt'], 'recoveryTimeoutMs'];
 * ```
 */
export type CircuitCond =
  | readonly ['<' | '>=' | '>', CircuitExpr, CircuitExpr]
  | readonly ['and', CircuitCond, CircuitCond];

/**
 * The snapshot fields a rule sets, all from the values before the rule (simultaneously).
 *
 * @example
 * ```ts
 * const reopen: CircuitSet = { state: 'open', inFlight: 0, openedAt: 'now' };
 * ```
 */
export interface CircuitSet {
  readonly state?: CircuitState;
  readonly failures?: CircuitExpr;
  readonly successes?: CircuitExpr;
  readonly inFlight?: CircuitExpr;
  readonly openedAt?: CircuitExpr;
}

/**
 * One transition of the table.
 *
 * @example
 * ```ts
 * const rule: CircuitRule = { op: 'release', state: 'half-open', trial: true, set: { inFlight: ['-', 'inFlight', 1] } };
 * ```
 */
export interface CircuitRule {
  readonly op: 'admit' | 'success' | 'failure' | 'release';
  readonly state: CircuitState;
  /** Only for a call admitted as a half-open trial. */
  readonly trial?: true;
  readonly when?: CircuitCond;
  readonly set?: CircuitSet;
  /** For `admit`: run as a trial, or refuse (with the wait). Default: allow, not a trial. */
  readonly result?: 'trial' | { readonly retryAfterMs: CircuitExpr };
}

const sinceOpened = ['-', 'now', 'openedAt'] as const;
const reopen: CircuitSet = { state: 'open', successes: 0, inFlight: 0, openedAt: 'now' };
const closed: CircuitSet = { state: 'closed', failures: 0, successes: 0, inFlight: 0, openedAt: 0 };

/**
 * The circuit breaker's transitions, first match wins: what `applyOperation` evaluates and what the
 * Redis store's Lua is compiled from.
 *
 * @example
 * ```ts
 * for (const rule of CIRCUIT_RULES) console.log(rule.op, rule.state, rule.result ?? 'allow');
 * ```
 */
export const CIRCUIT_RULES: readonly CircuitRule[] = [
  // Open: refuse until the recovery time has passed, then let one trial through (half-open).
  {
    op: 'admit',
    state: 'open',
    when: ['<', sinceOpened, 'recoveryTimeoutMs'],
    result: { retryAfterMs: ['-', 'recoveryTimeoutMs', sinceOpened] },
  },
  {
    op: 'admit',
    state: 'open',
    set: { state: 'half-open', successes: 0, inFlight: 1, openedAt: 'now' },
    result: 'trial',
  },
  // Half-open: up to `halfOpenMaxCalls` trials at once. `openedAt` is when the trials began: a
  // trial that never reported back (its process died) holds its slot for one recovery time only.
  {
    op: 'admit',
    state: 'half-open',
    when: ['<', 'inFlight', 'halfOpenMaxCalls'],
    set: { inFlight: ['+', 'inFlight', 1] },
    result: 'trial',
  },
  {
    op: 'admit',
    state: 'half-open',
    when: ['>=', sinceOpened, 'recoveryTimeoutMs'],
    set: { successes: 0, inFlight: 1, openedAt: 'now' },
    result: 'trial',
  },
  { op: 'admit', state: 'half-open', result: { retryAfterMs: 0 } },
  // Closed: a success forgets the failures; enough consecutive failures open the circuit, and so
  // does a failure rate at or over the threshold once the window holds enough calls.
  { op: 'success', state: 'closed', when: ['>', 'failures', 0], set: { failures: 0 } },
  {
    op: 'failure',
    state: 'closed',
    when: [
      'and',
      ['>', 'failureRatePercent', 0],
      [
        'and',
        ['>=', 'windowCalls', 'minimumCalls'],
        ['>=', ['*', 'windowFailures', 100], ['*', 'failureRatePercent', 'windowCalls']],
      ],
    ],
    set: { ...reopen, failures: ['+', 'failures', 1] },
  },
  {
    op: 'failure',
    state: 'closed',
    when: ['>=', ['+', 'failures', 1], 'failureThreshold'],
    set: { ...reopen, failures: ['+', 'failures', 1] },
  },
  { op: 'failure', state: 'closed', set: { failures: ['+', 'failures', 1] } },
  // Half-open trials: enough successes close the circuit, one failure reopens it.
  {
    op: 'success',
    state: 'half-open',
    trial: true,
    when: ['>=', ['+', 'successes', 1], 'successThreshold'],
    set: closed,
  },
  {
    op: 'success',
    state: 'half-open',
    trial: true,
    when: ['>', 'inFlight', 0],
    set: { successes: ['+', 'successes', 1], inFlight: ['-', 'inFlight', 1] },
  },
  { op: 'success', state: 'half-open', trial: true, set: { successes: ['+', 'successes', 1] } },
  { op: 'failure', state: 'half-open', trial: true, set: reopen },
  // A trial that ended in an error that is not a failure frees its slot without a verdict.
  {
    op: 'release',
    state: 'half-open',
    trial: true,
    when: ['>', 'inFlight', 0],
    set: { inFlight: ['-', 'inFlight', 1] },
  },
];

// --- The table compiled once into closures: what `applyOperation` runs. ---

const ALLOWED: Admission = Object.freeze({ allowed: true, trial: false });
const TRIAL: Admission = Object.freeze({ allowed: true, trial: true });
// The fields of a snapshot (the rest of the variables are the policy's, and `now`).
const SNAPSHOT_FIELDS = new Set(['failures', 'successes', 'inFlight', 'openedAt']);

interface Env {
  readonly s: CircuitSnapshot;
  readonly policy: CircuitPolicy;
  readonly now: number;
  readonly windowCalls: number;
  readonly windowFailures: number;
}
type Num = (env: Env) => number;

function num(e: CircuitExpr): Num {
  if (typeof e === 'number') return () => e;
  if (typeof e === 'string') {
    if (e === 'now') return (env) => env.now;
    if (e === 'windowCalls') return (env) => env.windowCalls;
    if (e === 'windowFailures') return (env) => env.windowFailures;
    if (SNAPSHOT_FIELDS.has(e)) return (env) => env.s[e as keyof CircuitSnapshot] as number;
    return (env) => env.policy[e as keyof CircuitPolicy] ?? 0;
  }
  const [operator, left, right] = e;
  const [a, b] = [num(left), num(right)];
  if (operator === '*') return (env) => a(env) * b(env);
  return operator === '+' ? (env) => a(env) + b(env) : (env) => a(env) - b(env);
}

function cond(c: CircuitCond | undefined): (env: Env) => boolean {
  if (c === undefined) return () => true;
  if (c[0] === 'and') {
    const [x, y] = [cond(c[1]), cond(c[2])];
    return (env) => x(env) && y(env);
  }
  const [operator, left, right] = c;
  const [a, b] = [num(left), num(right)];
  if (operator === '<') return (env) => a(env) < b(env);
  if (operator === '>') return (env) => a(env) > b(env);
  return (env) => a(env) >= b(env);
}

function setter(set: CircuitSet | undefined): (env: Env) => CircuitSnapshot {
  if (set === undefined) return (env) => env.s;
  const field = (e: CircuitExpr | undefined, keep: keyof CircuitSnapshot): Num =>
    e === undefined ? (env) => env.s[keep] as number : num(e);
  const [failures, successes, inFlight, openedAt] = [
    field(set.failures, 'failures'),
    field(set.successes, 'successes'),
    field(set.inFlight, 'inFlight'),
    field(set.openedAt, 'openedAt'),
  ];
  const state = set.state;
  return (env) => ({
    state: state ?? env.s.state,
    failures: failures(env),
    successes: successes(env),
    inFlight: inFlight(env),
    openedAt: openedAt(env),
    ...(env.s.window === undefined ? {} : { window: env.s.window }),
  });
}

function result(r: CircuitRule['result']): (env: Env) => Admission {
  if (r === undefined) return () => ALLOWED;
  if (r === 'trial') return () => TRIAL;
  const wait = num(r.retryAfterMs);
  return (env) => ({ allowed: false, retryAfterMs: wait(env) });
}

interface CompiledRule {
  readonly state: CircuitState;
  readonly trial: boolean;
  readonly when: (env: Env) => boolean;
  readonly set: (env: Env) => CircuitSnapshot;
  readonly result: (env: Env) => Admission;
}

const COMPILED: Record<CircuitOperation['kind'], CompiledRule[]> = {
  admit: [],
  success: [],
  failure: [],
  release: [],
};
for (const rule of CIRCUIT_RULES) {
  COMPILED[rule.op].push({
    state: rule.state,
    trial: rule.trial === true,
    when: cond(rule.when),
    set: setter(rule.set),
    result: result(rule.result),
  });
}

/** Applies the first rule that matches `op` on `s`; none: nothing changes, the call is allowed. */
export function evaluateRules(
  s: CircuitSnapshot,
  op: CircuitOperation,
  policy: CircuitPolicy,
  now: number,
): Transition<Admission> {
  const trial = op.kind !== 'admit' && op.trial;
  if (
    (op.kind === 'success' || op.kind === 'failure') &&
    !trial &&
    s.state === 'closed' &&
    (policy.failureRatePercent ?? 0) > 0
  ) {
    return evaluateWindowed(s, op.kind === 'failure', policy, now);
  }
  return evaluate(s, op, trial, { s, policy, now, windowCalls: 0, windowFailures: 0 });
}

function evaluate(
  s: CircuitSnapshot,
  op: CircuitOperation,
  trial: boolean,
  env: Env,
): Transition<Admission> {
  for (const rule of COMPILED[op.kind]) {
    if (rule.state !== s.state || (rule.trial && !trial) || !rule.when(env)) continue;
    const next = rule.set(env);
    // The window belongs to one closed period: a state change empties it.
    if (next.state !== s.state && next.window !== undefined) {
      const { window: _, ...rest } = next;
      return { next: rest, result: rule.result(env) };
    }
    return { next, result: rule.result(env) };
  }
  return { next: s, result: ALLOWED };
}

/** A closed call's outcome under a failure-rate policy: recorded in the window, then the rules. */
function evaluateWindowed(
  s: CircuitSnapshot,
  failed: boolean,
  policy: CircuitPolicy,
  now: number,
): Transition<Admission> {
  const recorded = recordInWindow(
    s.window,
    failed,
    { windowMs: policy.windowMs ?? 0, windowSlots: policy.windowSlots ?? 1 },
    now,
  );
  const withWindow: CircuitSnapshot = { ...s, window: recorded.window };
  const env: Env = {
    s: withWindow,
    policy,
    now,
    windowCalls: recorded.calls,
    windowFailures: recorded.failures,
  };
  return evaluate(withWindow, { kind: failed ? 'failure' : 'success', trial: false }, false, env);
}
