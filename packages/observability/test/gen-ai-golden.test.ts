import { isDefaultExportSpan } from '@langfuse/otel';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { WorkflowContext } from '@tta/agent-context';
import {
  FallbackPrimitive,
  lambda,
  RouterPrimitive,
  reportLlmCall,
  sequential,
} from '@tta/primitives';
import { AgentCoordinationPrimitive } from '@tta/primitives/agents';
import { OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer } from '@tta/primitives/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordEvaluation, traceRun } from '../src/index.js';
import { parentId, tracing, tree } from './otel-setup.js';

// Golden traces in the OpenTelemetry GenAI conventions (issue 13 item 11): the span tree trace
// UIs draw, every gen_ai.* name checked against the semantic-conventions registry, and every span
// kept by Langfuse's default export filter.

let t: ReturnType<typeof tracing>;
afterEach(async () => {
  await t?.stop();
});

// Every gen_ai.* attribute and event name the registry defines.
const REGISTRY = new Set<string>(
  (Object.values(semconv) as unknown[]).filter(
    (v): v is string => typeof v === 'string' && v.startsWith('gen_ai.'),
  ),
);

function checkConventions(spans: readonly ReadableSpan[]) {
  expect(spans.length).toBeGreaterThan(0);
  for (const span of spans) {
    const names = [
      ...Object.keys(span.attributes),
      ...span.events.flatMap((e) => [e.name, ...Object.keys(e.attributes ?? {})]),
    ].filter((n) => n.startsWith('gen_ai.'));
    for (const name of names) expect(REGISTRY, `${span.name}: ${name}`).toContain(name);
    expect(isDefaultExportSpan(span), `Langfuse keeps ${span.name}`).toBe(true);
  }
}

const MODEL_ATTRIBUTES = [
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.provider.name',
];
const hasModelAttributes = (s: ReadableSpan) => MODEL_ATTRIBUTES.some((a) => a in s.attributes);

