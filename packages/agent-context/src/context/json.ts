import { Budget } from '../budget.js';
import { InvalidContextError } from '../errors/invalid-context-error.js';
import { isPlainRecord } from '../validation.js';
import { ID_KEYS, RECORD_KEYS } from './data-fields.js';
import type { Checkpoint, WorkflowContextInit } from './types.js';

/** Parses and checks a saved context: the init to build it from, and its checkpoints. */
export function initFromJSON(json: unknown): {
  init: WorkflowContextInit;
  checkpoints: Checkpoint[];
} {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new InvalidContextError(
        { field: 'json', reason: 'is not valid JSON' },
        { cause: error },
      );
    }
  }
  if (!isPlainRecord(data))
    throw new InvalidContextError({ field: 'json', reason: 'must be an object' });
  if (data.version !== 1)
    throw new InvalidContextError({
      field: 'version',
      reason: `must be 1 (got ${describeValue(data.version)})`,
    });
  // The constructor validates every field it is given; JSON only adds the required ones.
  const init: Record<string, unknown> = {
    correlationId: requireString('correlationId', data.correlationId),
    causationId: data.causationId,
    traceId: data.traceId,
    spanId: data.spanId,
    parentSpanId: data.parentSpanId,
    traceFlags: data.traceFlags,
    traceState: data.traceState,
    startTime: data.startTime,
    deadline: data.deadline,
    budget: data.budget === undefined ? undefined : Budget.fromJSON(data.budget),
  };
  for (const key of [...ID_KEYS, ...RECORD_KEYS]) init[key] = data[key];
  return { init: init as WorkflowContextInit, checkpoints: checkpoints(data.checkpoints) };
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidContextError({ field, reason: 'must be a string' });
  return value;
}

function checkpoints(value: unknown): Checkpoint[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new InvalidContextError({ field: 'checkpoints', reason: 'must be an array' });
  return value.map((item, index) => {
    if (
      !isPlainRecord(item) ||
      typeof item.name !== 'string' ||
      typeof item.time !== 'number' ||
      !Number.isFinite(item.time) ||
      typeof item.elapsedMs !== 'number' ||
      !Number.isFinite(item.elapsedMs)
    ) {
      throw new InvalidContextError({
        field: `checkpoints[${index}]`,
        reason: 'must be { name: string, time: number, elapsedMs: number }',
      });
    }
    return { name: item.name, time: item.time, elapsedMs: item.elapsedMs };
  });
}

/** A value for an error message, safely: a stored value's own `toString` may be anything. */
function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return typeof value === 'symbol' ? 'a symbol' : String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
