import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  CompensationError,
  CompensationPrimitive,
  lambda,
  parallel,
  sagaScope,
  sagaStep,
  sequential,
  WorkflowContext,
} from '../src/index.js';

describe('saga scopes: a pair registers its compensation with the enclosing scope (issue 12, item 10)', () => {
  const build = (undone: string[], failAt?: string) => {
    const step = (name: string) =>
      new CompensationPrimitive(
        lambda(
          async (x: string) => {
            if (name === failAt) throw new Error(`${name} failed`);
            return `${x}+${name}`;
          },
          { name },
        ),
        (_input, output) => {
          undone.push(`${name} (${output})`);
        },
      );
    return { step };
  };

  it('a failure later in the workflow undoes the completed pairs, last first', async () => {
    const undone: string[] = [];
    const { step } = build(undone);
    const charge = lambda(
      (_x: string): string => {
        throw new Error('card declined');
      },
      { name: 'charge' },
    );
    const booking = sagaScope(sequential(step('flight'), step('hotel'), charge), {
      name: 'booking',
    });
    const error = await booking.execute('trip').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompensationError);
    expect((error as CompensationError).cause).toEqual(new Error('card declined'));
    expect((error as CompensationError).compensated).toEqual(['hotel', 'flight']);
    expect(undone).toEqual(['hotel (trip+flight+hotel)', 'flight (trip+flight)']);
  });

  it('an abort later in the workflow undoes them too', async () => {
    const undone: string[] = [];
    const { step } = build(undone);
    const controller = new AbortController();
    const waitForever = lambda((_x: string, ctx) => {
      controller.abort();
      ctx.throwIfCancelled();
      return 'never';
    });
    const error = await sagaScope(sequential(step('flight'), waitForever))
      .execute('trip', WorkflowContext.create({ signal: controller.signal }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompensationError);
    expect((error as CompensationError).cause).toBeInstanceOf(CancelledError);
    expect(undone).toEqual(['flight (trip+flight)']);
  });

  it('nothing is undone when the workflow succeeds; a pair outside any scope just runs', async () => {
    const undone: string[] = [];
    const { step } = build(undone);
    await expect(sagaScope(sequential(step('a'), step('b'))).execute('x')).resolves.toBe('x+a+b');
    await expect(step('c').execute('y')).resolves.toBe('y+c');
    expect(undone).toEqual([]);
  });

  it('a completed saga registers its steps; parallel branches share the scope', async () => {
    const undone: string[] = [];
    const saga = new CompensationPrimitive([
      sagaStep({
        name: 's1',
        action: (x: string) => `${x}1`,
        compensate: () => void undone.push('s1'),
      }),
      sagaStep({
        name: 's2',
        action: (x: string) => `${x}2`,
        compensate: () => void undone.push('s2'),
      }),
    ]);
    const { step } = build(undone);
    const failing = lambda((_x: unknown): string => {
      throw new Error('later');
    });
    const flow = sagaScope(sequential(saga, parallel(step('left'), step('right')), failing));
    await expect(flow.execute('x')).rejects.toBeInstanceOf(CompensationError);
    expect(undone.slice(0, 2).sort()).toEqual(['left (x12+left)', 'right (x12+right)']);
    expect(undone.slice(2)).toEqual(['s2', 's1']);
  });

  it('the failing pair itself has nothing to undo; the ones before it are undone', async () => {
    const undone: string[] = [];
    const { step } = build(undone, 'hotel');
    await expect(
      sagaScope(sequential(step('flight'), step('hotel'))).execute('trip'),
    ).rejects.toBeInstanceOf(CompensationError);
    expect(undone).toEqual(['flight (trip+flight)']);
  });
});
