import { describe, expect, it } from 'vitest';
import {
  ConditionalPrimitive,
  isTtaError,
  lambda,
  RouteNotFoundError,
  RouterPrimitive,
  type WorkflowContext,
  when,
} from '../src/index.js';
import { createRecordingHooks } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

const length = lambda((s: string) => s.length, { name: 'length' });
const upper = lambda((s: string) => s.toUpperCase(), { name: 'upper' });

describe('ConditionalPrimitive', () => {
  it('runs then or else by the predicate', async () => {
    const c = new ConditionalPrimitive((s: string) => s.length > 2, length, upper);
    await expect(c.execute('abcd')).resolves.toBe(4);
    await expect(c.execute('ab')).resolves.toBe('AB');
  });

  it('passes the input through without an else branch', async () => {
    await expect(when((s: string) => s === 'x', length).execute('kept')).resolves.toBe('kept');
  });

  it('awaits async predicates and gives them the context', async () => {
    let seen: WorkflowContext | undefined;
    const c = when(async (_: string, ctx: WorkflowContext) => {
      seen = ctx;
      return true;
    }, length);
    await expect(c.execute('abc')).resolves.toBe(3);
    expect(seen).toBeDefined();
  });

  it('validates its arguments', () => {
    expect(() => new ConditionalPrimitive('x' as never, length)).toThrow(TypeError);
    expect(() => new ConditionalPrimitive(() => true, {} as never)).toThrow(TypeError);
    expect(() => new ConditionalPrimitive(() => true, length, 3 as never)).toThrow(TypeError);
  });
});

describe('RouterPrimitive', () => {
  const router = () =>
    new RouterPrimitive({
      name: 'by-size',
      routes: { short: upper, long: length },
      select: (s) => (s.length > 3 ? 'long' : 'short'),
    });

  it('runs the selected route and emits a route event', async () => {
    const recorder = withHooks(createRecordingHooks());
    try {
      await expect(router().execute('ab')).resolves.toBe('AB');
      await expect(router().execute('abcdef')).resolves.toBe(6);
      expect(recorder.events.map((e) => e.type === 'route' && e.route)).toEqual(['short', 'long']);
    } finally {
      recorder.off();
    }
  });

  it('supports async select', async () => {
    const r = new RouterPrimitive({ routes: { a: upper }, select: async () => 'a' });
    await expect(r.execute('x')).resolves.toBe('X');
  });

  it('throws RouteNotFoundError for an unknown key without a default', async () => {
    const r = new RouterPrimitive({ routes: { a: upper }, select: () => 'b' });
    const error = await r.execute('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouteNotFoundError);
    expect(isTtaError(error, 'ROUTE_NOT_FOUND')).toBe(true);
    expect(error).toMatchObject({ route: 'b', available: ['a'] });
  });

  it('uses the default for unknown keys and says so', async () => {
    const recorder = withHooks(createRecordingHooks());
    try {
      const r = new RouterPrimitive({
        routes: { a: upper, b: length },
        select: () => 'zzz',
        default: 'b',
      });
      await expect(r.execute('xyz')).resolves.toBe(3);
      expect(recorder.events[0]).toMatchObject({
        type: 'route',
        route: 'b',
        selected: 'zzz',
        usedDefault: true,
      });
    } finally {
      recorder.off();
    }
  });

  it('does not route to inherited keys', async () => {
    const r = new RouterPrimitive({ routes: { a: upper }, select: () => 'toString' });
    await expect(r.execute('x')).rejects.toBeInstanceOf(RouteNotFoundError);
  });

  it('rejects bad options at construction', () => {
    expect(() => new RouterPrimitive({ routes: {}, select: () => 'a' })).toThrow(
      /must not be empty/,
    );
    expect(() => new RouterPrimitive({ routes: { a: upper }, select: 'a' as never })).toThrow(
      TypeError,
    );
    expect(() => new RouterPrimitive({ routes: { a: 1 as never }, select: () => 'a' })).toThrow(
      /route "a"/,
    );
    expect(
      () => new RouterPrimitive({ routes: { a: upper }, select: () => 'a', default: 'b' as never }),
    ).toThrow(/default route "b"/);
  });
});
