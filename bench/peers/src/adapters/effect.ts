/**
 * effect (v4 API). Each scenario builds one Effect *value* (a reusable program
 * description) once; the op is one `Effect.runPromise(program)`. Steps are the
 * shared async functions lifted with zero-arg thunks (`Effect.promise` /
 * `Effect.tryPromise`), which per the Effect docs allocate no AbortController.
 * Failing steps use `tryPromise({ try, catch: e => e })` so the preallocated
 * error travels in the typed error channel (retry/catch only see typed errors)
 * without Effect wrapping it in a fresh UnknownError.
 */
import { Cache, Effect, Schedule } from 'effect';
import { na, type Scenarios } from '../contract.js';
import { INPUT, makeFailing, makeFlaky, makeStep, makeSteps, type Step } from '../steps.js';

export const name = 'effect';
export const packages = ['effect'] as const;

const lift = (fn: Step) => (x: number) => Effect.promise(() => fn(x));
const liftTry = (fn: Step) => (x: number) =>
  Effect.tryPromise({ try: () => fn(x), catch: (e) => e });

export const scenarios: Scenarios = {
  seq10: () => {
    const [first, ...rest] = makeSteps(10).map(lift);
    let program = first(INPUT);
    for (const next of rest) program = Effect.flatMap(program, next);
    return () => Effect.runPromise(program);
  },

  par10: () => {
    const program = Effect.all(
      makeSteps(10).map((s) => lift(s)(INPUT)),
      { concurrency: 'unbounded' },
    );
    return () => Effect.runPromise(program);
  },

  retry_ok: () => {
    const program = liftTry(makeStep())(INPUT).pipe(Effect.retry(Schedule.recurs(3)));
    return () => Effect.runPromise(program);
  },

  retry_2fail: () => {
    const flaky = makeFlaky(2);
    const program = liftTry(flaky.fn)(INPUT).pipe(Effect.retry(Schedule.recurs(3)));
    return () => {
      flaky.reset();
      return Effect.runPromise(program);
    };
  },

  timeout_ok: () => {
    const program = lift(makeStep())(INPUT).pipe(Effect.timeout(1000));
    return () => Effect.runPromise(program);
  },

  cache_hit: () => {
    const step = lift(makeStep());
    // Cache: keyed lookup, capacity-bounded (LRU: a hit re-inserts the entry), per-entry TTL.
    const cache = Effect.runSync(
      Cache.make({ lookup: (k: number) => step(k), capacity: 1000, timeToLive: '60 seconds' }),
    );
    const program = Cache.get(cache, INPUT);
    return () => Effect.runPromise(program);
  },

  fallback: () => {
    const backup = lift(makeStep());
    const program = liftTry(makeFailing())(INPUT).pipe(Effect.catch(() => backup(INPUT)));
    return () => Effect.runPromise(program);
  },

  breaker_ok: na('no circuit breaker in effect (core).'),

  cache_miss: () => {
    const step = lift(makeStep());
    const cache = Effect.runSync(
      Cache.make({ lookup: (k: number) => step(k), capacity: 1000, timeToLive: '60 seconds' }),
    );
    let key = 0;
    return () => Effect.runPromise(Cache.get(cache, ++key));
  },

  fanout100_c10: () => {
    const program = Effect.all(
      makeSteps(100).map((s) => lift(s)(INPUT)),
      { concurrency: 10 },
    );
    return () => Effect.runPromise(program);
  },

  seq10_otel: na('OpenTelemetry needs @effect/opentelemetry, not in the pinned set.'),
};
