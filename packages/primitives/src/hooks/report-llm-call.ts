import { currentContext, WorkflowContext } from '@tta/agent-context';
import type { LlmCallEvent } from './events.js';
import { emitEvent, hasEventListeners } from './registry.js';

/**
 * What a step reports about one model call.
 *
 * @example
 * ```ts
 * reportLlmCall({ provider: 'anthropic', model: 'claude-sonnet', inputTokens: 900, outputTokens: 120 });
 * ```
 */
export type LlmCallReport = Omit<
  LlmCallEvent,
  'type' | 'primitive' | 'context' | 'time' | 'operation'
> & {
  /** Default: `'chat'`. */
  operation?: string | undefined;
};

/**
 * Marks the running step as a language-model call and reports its model and token usage. An
 * observability hook turns it into `gen_ai.*` span attributes on the step's span and the
 * `gen_ai.client.token.usage` / `gen_ai.client.operation.duration` metrics. Free when no hook
 * listens. Call it from inside the step, after the response arrives.
 *
 * @example
 * ```ts
 * const ask = lambda(async (prompt: string) => {
 *   const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
 *   reportLlmCall({ provider: 'openai', model: 'gpt-4o-mini', responseModel: res.model,
 *     inputTokens: res.usage?.prompt_tokens, outputTokens: res.usage?.completion_tokens });
 *   return res.choices[0]?.message.content ?? '';
 * }, { name: 'ask-model' });
 * ```
 */
export function reportLlmCall(report: LlmCallReport): void {
  if (!hasEventListeners()) return;
  const context = currentContext() ?? new WorkflowContext();
  emitEvent({
    ...report,
    operation: report.operation ?? 'chat',
    type: 'llm-call',
    primitive: { type: 'llm', name: report.model },
    context,
    time: Date.now(),
  });
}
