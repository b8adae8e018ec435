/**
 * @langchain/core runnables, imported the way a plain @langchain/core user gets
 * them (no LangSmith tracing; the harness strips LANGCHAIN_* / LANGSMITH_* env).
 * Note: only importing '@langchain/core/runnables' leaves LangChain's
 * AsyncLocalStorage unset (mock); langchain/langgraph entry points install a real
 * one, which would add per-step cost on top of what is measured here.
 */
import {
  type Runnable,
  RunnableLambda,
  RunnableParallel,
  RunnableSequence,
} from '@langchain/core/runnables';
import { na, type Scenarios } from '../contract.js';
import { INPUT, makeFailing, makeStep, makeSteps, type Step } from '../steps.js';

export const name = 'langchain';
export const packages = ['@langchain/core'] as const;

const lambda = (fn: Step): Runnable<number, number> => RunnableLambda.from<number, number>(fn);

export const scenarios: Scenarios = {
  seq10: () => {
    const [first, ...rest] = makeSteps(10).map(lambda);
    const seq = RunnableSequence.from<number, number>([first, ...rest] as [
      Runnable<number, number>,
      ...Runnable<number, number>[],
      Runnable<number, number>,
    ]);
    return () => seq.invoke(INPUT);
  },

  par10: () => {
    // RunnableParallel returns a record {s0..s9}, not an array; converting it would
    // need an extra runnable in a sequence, which would be billed to LangChain.
    const steps = Object.fromEntries(makeSteps(10).map((s, i) => [`s${i}`, lambda(s)]));
    const par = new RunnableParallel<number>({ steps });
    return () => par.invoke(INPUT);
  },

  retry_ok: () => {
    // stopAfterAttempt counts attempts: 4 = 1 call + 3 retries.
    const retried = lambda(makeStep()).withRetry({ stopAfterAttempt: 4 });
    return () => retried.invoke(INPUT);
  },

  retry_2fail: na(
    'withRetry() exposes no delay option: it uses p-retry defaults (minTimeout 1 s, factor 2, randomized), so two failures cost >= 2 s of sleeping per op.',
  ),

  timeout_ok: () => {
    // RunnableConfig.timeout: LangChain's timeout mechanism (AbortSignal.timeout + race).
    const timed = lambda(makeStep()).withConfig({ timeout: 1000 });
    return () => timed.invoke(INPUT);
  },

  cache_hit: na(
    'no general memoization for runnables (LangChain caches exist only for model/embedding calls).',
  ),

  fallback: () => {
    const guarded = lambda(makeFailing()).withFallbacks([lambda(makeStep())]);
    return () => guarded.invoke(INPUT);
  },

  breaker_ok: na('no circuit breaker in @langchain/core.'),

  cache_miss: na(
    'no general memoization for runnables (LangChain caches exist only for model/embedding calls).',
  ),

  fanout100_c10: na(
    'RunnableParallel has no concurrency limit; batch(maxConcurrency) runs one runnable over many inputs, a different scenario.',
  ),

  seq10_otel: na(
    'tracing goes to LangSmith callbacks; OpenTelemetry needs an extra package not in the pinned set.',
  ),
};
