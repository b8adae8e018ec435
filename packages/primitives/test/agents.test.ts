import { InMemoryStore, StoreDataError, WorkflowContext } from '@tta/agent-context';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AgentCoordinationPrimitive,
  AgentHandoffPrimitive,
  AgentMemoryPrimitive,
  CoordinationError,
  type HandoffRecord,
} from '../src/agents/index.js';
import { lambda } from '../src/index.js';
import { MockPrimitive } from '../src/testing/index.js';

afterEach(() => {
  vi.useRealTimers();
});

const agentNamed = (reply: string) =>
  lambda((task: string, ctx: WorkflowContext) => `${reply}(${ctx.agentId}): ${task}`, {
    name: reply,
  });

describe('AgentHandoffPrimitive', () => {
  it('hands the task to the target now, as that agent, and records the history', async () => {
    const onHandoff = vi.fn();
    const handoff = new AgentHandoffPrimitive({
      agents: { billing: agentNamed('billing'), tech: agentNamed('tech') },
      to: (task: string) => (task.includes('invoice') ? 'billing' : 'tech'),
      reason: 'needs a specialist',
      onHandoff,
    });
    const ctx = WorkflowContext.create({ agentId: 'triage' });
    const result = await handoff.execute('invoice is wrong', ctx);
    expect(result).toMatchObject({
      status: 'completed',
      agent: 'billing',
      output: 'billing(billing): invoice is wrong',
    });
    const history = ctx.state.handoffHistory as HandoffRecord[];
    expect(history).toEqual([
      expect.objectContaining({
        from: 'triage',
        to: 'billing',
        strategy: 'immediate',
        status: 'completed',
        reason: 'needs a specialist',
      }),
    ]);
    expect(onHandoff).toHaveBeenCalledWith(history[0], ctx);
  });

  it('conditional: hands off only when the condition holds', async () => {
    const target = new MockPrimitive<string, string>({ returns: 'handled' });
    const handoff = new AgentHandoffPrimitive({
      agents: { senior: target },
      to: 'senior',
      strategy: 'conditional',
      condition: (task: string) => task.startsWith('urgent'),
    });
    await expect(handoff.execute('routine')).resolves.toMatchObject({
      status: 'skipped',
      agent: 'senior',
    });
    await expect(handoff.execute('urgent: outage')).resolves.toMatchObject({
      status: 'completed',
      output: 'handled',
    });
    expect(target.callCount).toBe(1);
  });

  it('queued: waits until runQueued, then runs with the saved context', async () => {
    const target = new MockPrimitive<string, string>({
      impl: (t, ctx) => `${t} in ${ctx.sessionId} by ${ctx.agentId}`,
    });
    const handoff = new AgentHandoffPrimitive({
      agents: { night: target },
      to: 'night',
      strategy: 'queued',
    });
    const result = await handoff.execute('task', WorkflowContext.create({ sessionId: 's-9' }));
    expect(result).toMatchObject({ status: 'queued', position: 1 });
    expect(target.callCount).toBe(0);
    const done = await handoff.runQueued();
    expect(done.map((r) => r.status === 'completed' && r.output)).toEqual(['task in s-9 by night']);
    expect(handoff.queued).toHaveLength(0);
  });

  it('validates strategy, agents and target at construction, and unknown targets at run time', async () => {
    const agents = { a: agentNamed('a') };
    expect(
      () => new AgentHandoffPrimitive({ agents, to: 'a', strategy: 'later' as never }),
    ).toThrow(/strategy/);
    expect(() => new AgentHandoffPrimitive({ agents, to: 'a', strategy: 'conditional' })).toThrow(
      /condition/,
    );
    expect(() => new AgentHandoffPrimitive({ agents, to: 'b' })).toThrow(/not one of the agents/);
    expect(() => new AgentHandoffPrimitive({ agents: {}, to: 'a' })).toThrow(/at least one/);
    await expect(
      new AgentHandoffPrimitive({ agents, to: () => 'zzz' }).execute('x'),
    ).rejects.toThrow(/no agent "zzz"/);
  });
});

