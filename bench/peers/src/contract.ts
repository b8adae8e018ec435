/**
 * Adapter contract. An adapter is ONE file in src/adapters/<id>.ts exporting:
 *
 *   export const name: string                       // column label
 *   export const packages?: readonly string[]       // npm packages whose versions are printed
 *   export const scenarios: Scenarios               // every ScenarioName must be present
 *
 * A scenario entry is either a factory or `na(reason)`:
 *   - factory: `() => op`. It is called ONCE and must build the composed object
 *     (sequence, policy, cache, breaker, ...) eagerly. It returns `op`, a zero-arg
 *     function; one call of `op` is one timed operation and must return a
 *     *native* Promise.
 *   - `na(reason)`: the library has no equivalent. Rendered as "n/a" with the
 *     reason as a footnote. Do not approximate with a different mechanism.
 *
 * All steps must come from src/steps.ts so every column runs the same user code.
 * Files in src/adapters/ whose name starts with "_" are ignored by discovery.
 */

export const SCENARIOS = [
  'seq10',
  'par10',
  'retry_ok',
  'retry_2fail',
  'timeout_ok',
  'cache_hit',
  'fallback',
  'breaker_ok',
  'cache_miss',
  'fanout100_c10',
  // Last: it registers process-wide telemetry hooks, which must not touch the other scenarios.
  'seq10_otel',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

/** One timed operation. */
export type Op = () => Promise<unknown>;

/** Builds the composed object once, returns the op. */
export type ScenarioFactory = () => Op;

export interface NotApplicable {
  readonly na: string;
}

export const na = (reason: string): NotApplicable => ({ na: reason });

export type ScenarioEntry = ScenarioFactory | NotApplicable;

export type Scenarios = Record<ScenarioName, ScenarioEntry>;

export interface AdapterModule {
  name: string;
  packages?: readonly string[];
  scenarios: Scenarios;
}

export const isNA = (e: ScenarioEntry): e is NotApplicable =>
  typeof e === 'object' && e !== null && typeof (e as NotApplicable).na === 'string';

/** What every scenario must do, checked by the validation pass before timing. */
export const SCENARIO_SPEC: Record<
  ScenarioName,
  {
    describe: string;
    expect: (v: unknown) => boolean;
    callsPerOp?: number;
    totalCallsAfterN?: number;
  }
> = {
  seq10: {
    describe: '10 steps in sequence; input 1 -> 11',
    expect: (v) => v === 11,
    callsPerOp: 10,
  },
  par10: {
    describe:
      'fan-out of input 1 to 10 concurrent steps; 10 results (array, or record for libs that only return records)',
    expect: (v) => {
      const vals = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
      return vals.length === 10 && vals.every((x) => x === 2);
    },
    callsPerOp: 10,
  },
  retry_ok: {
    describe: 'retry(max 3 retries, 0 delay) around a step that succeeds at once',
    expect: (v) => v === 2,
    callsPerOp: 1,
  },
  retry_2fail: {
    describe:
      'retry(max 3 retries, 0 delay) around a step that fails twice then succeeds (counter reset per op)',
    expect: (v) => v === 2,
    callsPerOp: 3,
  },
  timeout_ok: {
    describe: 'timeout(1000 ms) around a step that succeeds at once',
    expect: (v) => v === 2,
    callsPerOp: 1,
  },
  cache_hit: {
    describe:
      'LRU+TTL(60 s) memoized step, same key every op (only the first op may call the step)',
    expect: (v) => v === 2,
    totalCallsAfterN: 1,
  },
  fallback: {
    describe: 'primary throws, fallback step returns',
    expect: (v) => v === 2,
    callsPerOp: 2,
  },
  breaker_ok: {
    describe: 'circuit breaker (closed) around a step that succeeds',
    expect: (v) => v === 2,
    callsPerOp: 1,
  },
  cache_miss: {
    describe: 'LRU+TTL(60 s) memoized step, a new key every op (each op calls the step once)',
    expect: (v) => typeof v === 'number' && v > 1,
    callsPerOp: 1,
  },
  fanout100_c10: {
    describe: 'fan-out of input 1 to 100 steps, at most 10 running at a time; 100 results',
    expect: (v) => Array.isArray(v) && v.length === 100 && v.every((x) => x === 2),
    callsPerOp: 100,
  },
  seq10_otel: {
    describe:
      'seq10 with OpenTelemetry tracing and metrics on a real SDK (batch span processor, meter provider); raw = plain seq10',
    expect: (v) => v === 11,
    callsPerOp: 10,
  },
};
