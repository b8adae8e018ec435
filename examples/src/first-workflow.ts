import { WorkflowContext } from '@tta/agent-context';
import {
  CachePrimitive,
  FallbackPrimitive,
  lambda,
  RetryPrimitive,
  registerHooks,
  sequential,
  TimeoutPrimitive,
} from '@tta/primitives';
import { type ChatOutput, OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer, createRecordingHooks } from '@tta/primitives/testing';

/**
 * The seed's first workflow: validate → cache → timeout → retry → fallback between two models →
 * format. Runs on two local fake model servers (the primary one flaky) unless OPENAI_BASE_URL is
 * set, in which case it uses that endpoint (OPENAI_API_KEY, OPENAI_MODEL, OPENAI_FALLBACK_MODEL).
 */
export async function runFirstWorkflow(print: (line: string) => void = console.log) {
  const real = process.env.OPENAI_BASE_URL !== undefined;
  // Fake servers: the primary fails half its requests (deterministically), the backup never does.
  const primaryServer = real
    ? undefined
    : await createFakeLLMServer({
        errorRate: 0.5,
        seed: 7,
        reply: (r) => `[large] ${answerFor(r.messages.at(-1)?.content ?? '')}`,
      });
  const backupServer = real
    ? undefined
    : await createFakeLLMServer({
        reply: (r) => `[small] ${answerFor(r.messages.at(-1)?.content ?? '')}`,
      });
  const recorder = createRecordingHooks();
  const unregister = registerHooks(recorder);
  try {
    const model = (name: string, fallbackName: string, baseURL: string | undefined) =>
      new OpenAIChatPrimitive({
        name,
        model:
          process.env[name === 'primary' ? 'OPENAI_MODEL' : 'OPENAI_FALLBACK_MODEL'] ??
          fallbackName,
        ...(baseURL === undefined ? {} : { baseURL }),
        system: 'Answer in one sentence.',
        pricing: { inputPerMillion: 2.5, outputPerMillion: 10 },
      });
    const primary = model('primary', 'fake-large', primaryServer?.url);
    const backup = model('backup', 'fake-small', backupServer?.url);

    const validate = lambda(
      (question: string) => {
        const q = question.trim();
        if (q.length < 3) throw new TypeError(`Not a question: "${question}"`);
        return q;
      },
      { name: 'validate' },
    );
    const answer = new CachePrimitive(
      new TimeoutPrimitive(
        new RetryPrimitive(new FallbackPrimitive(primary, backup, { name: 'two-models' }), {
          maxRetries: 2,
          initialDelayMs: 50,
          name: 'retry',
        }),
        { timeoutMs: 15_000, name: 'timeout' },
      ),
      { name: 'cache', ttlMs: 600_000 },
    );
    const format = lambda(
      (out: ChatOutput) =>
        `${out.text}  (${out.model}, ${out.usage.inputTokens}+${out.usage.outputTokens} tokens)`,
      {
        name: 'format',
      },
    );
    const workflow = sequential({ name: 'first-workflow' }, validate, answer, format);

    const ctx = WorkflowContext.create({ workflowId: 'first-workflow', budget: { maxCostUsd: 1 } });
    const questions = [
      'What is a retry?',
      'What is a circuit breaker?',
      'What is a retry?',
      '??',
      'What is a fallback?',
    ];
    const lines: string[] = [];
    for (const question of questions) {
      recorder.clear();
      try {
        const reply = await workflow.execute(question, ctx);
        const events = recorder.events
          .map((e) => (e.type === 'fallback' ? `fallback ${e.from}→${e.to}` : e.type))
          .filter((t) => t !== 'llm-call');
        lines.push(`Q: ${question}\nA: ${reply}\n   [${events.join(', ')}]`);
      } catch (error) {
        lines.push(`Q: ${question}\n!  ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    const spent = ctx.budget?.spent;
    lines.push(
      `Spent: ${spent?.tokens} tokens, $${spent?.costUsd.toFixed(6)}; cache ${JSON.stringify(answer.stats())}`,
    );
    for (const line of lines) print(line);
    return { lines, stats: answer.stats(), spent };
  } finally {
    unregister();
    await primaryServer?.close();
    await backupServer?.close();
  }
}

function answerFor(question: string): string {
  if (/retry/i.test(question)) return 'A retry runs a failed call again after a growing delay.';
  if (/circuit/i.test(question))
    return 'A circuit breaker stops calling a failing service until it recovers.';
  if (/fallback/i.test(question))
    return 'A fallback answers with an alternative when the first choice fails.';
  return 'I do not know.';
}

if (import.meta.url === `file://${process.argv[1]}`) await runFirstWorkflow();
