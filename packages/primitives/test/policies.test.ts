import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  BulkheadPrimitive,
  bulkhead,
  CircuitBreakerPrimitive,
  circuitBreaker,
  FallbackPrimitive,
  fallback,
  lambda,
  type Policy,
  RateLimitPrimitive,
  RetryPrimitive,
  rateLimit,
  retry,
  TimeoutPrimitive,
  timeout,
  WorkflowPrimitive,
} from '../src/index.js';

describe('WorkflowPrimitive.with(...policies)', () => {
  it('wraps each policy around the previous result, like chained fluent calls', () => {
    const step = lambda((q: string) => q.toUpperCase(), { name: 'upper' });
    const wrapped = step.with(timeout(1000), retry({ maxRetries: 2 }), circuitBreaker());
    expect(wrapped).toBeInstanceOf(CircuitBreakerPrimitive);
    const cb = wrapped as CircuitBreakerPrimitive<string, string>;
    expect(cb.inner).toBeInstanceOf(RetryPrimitive);
    const r = cb.inner as RetryPrimitive<string, string>;
    expect(r.inner).toBeInstanceOf(TimeoutPrimitive);
    expect((r.inner as TimeoutPrimitive<string, string>).inner).toBe(step);
    expect(wrapped.describe()).toEqual(
      step.withTimeout(1000).withRetry({ maxRetries: 2 }).withCircuitBreaker().describe(),
    );
  });

  it('builds every built-in policy', async () => {
    const step = lambda((q: string) => `${q}!`, { name: 'step' });
    expect(step.with(bulkhead({ maxConcurrent: 1 }))).toBeInstanceOf(BulkheadPrimitive);
    expect(step.with(rateLimit({ tokensPerInterval: 5, intervalMs: 1000 }))).toBeInstanceOf(
      RateLimitPrimitive,
    );
    const failing = lambda(
      (_q: string): string => {
        throw new Error('down');
      },
      { name: 'failing' },
    );
    const withBackup = failing.with(fallback(step));
    expect(withBackup).toBeInstanceOf(FallbackPrimitive);
    await expect(withBackup.execute('hi')).resolves.toBe('hi!');
  });

  it('runs user-written policies, and no policy returns the step itself', async () => {
    const calls: string[] = [];
    const logged: Policy<string, string> = (inner) =>
      lambda(
        async (q: string) => {
          calls.push(q);
          return inner.execute(q);
        },
        { name: `logged ${inner.name}` },
      );
    const step = lambda((q: string) => q.length.toString(), { name: 'len' });
    expect(step.with()).toBe(step);
    await expect(step.with(logged).execute('abc')).resolves.toBe('3');
    expect(calls).toEqual(['abc']);
  });

  it('rejects a policy that is not a function or does not return a primitive', () => {
    const step = lambda((q: string) => q, { name: 'id' });
    expect(() => step.with(42 as never)).toThrow(/policies\[0\] must be a function/);
    expect(() => step.with(() => ({}) as never)).toThrow(
      /policies\[0\] did not return a primitive/,
    );
    expect(() => step.with(retry({ maxRetries: -1 }))).toThrow(RangeError);
  });
});

describe('load order', () => {
  const srcDir = join(__dirname, '..', 'src');
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
    });
  })(srcDir);

  // The base class and its subclasses form an import cycle (see src/classes.ts): whichever module
  // a program loads first, every class must come out defined. The base class's own file is the
  // one exception: only classes.ts may import it (scripts/check-architecture.mjs checks that).
  const entries = files
    .map((f) => relative(srcDir, f))
    .filter((f) => f !== join('core', 'workflow-primitive.ts'));
  it.each(entries)('loading %s first works', async (file) => {
    vi.resetModules();
    await expect(import(join(srcDir, file))).resolves.toBeDefined();
    const root = await import('../src/index.js');
    expect(Object.getPrototypeOf(root.RetryPrimitive.prototype)).toBe(
      root.WorkflowPrimitive.prototype,
    );
  });

  it('the fluent methods need no registration import', () => {
    expect(lambda((x: number) => x).withRetry()).toBeInstanceOf(WorkflowPrimitive);
  });
});
