import { describe, expect, it } from 'vitest';
import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  lambda,
  parallel,
  RateLimitPrimitive,
  retry,
  sequential,
  timeout,
  when,
} from '../src/index.js';
import { createRecordingHooks } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

const step = (name: string) => lambda((s: string) => `${s}.${name}`, { name });

describe('every step can be named', () => {
  it('through every fluent method and helper', () => {
    const a = step('a');
    const b = step('b');
    expect(a.withRetry({ name: 'r' }).name).toBe('r');
    expect(a.withTimeout(2000, { name: 't' }).name).toBe('t');
    expect(a.withTimeout({ timeoutMs: 2000, name: 't2' }).name).toBe('t2');
    expect(a.withFallback(b, { name: 'f' }).name).toBe('f');
    expect(a.withFallback(b, step('c'), { name: 'f2' }).name).toBe('f2');
    expect(a.withCircuitBreaker({ name: 'cb' }).name).toBe('cb');
    expect(a.withBulkhead({ maxConcurrent: 1, name: 'bh' }).name).toBe('bh');
    expect(a.withRateLimit({ tokensPerInterval: 1, intervalMs: 1000, name: 'rl' }).name).toBe('rl');
    expect(a.with({ name: 'w' }, timeout(100), retry()).name).toBe('w');
    expect(parallel(a, b, { name: 'p' }).name).toBe('p');
    expect(parallel({ a, b }, { name: 'p2' }).name).toBe('p2');
    expect(sequential({ name: 's' }, a, b).name).toBe('s');
    expect(when((s: string) => s.length > 0, a, undefined, { name: 'c' }).name).toBe('c');
    expect(lambda((s: string) => s, { name: 'l' }).name).toBe('l');
  });

  it('a name in .with() goes to the outermost step only', () => {
    const wrapped = step('x').with({ name: 'outer' }, timeout(100), retry());
    expect(wrapped.name).toBe('outer');
    expect(wrapped.describe().children?.[0]?.name).not.toBe('outer');
  });
});

describe('unnamed steps are named after their place in a named workflow', () => {
  const build = () =>
    sequential(
      { name: 'support-triage' },
      lambda((s: string) => s.trim()),
      step('primary').withFallback(step('backup')),
      step('other-primary').withFallback(step('other-backup')),
    );

  it('gives each a distinct, stable name from its path and type', () => {
    const flow = build();
    const names = flow.steps.map((s) => s.name);
    expect(names).toEqual([
      'support-triage/1.lambda',
      'support-triage/2.fallback',
      'support-triage/3.fallback',
    ]);
    expect(build().steps.map((s) => s.name)).toEqual(names); // the same in every process
  });

  it('keeps given names, and class names outside any named step', () => {
    expect(step('a').withRetry().name).toBe('RetryPrimitive');
    const inner = step('a').withRetry();
    sequential({ name: 'wf' }, inner);
    expect(inner.name).toBe('wf/1.retry');
    const named = step('a').withRetry({ name: 'mine' });
    sequential({ name: 'wf' }, named);
    expect(named.name).toBe('mine');
  });

  it('never merges the spans of two unnamed steps', async () => {
    const recorder = withHooks(createRecordingHooks());
    try {
      await build().execute(' hi ');
      const names = recorder.executions.map((e) => `${e.type} ${e.name}`);
      expect(names).toContain('fallback support-triage/2.fallback');
      expect(names).toContain('fallback support-triage/3.fallback');
    } finally {
      recorder.off();
    }
  });

  it('breaker and limiter keys and cache namespaces follow the derived name', () => {
    const breaker = step('a').withCircuitBreaker();
    const limiter = new RateLimitPrimitive(step('b'), { tokensPerInterval: 1, intervalMs: 1000 });
    const cache = new CachePrimitive(step('c'));
    sequential({ name: 'wf' }, breaker, limiter, cache);
    expect(breaker.key).toBe('wf/1.circuit-breaker');
    expect(limiter.key).toBe('wf/2.rate-limit');
    expect(cache.describe().options).toMatchObject({ namespace: 'wf/3.cache' });
    const keyed = new CircuitBreakerPrimitive(step('d'), { key: 'provider' });
    sequential({ name: 'wf2' }, keyed);
    expect(keyed.key).toBe('provider');
  });
});

describe('bad input at construction', () => {
  it('a primitive where options belong is a TypeError', async () => {
    const { RetryPrimitive, TimeoutPrimitive } = await import('../src/index.js');
    const a = step('a');
    expect(() => new RetryPrimitive(a, step('b') as never)).toThrow(
      /options must be an options object, not a primitive/,
    );
    expect(() => new TimeoutPrimitive(a, step('b') as never)).toThrow(TypeError);
  });

  it('an options object where a primitive belongs is a TypeError', () => {
    expect(() => sequential({ name: 'x' }, { name: 'y' } as never)).toThrow(
      /steps\[0\] is not a primitive/,
    );
    const untyped = parallel as unknown as (...args: unknown[]) => unknown; // plain JavaScript
    expect(() => untyped(step('a'), { name: 'p' }, step('b'))).toThrow(TypeError);
  });
});
