import type { Attributes } from '@opentelemetry/api';
import type { WorkflowContext } from '@tta/agent-context';
import type { PrimitiveRef } from '@tta/primitives';
import { ATTR } from '../attributes.js';
import type { ExecutionState } from './telemetry.js';

// What an execution is to the OpenTelemetry GenAI conventions, so trace UIs built on them
// (Langfuse, Phoenix, LangSmith) draw workflow → agent → tool / LLM trees: the outermost step
// invokes a workflow, a step whose context names a new agent invokes that agent, a step marked
// as a tool executes it. Other steps (recovery, routing) keep their `<type> <name>` spans and
// carry no gen_ai attributes. A step that reports a model call is renamed `chat {model}` (even the
// outermost one: a workflow that is one model call is that call), unless it is an agent or a tool.

/** The name and GenAI attributes of an execution's span, or undefined for a plain step. */
export interface GenAiSpan {
  readonly role: 'workflow' | 'agent' | 'tool';
  readonly name: string;
  readonly attributes: Attributes;
  /** Whether its input and output are content (exported only with `captureContent`). */
  readonly carriesContent: boolean;
}

export function genAiSpan(
  primitive: PrimitiveRef,
  ctx: WorkflowContext,
  owner: ExecutionState | undefined,
): GenAiSpan | undefined {
  if (primitive.tool !== undefined) {
    const attributes: Attributes = {
      [ATTR.genAiOperation]: 'execute_tool',
      [ATTR.genAiToolName]: primitive.name,
      [ATTR.genAiToolType]: 'function',
    };
    if (primitive.tool.description !== undefined)
      attributes[ATTR.genAiToolDescription] = primitive.tool.description;
    return {
      role: 'tool',
      name: `execute_tool ${primitive.name}`,
      attributes,
      carriesContent: true,
    };
  }
  if (ctx.agentId !== undefined && ctx.agentId !== owner?.agentId) {
    const attributes: Attributes = {
      [ATTR.genAiOperation]: 'invoke_agent',
      [ATTR.genAiAgentName]: ctx.agentId,
    };
    if (ctx.sessionId !== undefined) attributes[ATTR.genAiConversationId] = ctx.sessionId;
    return {
      role: 'agent',
      name: `invoke_agent ${ctx.agentId}`,
      attributes,
      carriesContent: true,
    };
  }
  if (owner === undefined) {
    const attributes: Attributes = {
      [ATTR.genAiOperation]: 'invoke_workflow',
      [ATTR.genAiWorkflowName]: primitive.name,
    };
    if (ctx.sessionId !== undefined) attributes[ATTR.genAiConversationId] = ctx.sessionId;
    return {
      role: 'workflow',
      name: `invoke_workflow ${primitive.name}`,
      attributes,
      carriesContent: true,
    };
  }
  return undefined;
}

/**
 * A step's input or output as GenAI messages JSON (`gen_ai.input.messages` /
 * `gen_ai.output.messages`), cut to `max` characters of text.
 */
export function asMessages(value: unknown, role: 'user' | 'assistant', max: number): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length > max) text = `${text.slice(0, max)}…`;
  return JSON.stringify([{ role, parts: [{ type: 'text', content: text }] }]);
}
