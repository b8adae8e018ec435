import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableKey } from '../src/index.js';

describe('stableKey', () => {
  it('ignores object key order, deeply', () => {
    expect(stableKey({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(
      stableKey({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('keeps distinct values distinct', () => {
    const values: unknown[] = [
      1,
      '1',
      1n,
      true,
      'true',
      null,
      'null',
      undefined,
      'u',
      0,
      -0,
      Number.NaN,
      'NaN',
      [],
      {},
      [undefined],
      [null],
      { a: undefined },
      { a: null },
      '',
      '""',
      [1, 2],
      [[1], 2],
      [1, [2]],
      new Map([['a', 1]]),
      { a: 1 },
      new Set([1]),
      [1],
      new Date(0),
      '1970-01-01T00:00:00.000Z',
      new Uint8Array([1, 2]),
      { 'a,b': 1 },
      { a: 1, b: undefined },
      'a"b',
      'a\\"b',
    ];
    const keys = values.map(stableKey);
    expect(new Set(keys).size).toBe(values.length);
  });

  it('treats Sets and Maps as unordered', () => {
    expect(stableKey(new Set([1, 2]))).toBe(stableKey(new Set([2, 1])));
    expect(
      stableKey(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      stableKey(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
  });

  it('rejects what it cannot encode, with advice', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stableKey(cyclic)).toThrow(/cyclic.*key function/);
    expect(() => stableKey(() => 1)).toThrow(TypeError);
    expect(() => stableKey(Symbol('x'))).toThrow(TypeError);
    expect(() => stableKey(new (class Foo {})())).toThrow(/Foo instance/);
    const shared = { x: 1 };
    expect(() => stableKey([shared, shared])).not.toThrow(); // repeated, not cyclic
  });

  it('property: equal JSON values get equal keys, different ones different keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        // Deep strict equality ignores key order and tells -0 from 0, like stableKey.
        const same = isDeepStrictEqual(a, b);
        expect(stableKey(a) === stableKey(b)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses values nested deeper than 500 with a TypeError, not a stack overflow (issue 13 item 9)', () => {
    const nest = (depth: number, leaf: unknown) => {
      let v: unknown = leaf;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    for (const depth of [5_000, 100_000]) {
      expect(() => stableKey(nest(depth, 1))).toThrow(TypeError);
      expect(() => stableKey(nest(depth, 1))).toThrow(/nested more than 500 deep/);
    }
    expect(stableKey(nest(499, 1))).toBe(stableKey(nest(499, 1)));
  });
});
