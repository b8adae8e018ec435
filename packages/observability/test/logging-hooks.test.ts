import { lambda, RouterPrimitive, registerHooks, WorkflowContext } from '@tta/primitives';
import { describe, expect, it } from 'vitest';
import { createLoggingHooks, type LogRecord } from '../src/index.js';

describe('createLoggingHooks', () => {
  it('logs executions and events with labels, never inputs', async () => {
    const records: LogRecord[] = [];
    const off = registerHooks(createLoggingHooks({ sink: (r) => records.push(r) }));
    const router = new RouterPrimitive({
      name: 'pick',
      routes: { a: lambda((s: string) => s.length, { name: 'len' }) },
      select: () => 'a',
    });
    const ctx = WorkflowContext.create({ workflowId: 'wf', correlationId: 'c-1' });
    try {
      await router.execute('secret input', ctx);
    } finally {
      off();
    }
    expect(
      records.map((r) => (r.kind === 'execution' ? `${r.name}:${r.status}` : `event:${r.event}`)),
    ).toEqual(['event:route', 'len:success', 'pick:success']);
    expect(records[2]).toMatchObject({ correlationId: 'c-1', workflowId: 'wf', type: 'router' });
    expect(JSON.stringify(records)).not.toContain('secret input');
  });

  it('logs failures with the error type, and can skip successes', async () => {
    const records: LogRecord[] = [];
    const off = registerHooks(
      createLoggingHooks({ sink: (r) => records.push(r), logSuccess: false }),
    );
    const ok = lambda(() => 1, { name: 'ok' });
    const bad = lambda(
      () => {
        throw new RangeError('x');
      },
      { name: 'bad' },
    );
    try {
      await ok.execute(undefined);
      await bad.execute(undefined).catch(() => {});
    } finally {
      off();
    }
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'execution',
      name: 'bad',
      status: 'error',
      errorType: 'RangeError',
    });
  });
});
