import { describe, expectTypeOf, test } from 'vitest';
import {
  ConditionalPrimitive,
  type LambdaPrimitive,
  lambda,
  ParallelPrimitive,
  parallel,
  RouterPrimitive,
  type SequentialPrimitive,
  sequential,
  type WorkflowContext,
  type WorkflowPrimitive,
  when,
} from '../src/index.js';
import { MockPrimitive } from '../src/testing/index.js';

const length = lambda((s: string) => s.length);
const isEven = lambda((n: number) => n % 2 === 0);
const asyncLabel = lambda(async (b: boolean): Promise<string> => (b ? 'even' : 'odd'));
const shout = lambda((s: string) => s.toUpperCase());
const anything = lambda((x: unknown): string => typeof x);
const opaque = lambda((x: unknown) => x);

describe('lambda', () => {
  test('infers input and output, unwrapping promises', () => {
    expectTypeOf(length).toEqualTypeOf<LambdaPrimitive<string, number>>();
    expectTypeOf(asyncLabel).toEqualTypeOf<LambdaPrimitive<boolean, string>>();
    expectTypeOf(length.execute).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(length.execute).parameter(1).toEqualTypeOf<WorkflowContext | undefined>();
  });

  test('keeps literal return types', () => {
    expectTypeOf(lambda((b: boolean) => (b ? 'yes' : 'no')).execute(true)).resolves.toEqualTypeOf<
      'yes' | 'no'
    >();
  });
});

describe('pipe and sequential', () => {
  test('pipe chains types step by step', () => {
    const flow = length.pipe(isEven).pipe(asyncLabel);
    expectTypeOf(flow).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
    expectTypeOf(flow.execute('hello')).resolves.toEqualTypeOf<string>();
  });

  test('a step that does not accept the previous output is a compile error', () => {
    // @ts-expect-error number is not a string
    length.pipe(shout);
    // @ts-expect-error unknown output cannot feed a step that needs a string
    opaque.pipe(length);
    // @ts-expect-error boolean into a step needing number
    sequential(length, isEven, isEven);
  });

  test('a step accepting a wider input fits', () => {
    expectTypeOf(length.pipe(anything)).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
  });

  test('sequential infers first input and last output', () => {
    const flow = sequential(length, isEven, asyncLabel);
    expectTypeOf(flow).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
    expectTypeOf(sequential(shout)).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
  });

  test('execute rejects wrong input types', () => {
    // @ts-expect-error input must be a string
    void length.pipe(isEven).execute(42);
  });
});

describe('parallel', () => {
  test('method chains flatten into one tuple', () => {
    const fan = length.parallel(shout).parallel(anything);
    expectTypeOf(fan.execute('x')).resolves.toEqualTypeOf<[number, string, string]>();
  });

  test('free function with primitives gives a tuple', () => {
    const fan = parallel(length, shout);
    expectTypeOf(fan).toEqualTypeOf<ParallelPrimitive<string, [number, string], 'all', never>>();
  });

  test('free function with a record gives an object', () => {
    const fan = parallel({ n: length, loud: shout });
    expectTypeOf(fan.execute('x')).resolves.toEqualTypeOf<{ n: number; loud: string }>();
  });

  test('input is what every branch accepts', () => {
    const fan = parallel(length, anything);
    expectTypeOf(fan.execute).parameter(0).toEqualTypeOf<string>();
  });

  test('constructor infers tuples, records and settled outcomes', () => {
    expectTypeOf(new ParallelPrimitive([length, shout]).execute('x')).resolves.toEqualTypeOf<
      [number, string]
    >();
    expectTypeOf(new ParallelPrimitive({ a: length }).execute('x')).resolves.toEqualTypeOf<{
      a: number;
    }>();
    const settled = new ParallelPrimitive([length, shout], { mode: 'allSettled' });
    expectTypeOf(settled.execute('x')).resolves.toEqualTypeOf<
      [PromiseSettledResult<number>, PromiseSettledResult<string>]
    >();
    expectTypeOf(settled.parallel(anything).execute('x')).resolves.toEqualTypeOf<
      [PromiseSettledResult<number>, PromiseSettledResult<string>, PromiseSettledResult<string>]
    >();
  });

  test('a branch with an incompatible input is a compile error', () => {
    // @ts-expect-error isEven needs a number, length a string
    length.parallel(isEven);
  });

  test('parallel composes into a sequence', () => {
    const flow = shout
      .pipe(parallel(length, shout))
      .pipe(lambda(([n, s]: [number, string]) => `${s}:${n}`));
    expectTypeOf(flow.execute('a')).resolves.toEqualTypeOf<string>();
  });
});

describe('conditional and router', () => {
  test('conditional without else passes input through', () => {
    const c = new ConditionalPrimitive((s: string) => s.length > 3, length);
    expectTypeOf(c.execute('x')).resolves.toEqualTypeOf<number | string>();
    expectTypeOf(when((s: string) => s === '', length, shout).execute('')).resolves.toEqualTypeOf<
      number | string
    >();
  });

  test('router output is the union of route outputs and select is checked', () => {
    const router = new RouterPrimitive({
      routes: { count: length, loud: shout },
      select: (s) => (s.length > 3 ? 'count' : 'loud'),
      default: 'loud',
    });
    expectTypeOf(router.execute('x')).resolves.toEqualTypeOf<number | string>();
    expectTypeOf(router.execute).parameter(0).toEqualTypeOf<string>();
    new RouterPrimitive({
      routes: { count: length },
      select: () => 'count',
      // @ts-expect-error default must be a route key
      default: 'missing',
    });
  });
});

describe('mocks and assignability', () => {
  test('mocks compose like any primitive', () => {
    const model = new MockPrimitive<string, { text: string }>({ returns: { text: 'hi' } });
    expectTypeOf(shout.pipe(model).execute('x')).resolves.toEqualTypeOf<{ text: string }>();
  });

  test('primitives are contravariant in input and covariant in output', () => {
    expectTypeOf(anything).toExtend<WorkflowPrimitive<string, string>>();
    expectTypeOf(length).not.toExtend<WorkflowPrimitive<unknown, number>>();
    expectTypeOf(length).toExtend<WorkflowPrimitive<string, number | string>>();
  });
});

describe('named sequential', () => {
  test('an options object first keeps the chain checked', () => {
    expectTypeOf(sequential({ name: 'measure' }, length, isEven)).toEqualTypeOf<
      SequentialPrimitive<string, boolean, never>
    >();
    // @ts-expect-error still checked step by step
    sequential({ name: 'bad' }, length, length);
  });
});
