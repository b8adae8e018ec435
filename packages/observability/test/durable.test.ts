import { lambda, sequential } from '@tta/primitives';
import { durable, InMemoryDurableStore } from '@tta/primitives/durable';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { tracing } from './otel-setup.js';

// Durable runs in telemetry (issue 14): a step answered from the journal is marked replayed on its
// span and counted; journal writes and run transitions are measured.

let t: ReturnType<typeof tracing> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

function expense(hold: { until?: Promise<void> }) {
  return sequential(
    { name: 'expense' },
    lambda((n: number) => n + 1, { name: 'draft' }),
    lambda(
      async (n: number) => {
        if (hold.until !== undefined) await hold.until;
        return n * 2;
      },
      { name: 'pay' },
    ),
  );
}

describe('durable runs in telemetry', () => {
  it('a resumed run marks its replayed steps, and the metrics count replays, writes and transitions', async () => {
    const registry = new Registry();
    t = tracing({ registry });
    try {
      const store = new InMemoryDurableStore();
      const options = { name: 'expense', store, workerId: 'w' };
      await durable(expense({ until: new Promise<void>(() => {}) }), options).start(1, {
        runId: 'r',
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      t.exporter.reset();
      await (await durable(expense({}), options).resume('r')).result();
      const draft = t.byName('lambda draft');
      expect(draft.attributes['tta.durable.replayed']).toBe(true);
      expect(t.byName('lambda pay').attributes['tta.durable.replayed']).toBeUndefined();
      const text = await registry.metrics();
      expect(text).toContain('tta_durable_steps_replayed_total{workflow="expense"} 1');
      expect(text).toMatch(/tta_durable_journal_write_seconds_count\{workflow="expense"\} 2/);
      expect(text).toContain('tta_durable_runs_total{workflow="expense",status="started"} 1');
      expect(text).toContain('tta_durable_runs_total{workflow="expense",status="resumed"} 1');
      expect(text).toContain('tta_durable_runs_total{workflow="expense",status="completed"} 1');
    } finally {
      await t.stop();
      t = undefined;
    }
  });

  it('a resumed run continues its trace, and its span links to the attempt that died', async () => {
    t = tracing();
    const store = new InMemoryDurableStore();
    const options = { name: 'expense', store, workerId: 'w' };
    await durable(expense({ until: new Promise<void>(() => {}) }), options).start(1, {
      runId: 'r',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The first attempt's outermost span never ends (its process "died"); its step did.
    const died = t.byName('lambda draft').parentSpanContext?.spanId;
    expect(died).toMatch(/^[0-9a-f]{16}$/);
    t.exporter.reset();
    const flow = durable(expense({}), options);
    await (await flow.resume('r')).result();
    const info = await flow.get('r');
    const root = t.byName('invoke_workflow expense');
    expect(root?.spanContext().traceId).toBe(info.traceId);
    expect(root?.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [info.traceId, died],
    ]);
    expect(root?.links[0]?.attributes).toEqual({ 'tta.durable.attempt': 1 });
    expect(info.attempts.map((a) => [a.traceId, a.spanId])).toEqual([
      [info.traceId, died],
      [info.traceId, root?.spanContext().spanId],
    ]);
    // Attempts are not steps.
    expect(info.steps.map((s) => s.path)).toEqual(['expense/1', 'expense/2']);
  });
});
