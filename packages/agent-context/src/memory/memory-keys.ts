import { createContextKey } from '../context/context-key.js';
import type { ConversationMemory, Message } from './conversation-memory.js';

/**
 * One change to a `ConversationMemory`, as `MEMORY_OBSERVER` reports it and `apply()` replays it:
 * a message added (as stored, with its id and time), or everything cleared.
 *
 * @example
 * ```ts
 * const change: MemoryChange = { op: 'add', message: memory.add({ role: 'user', content: 'hi' }) };
 * ```
 */
export type MemoryChange =
  | { readonly op: 'add'; readonly message: Message }
  | { readonly op: 'clear' };

/**
 * The conversation a run carries: model steps without a `memory` of their own read and extend
 * this one, and durable runs keep it across a resume.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.create().withValue(CONVERSATION, new ConversationMemory({ maxTokens: 8000 }));
 * ```
 */
export const CONVERSATION = createContextKey<ConversationMemory>('tta.conversation');

/**
 * A function told of every change made to any `ConversationMemory` while a context that carries
 * it (or one derived from it) is current: which step changed which memory, even with parallel
 * branches. Durable runs use it to journal each step's changes to the run's conversation.
 *
 * @example
 * ```ts
 * const changes: MemoryChange[] = [];
 * const ctx = parent.withValue(MEMORY_OBSERVER, (_memory, change) => changes.push(change));
 * await step.execute(input, ctx);
 * ```
 */
export const MEMORY_OBSERVER =
  createContextKey<(memory: ConversationMemory, change: MemoryChange) => void>(
    'tta.memory-observer',
  );
