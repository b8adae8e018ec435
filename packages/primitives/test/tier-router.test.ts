import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CircuitBreakerPrimitive,
  CircuitOpenError,
  lambda,
  RouteNotFoundError,
  TierRouterPrimitive,
  WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks, MockPrimitive } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

function tiers() {
  return {
    fast: new MockPrimitive<string, string>({ name: 'small', impl: (p) => `small:${p}` }),
    balanced: new MockPrimitive<string, string>({ name: 'medium', impl: (p) => `medium:${p}` }),
    quality: new MockPrimitive<string, string>({ name: 'large', impl: (p) => `large:${p}` }),
  };
}

describe('TierRouterPrimitive', () => {
  it('routes by classify, from the input and the context', async () => {
    const t = tiers();
    const router = new TierRouterPrimitive({
      tiers: t,
      classify: (prompt, ctx) =>
        ctx.metadata.priority === 'high' ? 'quality' : prompt.length > 20 ? 'balanced' : 'fast',
    });
    await expect(router.execute('hi')).resolves.toBe('small:hi');
    await expect(router.execute('a much longer question here')).resolves.toMatch(/^medium/);
    await expect(
      router.execute('hi', WorkflowContext.create({ metadata: { priority: 'high' } })),
    ).resolves.toBe('large:hi');
  });

  it('skips a tier whose breaker is open, going up first, then down; says which tier ran', async () => {
    vi.useFakeTimers({ now: 0 });
    const recorder = withHooks(createRecordingHooks());
    const t = tiers();
    const down = new MockPrimitive<string, string>({ name: 'medium', throws: new Error('503') });
    const router = new TierRouterPrimitive({
      tiers: { ...t, balanced: down },
      classify: () => 'balanced',
      breakers: {
        balanced: { failureThreshold: 1, recoveryTimeoutMs: 1000 },
        quality: { failureThreshold: 1 },
      },
    });
    try {
      await expect(router.execute('q')).rejects.toThrow('503'); // opens balanced
      expect(router.breaker('balanced')?.state).toBe('open');
      await expect(router.execute('q')).resolves.toBe('large:q');
      expect(down.callCount).toBe(1);
      const routes = recorder.events.filter((e) => e.type === 'route');
      expect(routes.at(-1)).toMatchObject({
        route: 'quality',
        selected: 'balanced',
        usedDefault: true,
      });
      expect(router.fallbackOrder('balanced')).toEqual(['balanced', 'quality', 'fast']);
    } finally {
      recorder.off();
    }
  });

  it('falls to cheaper tiers when the top tiers are open, and fails with CircuitOpenError when all are', async () => {
    const failing = (name: string) =>
      new MockPrimitive<string, string>({ name, throws: new Error(`${name} down`) });
    const cheap = new MockPrimitive<string, string>({ name: 'small', returns: 'cheap answer' });
    const router = new TierRouterPrimitive({
      tiers: { fast: cheap, quality: failing('large') },
      classify: () => 'quality',
      breakers: { quality: { failureThreshold: 1 } },
    });
    await router.execute('q').catch(() => {});
    await expect(router.execute('q')).resolves.toBe('cheap answer');

    const allDown = new TierRouterPrimitive({
      tiers: { fast: failing('a'), quality: failing('b') },
      classify: () => 'fast',
      breakers: { fast: { failureThreshold: 1 }, quality: { failureThreshold: 1 } },
    });
    await allDown.execute('q').catch(() => {});
    await allDown.execute('q').catch(() => {}); // opens quality via the fallback path
    await expect(allDown.execute('q')).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('an unknown tier is a RouteNotFoundError; bad breakers fail at construction', async () => {
    const router = new TierRouterPrimitive({ tiers: tiers(), classify: () => 'premium' as never });
    await expect(router.execute('q')).rejects.toBeInstanceOf(RouteNotFoundError);
    expect(
      () =>
        new TierRouterPrimitive({
          tiers: tiers(),
          classify: () => 'fast',
          breakers: { nope: {} } as never,
        }),
    ).toThrow(/breakers.nope/);
    expect(() => new TierRouterPrimitive({ tiers: {}, classify: () => 'x' as never })).toThrow(
      TypeError,
    );
  });
});

describe('TierRouterPrimitive breakers given as breakers', () => {
  it('uses an existing breaker around the tier: a circuit opened elsewhere skips the tier', async () => {
    const fast = lambda((q: string) => `fast:${q}`, { name: 'fast' });
    const quality = lambda((q: string) => `quality:${q}`, { name: 'quality' });
    const shared = new CircuitBreakerPrimitive(fast, { key: 'fast-model', failureThreshold: 1 });
    const router = new TierRouterPrimitive({
      name: 'tiers',
      tiers: { fast, quality },
      classify: () => 'fast',
      breakers: { fast: shared },
    });
    expect(router.breaker('fast')).toBe(shared);
    await expect(router.execute('a')).resolves.toBe('fast:a');
    expect(shared.state).toBe('closed');
    const failing = lambda((_q: string): string => {
      throw new Error('down');
    });
    const guarded = new CircuitBreakerPrimitive(failing, { failureThreshold: 1 });
    const router2 = new TierRouterPrimitive({
      tiers: { first: failing, second: quality },
      classify: () => 'first',
      breakers: { first: guarded },
    });
    await expect(router2.execute('b')).rejects.toThrow('down');
    expect(guarded.state).toBe('open');
    await expect(router2.execute('c')).resolves.toBe('quality:c'); // the open tier is skipped
  });

  it('rejects a breaker around another primitive, and anything that is not options or a breaker', () => {
    const fast = lambda((q: string) => q, { name: 'fast' });
    const other = lambda((q: string) => q, { name: 'other' });
    expect(
      () =>
        new TierRouterPrimitive({
          tiers: { fast },
          classify: () => 'fast',
          breakers: { fast: new CircuitBreakerPrimitive(other) },
        }),
    ).toThrow(/breakers.fast wraps another primitive/);
    expect(
      () =>
        new TierRouterPrimitive({
          tiers: { fast },
          classify: () => 'fast',
          breakers: { fast: other as never },
        }),
    ).toThrow(/breakers.fast must be circuit-breaker options or a CircuitBreakerPrimitive/);
    expect(
      () =>
        new TierRouterPrimitive({
          tiers: { fast },
          classify: () => 'fast',
          breakers: { fast: 'yes' as never },
        }),
    ).toThrow(TypeError);
  });
});