describe('GenAI golden traces', () => {
  it('a sequence: invoke_workflow at the root, with the conversation id', async () => {
    t = tracing();
    const flow = sequential(
      { name: 'triage' },
      lambda((x: string) => x.trim(), { name: 'clean' }),
      lambda((x: string) => x.length, { name: 'count' }),
    );
    await flow.execute(' hi ', WorkflowContext.create({ sessionId: 'conv-1' }));
    expect(tree(t.spans())).toBe(
      ['invoke_workflow triage', '  lambda clean', '  lambda count'].join('\n'),
    );
    expect(t.byName('invoke_workflow triage').attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'triage',
      'gen_ai.conversation.id': 'conv-1',
    });
    expect(t.byName('lambda clean').attributes['gen_ai.operation.name']).toBeUndefined();
    expect(t.byName('lambda clean').attributes['gen_ai.workflow.name']).toBe('triage');
    // Content stays off by default.
    expect(JSON.stringify(t.spans().map((s) => s.attributes))).not.toContain(' hi ');
    checkConventions(t.spans());
  });

  it('a router with a fallback: chat spans for the model calls, none on the recovery spans', async () => {
    t = tracing();
    const model = (name: string, fail: boolean) =>
      lambda(
        async (q: string) => {
          reportLlmCall({ provider: 'openai', model: name, inputTokens: 3, outputTokens: 2 });
          if (fail) throw new Error('overloaded');
          return `${name}: ${q}`;
        },
        { name },
      );
    const router = new RouterPrimitive({
      name: 'pick',
      routes: {
        quality: new FallbackPrimitive(model('gpt-big', true), model('gpt-small', false), {
          name: 'quality',
        }),
      },
      select: () => 'quality',
    });
    await router.execute('q');
    expect(tree(t.spans())).toBe(
      [
        'invoke_workflow pick',
        '  fallback quality',
        '    chat gpt-big [ERROR]',
        '    chat gpt-small',
      ].join('\n'),
    );
    expect(t.byName('chat gpt-small').attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-small',
    });
    expect(hasModelAttributes(t.byName('fallback quality'))).toBe(false);
    expect(hasModelAttributes(t.byName('invoke_workflow pick'))).toBe(false);
    checkConventions(t.spans());
  });

  it('an agent with two tools: invoke_agent, execute_tool, chat', async () => {
    t = tracing({ captureContent: true });
    const search = lambda(async (q: string) => `${q} results`, {
      name: 'search_docs',
      tool: { description: 'Full-text search of the docs' },
    });
    const fetchPage = lambda(async (q: string) => `${q} page`, { name: 'fetch_page', tool: true });
    const write = lambda(
      async (q: string) => {
        reportLlmCall({
          provider: 'openai',
          model: 'gpt-4o-mini',
          inputTokens: 9,
          outputTokens: 4,
        });
        return `answer from ${q}`;
      },
      { name: 'write' },
    );
    const panel = new AgentCoordinationPrimitive({
      name: 'support',
      agents: { researcher: sequential(search, fetchPage, write) },
    });
    await panel.execute('reset password', WorkflowContext.create({ sessionId: 'conv-2' }));
    // Siblings that start in the same millisecond are listed by name.
    const names = tree(t.spans()).split('\n');
    expect(names.slice(0, 2)).toEqual(['invoke_workflow support', '  invoke_agent researcher']);
    expect(names.slice(2).sort()).toEqual([
      '    chat gpt-4o-mini',
      '    execute_tool fetch_page',
      '    execute_tool search_docs',
    ]);
    expect(t.byName('invoke_agent researcher').attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'researcher',
      'gen_ai.conversation.id': 'conv-2',
    });
    expect(t.byName('execute_tool search_docs').attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search_docs',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.description': 'Full-text search of the docs',
    });
    // Content capture is opt-in: the workflow's input and output, as GenAI messages.
    expect(
      JSON.parse(t.byName('invoke_workflow support').attributes['gen_ai.input.messages'] as string),
    ).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'reset password' }] }]);
    expect(t.byName('invoke_workflow support').attributes['gen_ai.output.messages']).toContain(
      'answer from reset password results page',
    );
    const tools = t.spans().filter((s) => s.name.startsWith('execute_tool'));
    expect(
      tools.every((s) => parentId(s) === t.byName('invoke_agent researcher').spanContext().spanId),
    ).toBe(true);
    checkConventions(t.spans());
  });

  it('a streamed model call: chat {model} with usage and time to first chunk', async () => {
    t = tracing();
    const server = await createFakeLLMServer({
      reply: () => 'one two three',
      firstTokenDelayMs: 20,
    });
    try {
      const chat = new OpenAIChatPrimitive({
        model: 'fake-small',
        baseURL: server.url,
        stream: true,
      });
      await sequential(
        { name: 'ask' },
        lambda((q: string) => q, { name: 'prep' }),
        chat,
      ).execute('hi');
      const call = t.spans().find((s) => s.name === 'chat fake-small');
      expect(call?.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'fake-small',
      });
      expect(call?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(call?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.02);
      checkConventions(t.spans());
    } finally {
      await server.close();
    }
  });

  it('evaluations: on the running step, or on a finished run through its ids', async () => {
    t = tracing();
    const judge = lambda(
      (answer: string) => {
        recordEvaluation(undefined, { name: 'relevance', score: 0.8, label: 'relevant' });
        return answer;
      },
      { name: 'judge' },
    );
    const run = await traceRun(
      sequential(
        { name: 'qa' },
        lambda((q: string) => q, { name: 'answer' }),
        judge,
      ),
      'q',
    );
    expect(run.output).toBe('q');
    const root = t.byName('invoke_workflow qa');
    expect([run.traceId, run.spanId]).toEqual([
      root.spanContext().traceId,
      root.spanContext().spanId,
    ]);
    expect(t.byName('lambda judge').events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'gen_ai.evaluation.result',
        {
          'gen_ai.evaluation.name': 'relevance',
          'gen_ai.evaluation.score.value': 0.8,
          'gen_ai.evaluation.score.label': 'relevant',
        },
      ],
    ]);
    // Later, after the run ended: a user's rating.
    recordEvaluation(
      run,
      { name: 'user_feedback', score: 1, explanation: 'solved it' },
      { tracerProvider: t.provider },
    );
    const feedback = t.byName('evaluation user_feedback');
    expect(feedback.spanContext().traceId).toBe(run.traceId);
    expect(parentId(feedback)).toBe(run.spanId);
    expect(feedback.events[0]?.attributes).toMatchObject({
      'gen_ai.evaluation.name': 'user_feedback',
      'gen_ai.evaluation.score.value': 1,
      'gen_ai.evaluation.explanation': 'solved it',
    });
    checkConventions(t.spans());
    expect(() => recordEvaluation(run, { name: '' })).toThrow(TypeError);
    expect(() => recordEvaluation(run, { name: 'x', score: Number.NaN })).toThrow(TypeError);
    expect(() => recordEvaluation({ traceId: 'x', spanId: 'y' }, { name: 'x' })).toThrow(TypeError);
  });
});
