// A conversation that stays within a token budget, with its JSON form and its change reports
// (MEMORY_OBSERVER, apply) in one file: pruning, restoring and replaying must agree on every rule.
import { randomUUID } from 'node:crypto';
import { currentContext } from '../async-context.js';
import { InvalidContextError } from '../errors/invalid-context-error.js';
import { MessageTooLargeError } from '../errors/message-too-large-error.js';
import { MEMORY_OBSERVER, type MemoryChange } from './memory-keys.js';
import { approximateTokenCount, type TokenCounter } from './token-counter.js';

/**
 * Who said it.
 *
 * @example
 * ```ts
 * const role: MessageRole = toolCall ? 'tool' : 'assistant';
 * ```
 */
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

/**
 * What `add()` takes.
 *
 * @example
 * ```ts
 * memory.add({ role: 'user', content: question, importance: 0.8, metadata: { channel: 'web' } });
 * ```
 */
export interface MessageInput {
  role: MessageRole;
  content: string;
  /** Tool name, or the speaker's name. */
  name?: string | undefined;
  /** Free-form data kept with the message. Default: `{}`. */
  metadata?: Record<string, unknown> | undefined;
  /** 0 (expendable) to 1 (keep): lower importance goes first when pruning. Default: 0.5. */
  importance?: number | undefined;
}

/**
 * A stored message.
 *
 * @example
 * ```ts
 * for (const message of memory.messages()) console.log(message.role, message.tokenCount, message.content);
 * ```
 */
export interface Message {
  readonly id: string;
  readonly role: MessageRole;
  readonly content: string;
  readonly name?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly importance: number;
  readonly tokenCount: number;
  /** Epoch ms. */
  readonly timestamp: number;
}

/**
 * Options of {@link ConversationMemory}.
 *
 * @example
 * ```ts
 * const memory = new ConversationMemory({ maxTokens: 8000, keepRecent: 6, sessionId: 's-1' });
 * ```
 */
export interface ConversationMemoryOptions {
  /** The conversation's token budget; pruning keeps the total at or under it. Required. */
  maxTokens: number;
  /** Counts a message's tokens. Default: `approximateTokenCount` (plus 4 per message for role and framing). */
  tokenCounter?: TokenCounter | undefined;
  /** Messages at the end always kept ahead of older ones (the recent turns). Default: 4. */
  keepRecent?: number | undefined;
  /** The session this conversation belongs to. Default: none. */
  sessionId?: string | undefined;
}

/**
 * The JSON form, for stores.
 *
 * @example
 * ```ts
 * await store.set(`conversation:${sessionId}`, memory.toJSON());
 * ```
 */
export interface ConversationMemoryJSON {
  version: 1;
  sessionId?: string;
  maxTokens: number;
  /** Absent in data saved before it was kept: the default (4) then. */
  keepRecent?: number;
  messages: Message[];
}

const ROLES = new Set<MessageRole>(['system', 'user', 'assistant', 'tool']);
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * A conversation kept within a token budget. After every `add()` the total fits `maxTokens`:
 * pruning removes, in this order, (1) older messages outside the most recent `keepRecent`, lowest
 * importance first and oldest first among equals, never system messages; (2) older recent
 * messages, oldest first; (3) system messages, oldest first. The message just added is never
 * pruned; a single message larger than the whole budget is rejected with `MessageTooLargeError`.
 *
 * @example
 * ```ts
 * const memory = new ConversationMemory({ maxTokens: 4000, sessionId: 's-1' });
 * memory.add({ role: 'system', content: 'You are a helpful support agent.' });
 * memory.add({ role: 'user', content: question });
 * const messages = memory.messages(); // always within 4000 tokens
 * ```
 */
export class ConversationMemory {
  readonly maxTokens: number;
  readonly keepRecent: number;
  readonly sessionId: string | undefined;
  readonly #count: TokenCounter;
  /**
   * How this memory counts a text's tokens (the option, else `approximateTokenCount`), for code
   * that must count the same way (a model step checking a prompt against a budget).
   */
  readonly tokenCounter: TokenCounter;
  #messages: Message[] = [];
  #tokens = 0;

