import { TIME_WINDOW_SLOTS } from './circuit-window.js';

/**
 * The failure-rate trigger of a circuit breaker: open when at least `threshold` of the calls in a
 * sliding window failed, once the window holds `minimumCalls` calls. The window is either time
 * (`windowMs`, sliding in tenths) or the last `windowCalls` calls.
 *
 * @example
 * ```ts
 * callProvider.withCircuitBreaker({ failureRate: { threshold: 0.5, minimumCalls: 20, windowMs: 30_000 } });
 * ```
 */
export interface FailureRateOptions {
  /** The fraction of failed calls that opens the circuit, in (0, 1]. Required. */
  threshold: number;
  /** Calls the window must hold before the rate counts (integer >= 1). Default: 10. */
  minimumCalls?: number | undefined;
  /** A window of the last `windowMs` ms (> 0). Default: 60000, unless `windowCalls` is given. */
  windowMs?: number | undefined;
  /** A window of the last `windowCalls` calls instead (integer 1–1000). Default: none. */
  windowCalls?: number | undefined;
}

/** The policy fields a failure rate sets (see `CircuitPolicy`). */
export interface FailureRatePolicy {
  readonly failureRatePercent: number;
  readonly minimumCalls: number;
  readonly windowMs: number;
  readonly windowSlots: number;
}

/** The most slots a count window may have: each call's outcome is stored. */
const MAX_WINDOW_CALLS = 1000;

/** Checks a `failureRate` option (TypeError/RangeError naming `where`) and turns it into policy. */
export function failureRatePolicy(value: unknown, where: string): FailureRatePolicy {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${where} must be an object ({ threshold, minimumCalls?, windowMs? })`);
  const o = value as Record<string, unknown>;
  const { threshold, minimumCalls = 10, windowMs, windowCalls } = o;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new RangeError(`${where}.threshold must be a number in (0, 1], got ${String(threshold)}`);
  if (!Number.isSafeInteger(minimumCalls) || (minimumCalls as number) < 1)
    throw new RangeError(`${where}.minimumCalls must be an integer >= 1`);
  if (windowMs !== undefined && windowCalls !== undefined)
    throw new TypeError(`${where}: give windowMs or windowCalls, not both`);
  if (windowCalls !== undefined) {
    if (
      !Number.isSafeInteger(windowCalls) ||
      (windowCalls as number) < 1 ||
      (windowCalls as number) > MAX_WINDOW_CALLS
    )
      throw new RangeError(`${where}.windowCalls must be an integer from 1 to ${MAX_WINDOW_CALLS}`);
    if ((minimumCalls as number) > (windowCalls as number))
      throw new RangeError(`${where}.minimumCalls cannot exceed windowCalls (it would never open)`);
  }
  const ms = windowMs ?? (windowCalls === undefined ? 60_000 : 0);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || (windowCalls === undefined && ms <= 0))
    throw new RangeError(`${where}.windowMs must be a finite number > 0`);
  return Object.freeze({
    // Percent, rounded to a millionth: 0.3 * 100 is 30.000000000000004, which 3 of 10 would miss.
    failureRatePercent: Math.round(threshold * 1e6) / 1e4,
    minimumCalls: minimumCalls as number,
    windowMs: ms,
    windowSlots: windowCalls === undefined ? TIME_WINDOW_SLOTS : (windowCalls as number),
  });
}

/** How `describe()` shows a failure rate. */
export function describeFailureRate(p: FailureRatePolicy): string {
  const window = p.windowMs > 0 ? `${p.windowMs}ms` : `${p.windowSlots} calls`;
  return `${p.failureRatePercent}% of >= ${p.minimumCalls} calls in ${window}`;
}
