/**
 * floor: the least a workflow library can add, hand-written, no library (issue 16). Each op is the
 * raw column's op run the way any library that gives each run a context must run it: a context
 * object with the run's start time (one clock read), current in an AsyncLocalStorage while the
 * run goes on. seq10_otel is the plain chain instrumented with the bare OpenTelemetry calls one
 * traced and measured step needs (a span with two attributes, made active; one duration record),
 * on the same SDK set-up as the tta column.
 *
 * A library's ratio can approach this column's but not go below it without dropping one of those
 * things (the run's start time, context propagation, the span, the duration metric), unless it
 * does the raw op's own plumbing more cheaply than the hand-written code does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ScenarioFactory, Scenarios } from '../contract.js';
import { otelSdk } from '../otel-sdk.js';
import { INPUT, makeSteps, type Step } from '../steps.js';
import { scenarios as raw } from './raw.js';

export const name = 'floor';
export const packages: readonly string[] = [];

interface RunContext {
  readonly startTime: number;
}
const storage = new AsyncLocalStorage<RunContext>();

/** The raw op, run with a context of its own (start time) current while it runs. */
function withContext(factory: Scenarios[keyof Scenarios]): ScenarioFactory {
  if (typeof factory !== 'function') throw new Error('floor: the raw column lacks a scenario');
  return () => {
    const op = factory();
    return () => storage.run({ startTime: Date.now() }, op);
  };
}

function seq10Otel(): () => Promise<unknown> {
  const { tracerProvider, meterProvider } = otelSdk();
  const tracer = tracerProvider.getTracer('floor');
  const duration = meterProvider.getMeter('floor').createHistogram('step_duration_seconds');
  const steps = makeSteps(10);
  const names = Array.from({ length: 11 }, (_, i) => (i === 10 ? 'seq10' : `seq10/${i + 1}`));
  const labels = names.map((n) => ({ step_type: 'lambda', step_name: n, status: 'success' }));
  const traced = async <T>(i: number, fn: () => Promise<T>): Promise<T> => {
    const span = tracer.startSpan(`step ${names[i]}`, {
      kind: SpanKind.INTERNAL,
      attributes: { 'step.type': 'lambda', 'step.name': names[i] },
    });
    const started = performance.now();
    try {
      return await context.with(trace.setSpan(context.active(), span), fn);
    } finally {
      span.end();
      duration.record((performance.now() - started) / 1000, labels[i]);
    }
  };
  const seq: Step = (x) =>
    traced(10, async () => {
      let v = x;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i] as Step;
        const input = v;
        v = await traced(i, () => step(input));
      }
      return v;
    });
  return () => storage.run({ startTime: Date.now() }, seq, INPUT);
}

export const scenarios: Scenarios = {
  seq10: withContext(raw.seq10),
  par10: withContext(raw.par10),
  retry_ok: withContext(raw.retry_ok),
  retry_2fail: withContext(raw.retry_2fail),
  timeout_ok: withContext(raw.timeout_ok),
  cache_hit: withContext(raw.cache_hit),
  fallback: withContext(raw.fallback),
  breaker_ok: withContext(raw.breaker_ok),
  cache_miss: withContext(raw.cache_miss),
  fanout100_c10: withContext(raw.fanout100_c10),
  seq10_otel: seq10Otel,
};
