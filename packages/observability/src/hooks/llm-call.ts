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

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
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
  if (state?.role === 'agent' || state?.role === 'tool') {
    // An agent or tool that reported a call stays what it is, with the model's data.
    const { [ATTR.genAiOperation]: _, ...model } = labels;
    span.setAttributes(model);
  } else {
    // The step is the model call: `chat {model}`, as GenAI trace views expect.
    span.updateName(`${event.operation} ${event.model}`);
    span.setAttributes({ ...labels, [ATTR.genAiSystem]: event.provider });
  }
  if (event.timeToFirstChunkMs !== undefined)
    span.setAttribute(ATTR.genAiTimeToFirstChunk, event.timeToFirstChunkMs / 1000);
  if (event.responseModel !== undefined)
    span.setAttribute(ATTR.genAiResponseModel, event.responseModel);
  if (event.inputTokens !== undefined) span.setAttribute(ATTR.genAiInputTokens, event.inputTokens);
  if (event.outputTokens !== undefined)
    span.setAttribute(ATTR.genAiOutputTokens, event.outputTokens);
  if (event.finishReason !== undefined)
    span.setAttribute(ATTR.genAiFinishReasons, [event.finishReason]);
  if (t.captureContent && event.prompt !== undefined)
    span.setAttribute(ATTR.genAiInputMessages, clip(content(event.prompt), t.maxContentLength));
  if (t.captureContent && event.completion !== undefined)
    span.setAttribute(
      ATTR.genAiOutputMessages,
      clip(content(event.completion), t.maxContentLength),
    );
}
