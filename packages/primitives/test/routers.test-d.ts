import { describe, expectTypeOf, test } from 'vitest';
import {
  CircuitBreakerPrimitive,
  lambda,
  RouterPrimitive,
  sequential,
  TierRouterPrimitive,
} from '../src/index.js';
import { OpenAIChatPrimitive } from '../src/llm/index.js';

const small = new OpenAIChatPrimitive({ model: 'small', baseURL: 'http://127.0.0.1:9/v1' });
const large = new OpenAIChatPrimitive({ model: 'large', baseURL: 'http://127.0.0.1:9/v1' });
const numeric = lambda((n: number) => ({ text: String(n) }));

describe('TierRouterPrimitive', () => {
  test('classify may take a narrower input than the tiers (model tiers, string prompts)', () => {
    const router = new TierRouterPrimitive({
      tiers: { small, large },
      classify: (prompt: string) => (prompt.length > 100 ? 'large' : 'small'),
    });
    expectTypeOf(router.execute).parameter(0).toEqualTypeOf<string>();
  });

  test('without an annotation, classify is typed from the tiers', () => {
    new TierRouterPrimitive({
      tiers: { small, large },
      classify: (input) => {
        expectTypeOf(input).toEqualTypeOf<Parameters<typeof small.execute>[0]>();
        return 'small';
      },
    });
  });

  test('a tier that does not take the input is named in the error', () => {
    new TierRouterPrimitive({
      tiers: {
        small,
        // @ts-expect-error this tier takes numbers, the router strings
        odd: numeric,
      },
      classify: (prompt: string) => (prompt ? 'small' : 'odd'),
    });
  });

  test('classify returns a tier key', () => {
    new TierRouterPrimitive({
      tiers: { small, large },
      // @ts-expect-error 'medium' is not a tier
      classify: () => 'medium',
    });
  });

  test('breakers take options or an existing breaker, nothing else', () => {
    const shared = new CircuitBreakerPrimitive(large, { key: 'large-model' });
    new TierRouterPrimitive({
      tiers: { small, large },
      classify: () => 'small',
      breakers: { small: { failureThreshold: 3 }, large: shared },
    });
    new TierRouterPrimitive({
      tiers: { small, large },
      classify: () => 'small',
      // @ts-expect-error a primitive that is not a breaker
      breakers: { small: numeric },
    });
  });
});

describe('RouterPrimitive', () => {
  test('select is typed from the routes, or narrows them when annotated', () => {
    const routes = { cheap: lambda((q: string) => q), strong: lambda((q: string) => q.trim()) };
    const contextual = new RouterPrimitive({
      routes,
      select: (q) => {
        expectTypeOf(q).toEqualTypeOf<string>();
        return 'cheap';
      },
    });
    expectTypeOf(contextual.execute).parameter(0).toEqualTypeOf<string>();
    const wide = { any: lambda((x: unknown) => String(x)) };
    const narrowed = new RouterPrimitive({
      routes: wide,
      select: (q: number) => (q ? 'any' : 'any'),
    });
    expectTypeOf(narrowed.execute).parameter(0).toEqualTypeOf<number>();
  });

  test('a router built inline keeps its own input type', () => {
    const flow = sequential(
      lambda((q: string) => ({ q })),
      new RouterPrimitive({
        routes: { any: lambda((x: unknown) => JSON.stringify(x)) },
        select: () => 'any',
      }),
    );
    expectTypeOf(flow.execute).parameter(0).toEqualTypeOf<string>();
  });

  test('a route that does not take the input is named in the error', () => {
    new RouterPrimitive({
      routes: {
        text: lambda((q: string) => q),
        // @ts-expect-error this route takes numbers
        number: lambda((n: number) => String(n)),
      },
      select: (q: string) => (q ? 'text' : 'number'),
    });
  });
});