  constructor(options: ConversationMemoryOptions) {
    const {
      maxTokens,
      keepRecent = 4,
      tokenCounter,
    } = options ?? ({} as ConversationMemoryOptions);
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new RangeError(
        `ConversationMemory: maxTokens must be an integer >= 1 (got ${String(maxTokens)})`,
      );
    }
    if (!Number.isInteger(keepRecent) || keepRecent < 0) {
      throw new RangeError(
        `ConversationMemory: keepRecent must be an integer >= 0 (got ${String(keepRecent)})`,
      );
    }
    if (tokenCounter !== undefined && typeof tokenCounter !== 'function') {
      throw new TypeError('ConversationMemory: tokenCounter must be a function');
    }
    this.maxTokens = maxTokens;
    this.keepRecent = keepRecent;
    this.sessionId = options.sessionId;
    const count = tokenCounter ?? approximateTokenCount;
    this.tokenCounter = count;
    this.#count = (text) => count(text) + MESSAGE_OVERHEAD_TOKENS;
  }

  /** Tokens of all messages held now (never more than `maxTokens`). */
  get tokenCount(): number {
    return this.#tokens;
  }

  /** The messages, oldest first. */
  messages(): readonly Message[] {
    return this.#messages;
  }

  /** Adds a message, then prunes to fit. Returns the stored message. */
  add(input: MessageInput): Message {
    if (typeof input !== 'object' || input === null || !ROLES.has(input.role)) {
      throw new TypeError(`ConversationMemory: role must be one of ${[...ROLES].join(', ')}`);
    }
    if (typeof input.content !== 'string')
      throw new TypeError('ConversationMemory: content must be a string');
    const importance = input.importance ?? 0.5;
    if (typeof importance !== 'number' || !(importance >= 0 && importance <= 1)) {
      throw new RangeError('ConversationMemory: importance must be a number from 0 to 1');
    }
    const tokenCount = this.#count(input.content);
    if (!Number.isFinite(tokenCount) || tokenCount < 0)
      throw new TypeError('ConversationMemory: tokenCounter returned an invalid count');
    if (tokenCount > this.maxTokens)
      throw new MessageTooLargeError({ tokens: tokenCount, maxTokens: this.maxTokens });
    const message: Message = {
      id: randomUUID(),
      role: input.role,
      content: input.content,
      ...(input.name === undefined ? {} : { name: input.name }),
      metadata: { ...input.metadata },
      importance,
      tokenCount,
      timestamp: Date.now(),
    };
    this.#messages.push(message);
    this.#tokens += tokenCount;
    this.#prune(message);
    this.#notify({ op: 'add', message });
    return message;
  }

  /** Removes every message. */
  clear(): void {
    this.#messages = [];
    this.#tokens = 0;
    this.#notify({ op: 'clear' });
  }

  /**
   * Replays a change reported to `MEMORY_OBSERVER` (a durable run restoring its conversation):
   * the message keeps its id, time and token count, and pruning runs as after `add()`. Observers
   * are not told again. A change that is not valid throws `InvalidContextError`.
   *
   * @example
   * ```ts
   * for (const change of journaled) memory.apply(change);
   * ```
   */
  apply(change: MemoryChange): void {
    if (typeof change !== 'object' || change === null)
      throw new InvalidContextError({ field: 'conversation change', reason: 'is not an object' });
    if (change.op === 'clear') {
      this.#messages = [];
      this.#tokens = 0;
      return;
    }
    if (change.op !== 'add')
      throw new InvalidContextError({ field: 'conversation change', reason: 'has no valid op' });
    const message = validMessage(change.message, 'conversation change.message');
    this.#messages.push(message);
    this.#tokens += message.tokenCount;
    this.#prune(message);
  }

  // Who changed the memory, and in which step: the current context's observer, if any.
  #notify(change: MemoryChange): void {
    currentContext()?.getValue(MEMORY_OBSERVER)?.(this, change);
  }

  #prune(added: Message): void {
    if (this.#tokens <= this.maxTokens) return;
    const all = this.#messages;
    const recentFrom = Math.max(0, all.length - this.keepRecent);
    const order = (m: Message, index: number): [number, number, number] => {
      if (m.role === 'system') return [2, 0, index];
      if (index >= recentFrom) return [1, 0, index];
      return [0, m.importance, index];
    };
    const candidates = all
      .map((m, index) => ({ m, key: order(m, index) }))
      .filter(({ m }) => m !== added)
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    const removed = new Set<Message>();
    for (const { m } of candidates) {
      if (this.#tokens <= this.maxTokens) break;
      removed.add(m);
      this.#tokens -= m.tokenCount;
    }
    this.#messages = all.filter((m) => !removed.has(m));
  }

  toJSON(): ConversationMemoryJSON {
    return {
      version: 1,
      ...(this.sessionId === undefined ? {} : { sessionId: this.sessionId }),
      maxTokens: this.maxTokens,
      keepRecent: this.keepRecent,
      messages: this.#messages.map((m) => ({ ...m, metadata: { ...m.metadata } })),
    };
  }

  /** Restores a conversation saved with `toJSON()`; invalid data throws `InvalidContextError`. */
  static fromJSON(json: unknown, options?: Partial<ConversationMemoryOptions>): ConversationMemory {
    const data = json as Partial<ConversationMemoryJSON> | null;
    if (
      typeof data !== 'object' ||
      data === null ||
      data.version !== 1 ||
      !Array.isArray(data.messages)
    ) {
      throw new InvalidContextError({
        field: 'conversation',
        reason: 'is not a saved ConversationMemory (version 1)',
      });
    }
    const memory = new ConversationMemory({
      maxTokens: options?.maxTokens ?? (data.maxTokens as number),
      tokenCounter: options?.tokenCounter,
      keepRecent: options?.keepRecent ?? data.keepRecent,
      sessionId: options?.sessionId ?? data.sessionId,
    });
    for (const [i, m] of data.messages.entries()) {
      const message = validMessage(m, `conversation.messages[${i}]`);
      memory.#messages.push(message);
      memory.#tokens += message.tokenCount;
    }
    const last = memory.#messages.at(-1);
    if (last !== undefined) memory.#prune(last);
    return memory;
  }
}

/** A stored message from outside (saved JSON, a journal), checked; a copy. */
function validMessage(m: unknown, field: string): Message {
  const v = m as Partial<Message> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    !ROLES.has(v.role as MessageRole) ||
    typeof v.content !== 'string' ||
    typeof v.id !== 'string' ||
    typeof v.tokenCount !== 'number' ||
    !(v.tokenCount >= 0) ||
    typeof v.timestamp !== 'number' ||
    typeof v.importance !== 'number'
  ) {
    throw new InvalidContextError({ field, reason: 'is not a valid message' });
  }
  return { ...(v as Message), metadata: { ...v.metadata } };
}
