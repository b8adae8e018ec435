import { describe, expectTypeOf, test } from 'vitest';
import {
  lambda,
  ParallelPrimitive,
  type PrimitiveOptions,
  parallel,
  SequentialPrimitive,
  sequential,
  type WorkflowPrimitive,
} from '../src/index.js';

const countWords = lambda((text: string) => text.split(/\s+/).length, { name: 'count-words' });
const normalize = lambda((text: string) => text.trim(), { name: 'normalize' });
const double = lambda((n: number) => n * 2, { name: 'double' });
const s2s = lambda((s: string) => `${s}!`);
const n2n = lambda((n: number) => n + 1);
const n2s = lambda((n: number) => String(n));

describe('a primitive is never an options object, and options never a primitive', () => {
  test('both directions are compile errors', () => {
    // @ts-expect-error a primitive has `execute`, options may not
    const o: PrimitiveOptions = countWords;
    // @ts-expect-error options are not a primitive
    const p: WorkflowPrimitive<string, number> = { name: 'x' };
    void o;
    void p;
  });
});

describe('every link of sequential is checked, the first included', () => {
  test('the first link (the issue: it used to be read as the options object)', () => {
    // @ts-expect-error countWords outputs a number; normalize takes a string
    sequential(countWords, normalize);
    // @ts-expect-error the same with a leading options object
    sequential({ name: 'x' }, countWords, normalize);
  });

  test('a wrong middle and a wrong last link', () => {
    // @ts-expect-error middle: double outputs a number into s2s (string)
    sequential(s2s, countWords, double, s2s, s2s);
    // @ts-expect-error last: n2s outputs a string into double (number)
    sequential(countWords, double, n2n, n2s, double);
    // @ts-expect-error last, with options
    sequential({ name: 'x' }, countWords, double, n2s, double);
  });

  test('chains of 1 to 12 steps infer first input and last output', () => {
    expectTypeOf(sequential(countWords)).toEqualTypeOf<
      SequentialPrimitive<string, number, never>
    >();
    expectTypeOf(sequential(countWords, double)).toEqualTypeOf<
      SequentialPrimitive<string, number, never>
    >();
    const twelve = sequential(s2s, s2s, s2s, s2s, s2s, countWords, n2n, n2n, n2n, n2n, n2n, n2s);
    expectTypeOf(twelve).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
    const named = sequential(
      { name: 'twelve' },
      s2s,
      s2s,
      s2s,
      s2s,
      s2s,
      countWords,
      n2n,
      n2n,
      n2n,
      n2n,
      n2n,
      n2s,
    );
    expectTypeOf(named).toEqualTypeOf<SequentialPrimitive<string, string, never>>();
    // @ts-expect-error a wrong 12th link
    sequential(s2s, s2s, s2s, s2s, s2s, countWords, n2n, n2n, n2n, n2n, n2n, s2s);
  });

  test('pipe checks every link', () => {
    // @ts-expect-error number into a string step
    countWords.pipe(normalize);
    expectTypeOf(countWords.pipe(double)).toEqualTypeOf<
      SequentialPrimitive<string, number, never>
    >();
  });
});

describe('lists built at run time', () => {
  const steps: WorkflowPrimitive<string, string>[] = [normalize, s2s];
  const branches: WorkflowPrimitive<string, number>[] = [countWords, countWords];

  test('sequential(...steps) of one type T → T', () => {
    expectTypeOf(sequential(...steps)).toEqualTypeOf<SequentialPrimitive<string, string>>();
    expectTypeOf(sequential({ name: 'n' }, ...steps)).toEqualTypeOf<
      SequentialPrimitive<string, string>
    >();
    expectTypeOf(new SequentialPrimitive(steps)).toEqualTypeOf<
      SequentialPrimitive<string, string>
    >();
    const mixed: WorkflowPrimitive<string, number>[] = [countWords];
    // @ts-expect-error a list whose steps change the type cannot be chained blindly
    sequential(...mixed);
  });

  test('parallel(...branches) gives an array of outputs', () => {
    expectTypeOf(parallel(...branches)).toEqualTypeOf<ParallelPrimitive<string, number[]>>();
    expectTypeOf(new ParallelPrimitive(branches)).toEqualTypeOf<
      ParallelPrimitive<string, number[]>
    >();
  });

  test('the tuple constructor of SequentialPrimitive is checked too', () => {
    expectTypeOf(new SequentialPrimitive([countWords, double])).toEqualTypeOf<
      SequentialPrimitive<string, number, never>
    >();
    // @ts-expect-error number into a string step
    new SequentialPrimitive([countWords, normalize]);
  });
});

describe('parallel branch inputs are checked', () => {
  test('branches must share an input', () => {
    // @ts-expect-error a string branch beside a number branch
    parallel(countWords, double);
    // @ts-expect-error the same in a record
    parallel({ words: countWords, doubled: double });
    // @ts-expect-error and through the constructor
    new ParallelPrimitive([countWords, double]);
    expectTypeOf(parallel(countWords, normalize)).toEqualTypeOf<
      ParallelPrimitive<string, [number, string], 'all', never>
    >();
  });

  test('a trailing options object names the step', () => {
    expectTypeOf(parallel(countWords, normalize, { name: 'both' })).toEqualTypeOf<
      ParallelPrimitive<string, [number, string], 'all', never>
    >();
  });
});

describe('names are accepted where they belong, and only there', () => {
  test('fluent methods and helpers', () => {
    const a = lambda((s: string) => s);
    const b = lambda((s: string) => s);
    a.withTimeout(2000, { name: 't' });
    a.withFallback(b, { name: 'f' });
    a.withFallback(b, b, { name: 'f' });
    parallel(a, b, { name: 'p' });
    // @ts-expect-error the options object goes last
    a.withFallback(b, { name: 'f' }, b);
    // @ts-expect-error a primitive is not a name
    a.withTimeout(2000, b);
  });
});
