import { describe, expect, it } from 'vitest';
import {
  CompensationPrimitive,
  lambda,
  parallel,
  RouterPrimitive,
  sagaStep,
  sequential,
  TierRouterPrimitive,
  when,
} from '../src/index.js';

const step = (name: string) => lambda((x: string) => x, { name });

describe('a step knows its path in the composition tree', () => {
  it('from the root name through each composite, computed when composed', () => {
    const clean = step('clean');
    const primary = step('primary-model');
    const backup = step('backup-model');
    const answer = primary.withTimeout(1000).withFallback(backup);
    const flow = sequential({ name: 'support-triage' }, clean, answer);
    expect(flow.path).toBe('support-triage');
    expect(clean.path).toBe('support-triage/1');
    expect(answer.path).toBe('support-triage/2');
    expect(backup.path).toBe('support-triage/2/fallback-1');
    expect(primary.path).toBe('support-triage/2/primary/inner');
  });

  it('is updated when a workflow is composed into a larger one, and flattening keeps steps in place', () => {
    const a = step('a');
    const b = step('b');
    const c = step('c');
    const inner = a.pipe(b); // anonymous: flattens into the next sequence
    expect(b.path).toBe('SequentialPrimitive/2');
    const outer = sequential({ name: 'outer' }, inner.pipe(c));
    expect(outer.path).toBe('outer');
    expect([a.path, b.path, c.path]).toEqual(['outer/1', 'outer/2', 'outer/3']);
    const nested = sequential({ name: 'top' }, step('first'), outer);
    expect(nested.path).toBe('top');
    expect(c.path).toBe('top/2/3'); // a named sequence stays one step
  });

  it('covers parallel, routers, conditionals and sagas', () => {
    const [x, y, cheap, strong, yes, pay] = ['x', 'y', 'cheap', 'strong', 'yes', 'pay'].map(
      step,
    ) as [ReturnType<typeof step>, ...ReturnType<typeof step>[]] as ReturnType<typeof step>[] as [
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
    ];
    const fan = parallel({ x, y }, { name: 'fan' });
    expect(fan.path).toBe('fan');
    expect([x.path, y.path]).toEqual(['fan/x', 'fan/y']);
    new RouterPrimitive({ name: 'route', routes: { cheap, strong }, select: () => 'cheap' });
    expect(strong.path).toBe('route/strong');
    const tiers = new TierRouterPrimitive({
      name: 'tiers',
      tiers: { small: cheap as never, large: strong as never },
      classify: () => 'small',
    });
    expect(tiers.path).toBe('tiers');
    expect(cheap.path).toBe('tiers/small');
    when((s: string) => s.length > 0, yes as never, undefined, { name: 'gate' });
    expect(yes.path).toBe('gate/then');
    new CompensationPrimitive(
      [sagaStep({ name: 'charge', action: pay as never, compensate: () => {} })],
      {
        name: 'booking',
      },
    );
    expect(pay.path).toBe('booking/charge');
  });

  it('is read from a field: the same string every call', () => {
    const s = step('s');
    sequential({ name: 'root' }, s);
    expect(s.path).toBe(s.path);
    expect(
      Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(s)), 'path')?.get,
    ).toBeDefined();
  });
});

describe('the path in docs/concepts.md', () => {
  it('is what the first workflow gives its second model', async () => {
    const { CachePrimitive, FallbackPrimitive, RetryPrimitive, TimeoutPrimitive } = await import(
      '../src/index.js'
    );
    const [validate, gpt4o, llama3, format] = ['validate', 'gpt-4o', 'llama-3', 'format'].map(
      step,
    ) as [
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
      ReturnType<typeof step>,
    ];
    sequential(
      { name: 'first-workflow' },
      validate,
      new CachePrimitive(
        new TimeoutPrimitive(
          new RetryPrimitive(
            new FallbackPrimitive(gpt4o.withCircuitBreaker({ name: 'breaker' }), llama3, {
              name: 'two-models',
            }),
            { maxRetries: 2, initialDelayMs: 200 },
          ),
          { timeoutMs: 15_000 },
        ),
        { ttlMs: 600_000 },
      ),
      format,
    );
    expect(llama3.path).toBe('first-workflow/2/inner/inner/inner/fallback-1');
    expect(gpt4o.path).toBe('first-workflow/2/inner/inner/inner/primary/inner');
  });
});
