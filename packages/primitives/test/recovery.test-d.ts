import { describe, expectTypeOf, test } from 'vitest';
import {
  BulkheadPrimitive,
  CircuitBreakerPrimitive,
  CompensationPrimitive,
  FallbackPrimitive,
  lambda,
  RateLimitPrimitive,
  RetryPrimitive,
  sagaStep,
  TimeoutPrimitive,
} from '../src/index.js';

interface Reply {
  text: string;
  tokens: number;
}
const model = lambda(async (prompt: string): Promise<Reply> => ({ text: prompt, tokens: 3 }));
const cheap = lambda(async (prompt: string): Promise<Reply> => ({ text: prompt, tokens: 1 }));
const other = lambda(async (n: number) => n);

describe('recovery primitives keep the wrapped types', () => {
  test('classes', () => {
    expectTypeOf(new RetryPrimitive(model)).toEqualTypeOf<RetryPrimitive<string, Reply, never>>();
    expectTypeOf(
      new TimeoutPrimitive(model, { timeoutMs: 5 }).execute('x'),
    ).resolves.toEqualTypeOf<Reply>();
    expectTypeOf(new FallbackPrimitive(model, [cheap]).execute)
      .parameter(0)
      .toEqualTypeOf<string>();
    expectTypeOf(new CircuitBreakerPrimitive(model).execute('x')).resolves.toHaveProperty('tokens');
    expectTypeOf(new BulkheadPrimitive(model, { maxConcurrent: 1 })).toExtend<
      BulkheadPrimitive<string, unknown>
    >();
    expectTypeOf(new RateLimitPrimitive(model, { tokensPerInterval: 1, intervalMs: 1 }).execute)
      .parameter(0)
      .toBeString();
  });

  test('fluent sugar chains and composes', () => {
    const resilient = model
      .withTimeout(1000)
      .withRetry({ maxRetries: 2 })
      .withFallback(cheap)
      .withCircuitBreaker();
    expectTypeOf(resilient).toEqualTypeOf<CircuitBreakerPrimitive<string, Reply, never>>();
    const canned = lambda((_: string) => 'sorry');
    expectTypeOf(model.withFallback(canned).execute('x')).resolves.toEqualTypeOf<Reply | string>();
    expectTypeOf(
      resilient.pipe(lambda((r: { text: string }) => r.text)).execute('q'),
    ).resolves.toBeString();
  });

  test('mismatched alternatives and fallbacks are compile errors', () => {
    // @ts-expect-error a fallback must accept the same input
    model.withFallback(other);
    // @ts-expect-error a timeout fallback must produce the same output
    model.withTimeout({ timeoutMs: 1, fallback: other });
  });

  test('sagas check each step against the previous output', () => {
    const saga = new CompensationPrimitive([
      sagaStep({
        name: 'a',
        action: (s: string) => s.length,
        compensate: (input, output) => void [input, output],
      }),
      sagaStep({ name: 'b', action: (n: number) => n > 2, compensate: () => {} }),
    ]);
    expectTypeOf(saga.execute('x')).resolves.toBeBoolean();
    sagaStep({
      name: 'typed-compensate',
      action: (s: string) => s.length,
      compensate: (input, output) => {
        expectTypeOf(input).toBeString();
        expectTypeOf(output).toBeNumber();
      },
    });
    new CompensationPrimitive([
      sagaStep({ name: 'a', action: (s: string) => s.length, compensate: () => {} }),
      // @ts-expect-error the second action needs a string but receives a number
      sagaStep({ name: 'b', action: (s: string) => s, compensate: () => {} }),
    ]);
    expectTypeOf(new CompensationPrimitive(model, () => {}).execute('x')).resolves.toHaveProperty(
      'text',
    );
  });
});
