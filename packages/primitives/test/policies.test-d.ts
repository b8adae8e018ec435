import { describe, expectTypeOf, it } from 'vitest';
import {
  circuitBreaker,
  fallback,
  lambda,
  type Policy,
  retry,
  timeout,
  type WorkflowPrimitive,
} from '../src/index.js';

describe('with(...policies) types', () => {
  const step = lambda((q: string) => q.length, { name: 'len' });

  it('keeps the input and output through a stack', () => {
    const wrapped = step.with(timeout(100), retry(), circuitBreaker());
    expectTypeOf(wrapped).toEqualTypeOf<WorkflowPrimitive<string, number>>();
  });

  it('checks a fallback against the step', () => {
    step.with(fallback(lambda((_q: string) => 0)));
    // @ts-expect-error the fallback outputs a string where the step outputs a number
    step.with(fallback(lambda((_q: string) => 'zero')));
    // @ts-expect-error the fallback takes a number where the step takes a string
    step.with(fallback(lambda((_q: number) => 0)));
  });

  it('accepts user policies of the same types only', () => {
    const ok: Policy<string, number> = (inner) => inner;
    step.with(ok);
    const other: Policy<number, number> = (inner) => inner;
    // @ts-expect-error a policy for another input type
    step.with(other);
  });
});