describe('AgentMemoryPrimitive', () => {
  it('stores, retrieves, queries by agent and tags, and lists newest first', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1000 });
    const memory = new AgentMemoryPrimitive();
    const ctx = WorkflowContext.create({ sessionId: 's-1', agentId: 'planner' });
    await memory.execute({ op: 'store', key: 'plan', value: 'pro', tags: ['billing'] }, ctx);
    vi.setSystemTime(2000);
    await memory.execute(
      { op: 'store', key: 'os', value: 'linux', tags: ['tech'], agentId: 'coder' },
      ctx,
    );
    vi.setSystemTime(3000);
    await memory.execute(
      { op: 'store', key: 'refund', value: true, tags: ['billing', 'open'] },
      ctx,
    );
    await expect(memory.execute({ op: 'retrieve', key: 'plan' }, ctx)).resolves.toMatchObject({
      entry: { value: 'pro', agentId: 'planner' },
    });
    const billing = await memory.execute({ op: 'query', tags: ['billing'] }, ctx);
    expect(billing.op === 'query' && billing.entries.map((e) => e.key)).toEqual(['refund', 'plan']);
    const byCoder = await memory.execute({ op: 'query', agentId: 'coder' }, ctx);
    expect(byCoder.op === 'query' && byCoder.entries.map((e) => e.key)).toEqual(['os']);
    const listed = await memory.execute({ op: 'list', limit: 2 }, ctx);
    expect(listed.op === 'list' && listed.entries.map((e) => e.key)).toEqual(['refund', 'os']);
  });

  it('keeps scopes apart, and needs the ids a scope uses', async () => {
    const store = new InMemoryStore();
    const session = new AgentMemoryPrimitive({ store });
    const global = new AgentMemoryPrimitive({ store, scope: 'global' });
    await session.execute(
      { op: 'store', key: 'k', value: 1 },
      WorkflowContext.create({ sessionId: 'a' }),
    );
    await global.execute({ op: 'store', key: 'k', value: 'g' }, WorkflowContext.create());
    await expect(
      session.execute({ op: 'retrieve', key: 'k' }, WorkflowContext.create({ sessionId: 'b' })),
    ).resolves.toMatchObject({ entry: undefined });
    await expect(
      global.execute({ op: 'retrieve', key: 'k' }, WorkflowContext.create({ sessionId: 'b' })),
    ).resolves.toMatchObject({ entry: { value: 'g' } });
    await expect(session.execute({ op: 'list' }, WorkflowContext.create())).rejects.toThrow(
      /sessionId/,
    );
    expect(() => new AgentMemoryPrimitive({ scope: 'team' as never })).toThrow(TypeError);
  });

  it('rejects foreign data in its key space', async () => {
    const store = new InMemoryStore();
    await store.set('agent-memory:global:bogus', { not: 'an entry' });
    const memory = new AgentMemoryPrimitive({ store, scope: 'global' });
    await expect(memory.execute({ op: 'list' })).rejects.toBeInstanceOf(StoreDataError);
  });
});

describe('AgentCoordinationPrimitive', () => {
  const slow = (value: string, delayMs: number) =>
    new MockPrimitive<string, string>({ returns: value, delayMs });

  it('aggregate: a group timeout marks only the unfinished agents as timed out, and aborts them', async () => {
    vi.useFakeTimers();
    let aborted: unknown;
    const stuck = lambda(
      (_: string, ctx: WorkflowContext) =>
        new Promise<string>((_resolve, reject) => {
          ctx.signal?.addEventListener('abort', () => {
            aborted = ctx.signal?.reason;
            reject(ctx.signal?.reason);
          });
        }),
    );
    const group = new AgentCoordinationPrimitive({
      agents: {
        fast: slow('quick', 10),
        failing: new MockPrimitive<string, string>({ throws: new Error('no') }),
        stuck,
      },
      timeoutMs: 100,
    });
    const run = group.execute('q');
    await vi.advanceTimersByTimeAsync(100);
    const result = await run;
    expect(
      Object.fromEntries(Object.entries(result.results).map(([k, v]) => [k, v.status])),
    ).toEqual({
      fast: 'fulfilled',
      failing: 'rejected',
      stuck: 'timed-out',
    });
    expect(result.agents).toEqual(['fast']);
    expect(aborted).toMatchObject({ name: 'TimeoutError' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aggregate with requireAllSuccess fails with every outcome attached', async () => {
    const group = new AgentCoordinationPrimitive({
      agents: {
        ok: slow('a', 0),
        bad: new MockPrimitive<string, string>({ throws: new Error('x') }),
      },
      requireAllSuccess: true,
    });
    const error = await group.execute('q').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as CoordinationError).results.bad?.status).toBe('rejected');
  });

  it('first: the first success wins and the others are cancelled', async () => {
    vi.useFakeTimers();
    const laggard = slow('late', 1000);
    const group = new AgentCoordinationPrimitive({
      agents: {
        failing: new MockPrimitive<string, string>({ throws: new Error('x') }),
        winner: slow('win', 20),
        laggard,
      },
      strategy: 'first',
    });
    const run = group.execute('q');
    await vi.advanceTimersByTimeAsync(20);
    const result = await run;
    expect(result).toMatchObject({ output: 'win', agents: ['winner'] });
    expect(result.results.laggard?.status).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('consensus: the majority answer wins; without one it fails', async () => {
    const agree = new AgentCoordinationPrimitive({
      agents: { a: slow('Paris', 0), b: slow(' paris', 0), c: slow('Lyon', 0) },
      strategy: 'consensus',
      agreementKey: (s: string) => s.trim().toLowerCase(),
    });
    await expect(agree.execute('capital?')).resolves.toMatchObject({
      output: 'Paris',
      agents: ['a', 'b'],
    });
    const split = new AgentCoordinationPrimitive({
      agents: { a: slow('x', 0), b: slow('y', 0), c: slow('z', 0) },
      strategy: 'consensus',
    });
    await expect(split.execute('q')).rejects.toThrow(/no consensus/);
  });

  it('validates its options', () => {
    const agents = { a: slow('x', 0) };
    expect(() => new AgentCoordinationPrimitive({ agents: {} })).toThrow(TypeError);
    expect(() => new AgentCoordinationPrimitive({ agents, strategy: 'vote' as never })).toThrow(
      TypeError,
    );
    expect(() => new AgentCoordinationPrimitive({ agents, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => new AgentCoordinationPrimitive({ agents, minAgreement: 2 })).toThrow(RangeError);
  });
});
