import type { Span } from '@opentelemetry/api';
import type { LlmCallEvent } from '@tta/primitives';
import { ATTR } from '../attributes.js';
import type { ExecutionState, Telemetry } from './telemetry.js';

function content(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A reported model call: GenAI token metrics, and `gen_ai.*` attributes on the step's span. */
export function recordLlmCall(
  t: Telemetry,
  event: LlmCallEvent,
  state: ExecutionState | undefined,
  span: Span | undefined,
): void {
  const labels: Record<string, string> = {
    [ATTR.genAiOperation]: event.operation,
    [ATTR.genAiProvider]: event.provider,
    [ATTR.genAiRequestModel]: event.model,
  };
  if (event.inputTokens !== undefined)
    t.metrics.record('tokenUsage', event.inputTokens, {
      ...labels,
      [ATTR.genAiTokenType]: 'input',
    });
  if (event.outputTokens !== undefined)
    t.metrics.record('tokenUsage', event.outputTokens, {
      ...labels,
      [ATTR.genAiTokenType]: 'output',
    });
  if (state !== undefined) state.llm = labels;
  if (span === undefined) return;
  span.setAttributes({ ...labels, [ATTR.genAiSystem]: event.provider });
  if (event.responseModel !== undefined)
    span.setAttribute(ATTR.genAiResponseModel, event.responseModel);
  if (event.inputTokens !== undefined) span.setAttribute(ATTR.genAiInputTokens, event.inputTokens);
  if (event.outputTokens !== undefined)
    span.setAttribute(ATTR.genAiOutputTokens, event.outputTokens);
  if (event.finishReason !== undefined)
    span.setAttribute(ATTR.genAiFinishReasons, [event.finishReason]);
  if (t.captureContent && event.prompt !== undefined)
    span.setAttribute(ATTR.genAiInputMessages, content(event.prompt));
  if (t.captureContent && event.completion !== undefined)
    span.setAttribute(ATTR.genAiOutputMessages, content(event.completion));
}
