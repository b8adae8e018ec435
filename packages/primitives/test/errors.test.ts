import * as contextRoot from '@tta/agent-context';
import { describe, expect, it } from 'vitest';
import * as agents from '../src/agents/index.js';
import * as root from '../src/index.js';
import * as llm from '../src/llm/index.js';
import * as redis from '../src/redis/index.js';
import * as testing from '../src/testing/index.js';

const entryPoints = { contextRoot, root, agents, llm, redis, testing };
const errorClasses = Object.entries(entryPoints).flatMap(([entry, mod]) =>
  Object.entries(mod)
    .filter(([name, value]) => /^[A-Z]\w*Error$/.test(name) && typeof value === 'function')
    .map(([name, value]) => [`${entry}.${name}`, value] as const),
);

describe('one error shape', () => {
  it('finds the error classes of every entry point', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(20);
  });

  it.each(errorClasses)('%s extends TtaError', (_name, ErrorClass) => {
    expect(
      ErrorClass === contextRoot.TtaError || ErrorClass.prototype instanceof root.TtaError,
    ).toBe(true);
  });

  it('takes (details, options) and keeps the details as fields', () => {
    const cause = new Error('boom');
    const saga = new root.CompensationError(
      { saga: 'booking', failedStep: 'pay', compensated: ['hold'], compensationErrors: [] },
      { cause },
    );
    expect(saga).toMatchObject({ code: 'SAGA_FAILED', saga: 'booking', failedStep: 'pay', cause });
    expect(saga.compensated).toEqual(['hold']);
    const open = new root.CircuitOpenError({ circuit: 'provider', retryAfterMs: 250 });
    expect(open).toMatchObject({ code: 'CIRCUIT_OPEN', circuit: 'provider', retryAfterMs: 250 });
    const fallback = new root.FallbackError({
      fallback: 'f',
      errors: [1, cause],
      attempted: ['a', 'b'],
    });
    expect(fallback.cause).toBe(cause);
    expect(fallback.errors).toEqual([1, cause]);
  });

  it('isTtaError matches by code', () => {
    const error: unknown = new root.TimeoutError({ step: 'model', timeoutMs: 10 });
    expect(root.isTtaError(error)).toBe(true);
    expect(root.isTtaError(error, 'TIMEOUT')).toBe(true);
    expect(root.isTtaError(error, 'CANCELLED')).toBe(false);
    expect(root.isTtaError(new Error('plain'))).toBe(false);
    if (root.isTtaError(error, 'TIMEOUT')) expect(error.step).toBe('model');
  });
});
