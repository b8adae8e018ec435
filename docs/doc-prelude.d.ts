// The names the docs' code fragments use without defining them, with the types they stand for.
// scripts/check-docs.mjs type-checks every ```ts block of the docs with these (and every value
// the packages export) in scope; a block that needs none of them is also run.
import type { WorkflowContext } from '@tta/agent-context';
import type {
  CompensationPrimitive,
  PrimitiveEvent as PrimitivesEvent,
  ExecutionInfo as PrimitivesExecutionInfo,
  WorkflowPrimitive,
} from '@tta/primitives';
import type { ChatInput, ChatOutput } from '@tta/primitives/llm';
import type { expect as vitestExpect, vi as vitestVi } from 'vitest';

declare global {
  type ExecutionInfo = PrimitivesExecutionInfo;
  type PrimitiveEvent = PrimitivesEvent;
  interface Ticket {
    id: string;
    text: string;
    category: 'billing' | 'tech';
    priority: 'low' | 'high';
  }
  type Summary = { summary: string };
  type Label = { label: string };

  const ctx: WorkflowContext;
  const input: string;
  const prompt: string;
  const question: string;
  const ticket: Ticket;
  const url: string;
  const req: { headers: Record<string, string | string[] | undefined> };
  const MODEL_URL: string;
  const x: string;
  const steps: WorkflowPrimitive<string, string>[];
  const workflow: WorkflowPrimitive<string, string>;
  const callModel: WorkflowPrimitive<string, string>;
  const cheaperModel: WorkflowPrimitive<string, string>;
  const cannedAnswer: WorkflowPrimitive<string, string>;
  const validate: WorkflowPrimitive<string, string>;
  const format: WorkflowPrimitive<string, string>;
  const gpt4o: WorkflowPrimitive<string, string>;
  const llama3: WorkflowPrimitive<string, string>;
  const smallModel: WorkflowPrimitive<ChatInput, ChatOutput>;
  const mediumModel: WorkflowPrimitive<ChatInput, ChatOutput>;
  const largeModel: WorkflowPrimitive<ChatInput, ChatOutput>;
  const small: WorkflowPrimitive<ChatInput, ChatOutput>;
  const large: WorkflowPrimitive<ChatInput, ChatOutput>;
  const askGpt: WorkflowPrimitive<string, ChatOutput>;
  const askClaude: WorkflowPrimitive<string, ChatOutput>;
  const askLlama: WorkflowPrimitive<string, ChatOutput>;
  const billingAgent: WorkflowPrimitive<Ticket, string>;
  const techAgent: WorkflowPrimitive<Ticket, string>;
  const audit: { log(record: unknown): void };
  const conversation: import('@tta/agent-context').ConversationMemory;
  const bookFlight: (request: { from: string; to: string }) => Promise<{ id: string }>;
  const cancelFlight: (flightId: string) => Promise<void>;
  const bookHotel: (flight: { id: string }) => Promise<{ id: string }>;
  const cancelHotel: (hotelId: string) => Promise<void>;
  const saga: CompensationPrimitive<{ from: string; to: string }, { id: string }>;
  const tracerProvider: import('@opentelemetry/api').TracerProvider;
  const meterProvider: import('@opentelemetry/api').MeterProvider;
  const promClientRegistry: import('@tta/observability').PromRegistryLike;
  const openai: import('openai').OpenAI;
  const vi: typeof vitestVi;
  const expect: typeof vitestExpect;
}
