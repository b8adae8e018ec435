import { describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  CompensationError,
  CompensationPrimitive,
  WorkflowContext as Ctx,
  isTtaError,
  lambda,
  sagaStep,
  type WorkflowContext,
} from '../src/index.js';
import { createRecordingHooks } from '../src/testing/index.js';
import { withHooks } from './helpers.js';

interface Trip {
  user: string;
}

function bookingSaga(failAt?: string, log: string[] = []) {
  const action =
    (name: string, make: (input: unknown) => unknown) =>
    async (input: unknown): Promise<unknown> => {
      if (name === failAt) throw new Error(`${name} unavailable`);
      log.push(`do ${name}`);
      return make(input);
    };
  const saga = new CompensationPrimitive([
    sagaStep({
      name: 'flight',
      action: action('flight', (t) => ({ trip: t as Trip, flight: 'F1' })) as (
        t: Trip,
      ) => Promise<{ trip: Trip; flight: string }>,
      compensate: (trip, out) => {
        log.push(`undo flight ${out.flight} for ${trip.user}`);
      },
    }),
    sagaStep({
      name: 'hotel',
      action: action('hotel', (x) => ({ ...(x as object), hotel: 'H1' })) as (x: {
        trip: Trip;
        flight: string;
      }) => Promise<{ trip: Trip; flight: string; hotel: string }>,
      compensate: async (input, out) => {
        log.push(`undo hotel ${out.hotel} (flight ${input.flight})`);
      },
    }),
    sagaStep({
      name: 'car',
      action: action('car', (x) => ({ ...(x as object), car: 'C1' })) as (x: {
        trip: Trip;
        flight: string;
        hotel: string;
      }) => Promise<string>,
      compensate: () => {
        log.push('undo car');
      },
    }),
  ]);
  return { saga, log };
}

describe('CompensationPrimitive', () => {
  it('runs the actions in order, each getting the previous output', async () => {
    const { saga, log } = bookingSaga();
    await expect(saga.execute({ user: 'ana' })).resolves.toMatchObject({
      flight: 'F1',
      hotel: 'H1',
      car: 'C1',
    });
    expect(log).toEqual(['do flight', 'do hotel', 'do car']);
  });

  it('when step k fails, compensates completed steps in reverse with their input and output', async () => {
    const recorder = withHooks(createRecordingHooks());
    const { saga, log } = bookingSaga('car');
    try {
      const error = await saga.execute({ user: 'ana' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CompensationError);
      expect(isTtaError(error, 'SAGA_FAILED')).toBe(true);
      expect((error as CompensationError).cause).toMatchObject({ message: 'car unavailable' });
      expect((error as CompensationError).failedStep).toBe('car');
      expect((error as CompensationError).compensated).toEqual(['hotel', 'flight']);
      expect((error as CompensationError).compensationErrors).toEqual([]);
      expect(log).toEqual([
        'do flight',
        'do hotel',
        'undo hotel H1 (flight F1)',
        'undo flight F1 for ana',
      ]);
      expect(
        recorder.events.map((e) => e.type === 'compensation' && `${e.step}:${e.status}`),
      ).toEqual(['hotel:compensated', 'flight:compensated']);
    } finally {
      recorder.off();
    }
  });

  it('runs every compensation and reports the ones that fail', async () => {
    const undoA = vi.fn();
    const undoB = vi.fn(() => {
      throw new Error('cannot undo b');
    });
    const saga = new CompensationPrimitive([
      sagaStep({ name: 'a', action: (n: number) => n + 1, compensate: undoA }),
      sagaStep({ name: 'b', action: (n: number) => n + 1, compensate: undoB }),
      sagaStep({
        name: 'c',
        action: (_: number): number => {
          throw new Error('c failed');
        },
        compensate: () => {},
      }),
    ]);
    const error = (await saga.execute(0).catch((e: unknown) => e)) as CompensationError;
    expect(error.compensated).toEqual(['a']);
    expect(error.compensationErrors).toEqual([
      { step: 'b', error: expect.objectContaining({ message: 'cannot undo b' }) },
    ]);
    expect(undoA).toHaveBeenCalledWith(0, 1, expect.anything());
  });

  it('an abort mid-run compensates the completed steps, even though the context is cancelled', async () => {
    const controller = new AbortController();
    const seen: boolean[] = [];
    const saga = new CompensationPrimitive([
      sagaStep({
        name: 'charge',
        action: (n: number) => n,
        compensate: (_i, _o, ctx: WorkflowContext) => {
          seen.push(ctx.isCancelled);
        },
      }),
      sagaStep({
        name: 'ship',
        action: async (n: number, ctx: WorkflowContext) => {
          controller.abort();
          ctx.throwIfCancelled();
          return n;
        },
        compensate: () => {
          seen.push(true);
        },
      }),
    ]);
    const error = (await saga
      .execute(1, Ctx.create({ signal: controller.signal }))
      .catch((e: unknown) => e)) as CompensationError;
    expect(error.cause).toBeInstanceOf(CancelledError);
    expect(error.compensated).toEqual(['charge']);
    expect(seen).toEqual([false]);
  });

  it('accepts a single (forward, compensate) pair', async () => {
    const undo = vi.fn();
    const forward = lambda(
      (n: number): number => {
        throw new Error(`no ${n}`);
      },
      { name: 'reserve' },
    );
    const single = new CompensationPrimitive(forward, undo);
    const error = (await single.execute(3).catch((e: unknown) => e)) as CompensationError;
    expect(error.failedStep).toBe('reserve');
    expect(error.compensated).toEqual([]);
    expect(undo).not.toHaveBeenCalled();
    const ok = new CompensationPrimitive(
      lambda((n: number) => n * 2),
      undo,
    );
    await expect(ok.execute(2)).resolves.toBe(4);
    expect(ok.name).toBe('CompensationPrimitive');
  });

  it('validates steps at construction', () => {
    const step = { name: 'a', action: (n: number) => n, compensate: () => {} };
    expect(() => new CompensationPrimitive([] as never)).toThrow(TypeError);
    expect(() => new CompensationPrimitive([step, step] as never)).toThrow(/duplicate/);
    expect(() => new CompensationPrimitive([{ ...step, compensate: 1 }] as never)).toThrow(
      /compensate/,
    );
    expect(() => new CompensationPrimitive([{ ...step, action: 1 }] as never)).toThrow(/action/);
    expect(() => new CompensationPrimitive([{ ...step, name: '' }] as never)).toThrow(/name/);
  });
});
