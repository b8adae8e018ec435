// Longer than most files because one class owns the whole model call: building the request
// (memory, system prompt, budget), the plain and the streamed answer, and turning what the SDK
// throws into typed errors. Each part is a private method of a few dozen lines.
import {
  approximateTokenCount,
  BudgetExceededError,
  CONVERSATION,
  type ConversationMemory,
  type TokenCounter,
  toCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import {
  emitChunk,
  isStreaming,
  type PrimitiveOptions,
  reportLlmCall,
  streamPrefix,
  WorkflowPrimitive,
} from '@tta/primitives';
import OpenAI from 'openai';
import {
  custom,
  declareOptions,
  fn,
  number,
  optional,
  optionalObject,
  type Resolved,
  text,
} from '../internal/options.js';
import { LlmTimeoutError } from './errors/llm-errors.js';
import { toLlmError } from './map-error.js';

/**
 * A chat message.
 *
 * @example
 * ```ts
 * await chat.execute([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }]);
 * ```
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  name?: string | undefined;
}

/**
 * What the primitive takes: a user message, a list of messages, or `{ messages }`.
 *
 * @example
 * ```ts
 * await chat.execute({ messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export type ChatInput =
  | string
  | readonly ChatMessage[]
  | { readonly messages: readonly ChatMessage[] };

/**
 * What it returns.
 *
 * @example
 * ```ts
 * const { text, usage, costUsd } = await chat.execute('Hello');
 * ```
 */
export interface ChatOutput {
  text: string;
  /** The model that answered. */
  model: string;
  finishReason: string | undefined;
  usage: { inputTokens: number; outputTokens: number };
  /** From `pricing`, when given. */
  costUsd: number | undefined;
  /** Streamed answers: ms from the request to the first piece of text. */
  timeToFirstChunkMs?: number | undefined;
}

/**
 * USD per million tokens.
 *
 * @example
 * ```ts
 * new OpenAIChatPrimitive({ model: 'gpt-4o-mini', pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
 * ```
 */
export interface ModelPricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * Options of {@link OpenAIChatPrimitive}.
 *
 * @example
 * ```ts
 * new OpenAIChatPrimitive({ model: 'llama3', baseURL: 'http://localhost:11434/v1', stream: true, stallTimeoutMs: 10_000 });
 * ```
 */
export interface OpenAIChatOptions extends PrimitiveOptions {
  /** The model, e.g. `'gpt-4o-mini'` (or any model an OpenAI-compatible server offers). Required. */
  model: string;
  /** An `OpenAI` client to use. Default: one made from `baseURL`/`apiKey`, with the SDK's own retries off. */
  client?: OpenAI | undefined;
  /** Default: `OPENAI_BASE_URL`, else OpenAI's. */
  baseURL?: string | undefined;
  /** Default: `OPENAI_API_KEY` (a placeholder for local servers that need none). */
  apiKey?: string | undefined;
  /** A system prompt put first. Default: none. */
  system?: string | undefined;
  /**
   * A conversation: its messages are sent before the input, the input and the reply are added to
   * it (so it stays within its token budget). Default: the context's `CONVERSATION`, if any.
   */
  memory?: ConversationMemory | undefined;
  /** More request parameters (`temperature`, `max_tokens`, …). Default: none. */
  params?: Record<string, unknown> | undefined;
  /** Stream the answer (tokens reach the consumer of a streaming run as chunks). Default: only when run by `stream()`. */
  stream?: boolean | undefined;
  /** Streaming: receives each piece of text as it arrives. */
  onToken?: ((text: string) => void) | undefined;
  /** Streaming: fail with `LlmTimeoutError('first-token')` if nothing arrives in time. Default: none. */
  firstTokenTimeoutMs?: number | undefined;
  /** Streaming: fail with `LlmTimeoutError('stall')` if tokens stop for this long. Default: none. */
  stallTimeoutMs?: number | undefined;
  /** Per-request time limit (the SDK's `timeout`). Default: the client's. */
  requestTimeoutMs?: number | undefined;
  /** Prices, so usage has a cost for the budget. Default: none (cost not recorded). */
  pricing?: ModelPricing | undefined;
  /** `gen_ai.provider.name` for telemetry. Default: `'openai'`. */
  provider?: string | undefined;
  /**
   * Counts prompt tokens before a call, so a token budget caps the reply (`max_tokens`) at what is
   * left and refuses a prompt that alone is over it. Default: the memory's counter, else
   * `approximateTokenCount`.
   */
  tokenCounter?: TokenCounter | undefined;
}

function messagesOf(input: ChatInput): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const list = Array.isArray(input) ? input : (input as { messages?: unknown }).messages;
  if (!Array.isArray(list) || list.length === 0)
    throw new TypeError(
      'OpenAIChatPrimitive: input must be a string or a non-empty list of messages',
    );
  for (const m of list as ChatMessage[]) {
    if (typeof m?.content !== 'string' || !['system', 'user', 'assistant'].includes(m.role)) {
      throw new TypeError(
        'OpenAIChatPrimitive: each message needs a role (system, user, assistant) and string content',
      );
    }
  }
  return list as ChatMessage[];
}

const quiet = { describe: false } as const;
const timeLimit = (docDefault: string) =>
  optional(number({ positive: true }, undefined, { docDefault, describe: false }));

/** The options of {@link OpenAIChatPrimitive}: checks, defaults and what `describe()` shows. */
export const OPENAI_CHAT_OPTIONS = declareOptions('OpenAIChatPrimitive', {
  model: text(),
  client: optionalObject<OpenAI>("made from `baseURL` / `apiKey` with the SDK's retries off"),
  baseURL: optional(text(undefined, { docDefault: '`OPENAI_BASE_URL`', ...quiet })),
  apiKey: optional(text(undefined, { docDefault: '`OPENAI_API_KEY`', ...quiet })),
  system: optional(text(undefined, { docDefault: 'none', ...quiet })),
  memory: optionalObject<ConversationMemory>("the context's `CONVERSATION`"),
  params: optionalObject<Record<string, unknown>>('none'),
  stream: custom<boolean>((v, where) => {
    if (typeof v !== 'boolean') throw new TypeError(`${where} must be a boolean`);
    return v;
  }, 'only in `stream()`'),
  onToken: optional(fn<(text: string) => void>(undefined, 'none')),
  firstTokenTimeoutMs: timeLimit('none'),
  stallTimeoutMs: timeLimit('none'),
  requestTimeoutMs: timeLimit("the client's"),
  pricing: custom<ModelPricing>((v, where) => {
    const p = v as Partial<ModelPricing> | null;
    if (
      typeof p !== 'object' ||
      p === null ||
      !((p.inputPerMillion ?? -1) >= 0) ||
      !((p.outputPerMillion ?? -1) >= 0)
    )
      throw new RangeError(`${where} must be numbers >= 0`);
    return p as ModelPricing;
  }, 'none'),
  provider: text('openai', quiet),
  tokenCounter: optional(
    fn<TokenCounter>(undefined, "the memory's counter, else `approximateTokenCount`"),
  ),
});

/**
 * A chat completion from OpenAI or any OpenAI-compatible server (Ollama, vLLM, LM Studio, …), on
 * the official `openai` package (an optional peer: install it). Records token usage (and cost,
 * with `pricing`) into the context's budget and into telemetry (GenAI conventions). Provider errors
 * become typed errors that retry, fallback and circuit breakers understand: `LlmRateLimitError`
 * (with `retryAfterMs`), `LlmTimeoutError`, `LlmServerError`, `LlmRequestError` (not retryable).
 *
 * @example
 * ```ts
 * const ask = new OpenAIChatPrimitive({ model: 'gpt-4o-mini', system: 'Answer briefly.', pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } })
 *   .withRetry({ maxRetries: 2 });
 * const { text } = await ask.execute('What is a circuit breaker?');
 * ```
 */
export class OpenAIChatPrimitive extends WorkflowPrimitive<ChatInput, ChatOutput> {
  /** Type-only: it streams the answer's text. */
  declare readonly '~chunk': string;
  override readonly type = 'llm';
  readonly model: string;
  readonly client: OpenAI;
  readonly #options: Resolved<typeof OPENAI_CHAT_OPTIONS.specs>;

  constructor(options: OpenAIChatOptions) {
    super(options);
    const o = OPENAI_CHAT_OPTIONS.resolve(options, this.name);
    this.model = o.model;
    this.client =
      o.client ??
      new OpenAI({
        baseURL: o.baseURL ?? process.env.OPENAI_BASE_URL,
        apiKey: o.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed',
        // Retries belong to RetryPrimitive, where they are visible, budgeted and cancellable.
        maxRetries: 0,
      });
    this.#options = o;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return OPENAI_CHAT_OPTIONS.describe(this.#options);
  }

  /** A replayed answer (a durable run's journal) streams as its text. */
  override chunksOf(output: ChatOutput): readonly unknown[] {
    return typeof output?.text === 'string' && output.text !== '' ? [output.text] : [];
  }

  protected async run(input: ChatInput, context: WorkflowContext): Promise<ChatOutput> {
    const { system } = this.#options;
    const memory = this.#options.memory ?? context.getValue(CONVERSATION);
    const incoming = messagesOf(input);
    let messages: ChatMessage[];
    if (memory !== undefined) {
      for (const m of incoming) memory.add({ role: m.role, content: m.content, name: m.name });
      messages = memory
        .messages()
        .filter((m) => m.role !== 'tool')
        .map((m) => ({ role: m.role as ChatMessage['role'], content: m.content }));
    } else {
      messages = incoming;
    }
    if (system !== undefined) messages = [{ role: 'system', content: system }, ...messages];

    const maxTokens = this.#tokenCap(messages, context, memory);
    // A `continue` recovery: the tokens an earlier attempt sent are the start of this answer.
    const prefix = streamPrefix(context).join('');
    if (prefix !== '') messages = [...messages, { role: 'assistant', content: prefix }];
    const output =
      (this.#options.stream ?? isStreaming(context))
        ? await this.#stream(messages, context, maxTokens, prefix)
        : await this.#complete(messages, context, maxTokens);
    const { pricing } = this.#options;
    const costUsd =
      pricing === undefined
        ? undefined
        : (output.usage.inputTokens * pricing.inputPerMillion +
            output.usage.outputTokens * pricing.outputPerMillion) /
          1_000_000;
    context.recordUsage({
      inputTokens: output.usage.inputTokens,
      outputTokens: output.usage.outputTokens,
      costUsd,
      model: this.model,
    });
    reportLlmCall({
      provider: this.#options.provider,
      model: this.model,
      responseModel: output.model,
      inputTokens: output.usage.inputTokens,
      outputTokens: output.usage.outputTokens,
      finishReason: output.finishReason,
      timeToFirstChunkMs: output.timeToFirstChunkMs,
      prompt: messages,
      completion: output.text,
    });
    memory?.add({ role: 'assistant', content: output.text });
    return { ...output, costUsd };
  }

  #request(messages: ChatMessage[], maxTokens: number | undefined) {
    const request: Record<string, unknown> = {
      model: this.model,
      messages,
      ...this.#options.params,
    };
    if (maxTokens !== undefined) {
      // Newer models take max_completion_tokens; cap whichever the caller uses.
      const key = 'max_completion_tokens' in request ? 'max_completion_tokens' : 'max_tokens';
      const asked = request[key];
      request[key] = typeof asked === 'number' ? Math.min(asked, maxTokens) : maxTokens;
    }
    return request;
  }

  /**
   * With a token budget in force: the most the reply may use (what is left after the prompt), or
   * a `BudgetExceededError` when the prompt alone is over what is left. Without one: undefined.
   */
  #tokenCap(
    messages: ChatMessage[],
    context: WorkflowContext,
    memory: ConversationMemory | undefined,
  ): number | undefined {
    const budget = context.budget;
    if (budget === undefined) return undefined;
    const left = budget.remaining.tokens;
    if (left === Number.POSITIVE_INFINITY) return undefined;
    const count = this.#options.tokenCounter ?? memory?.tokenCounter ?? approximateTokenCount;
    // ~4 tokens of framing per message (role, separators), as OpenAI's counting guide says.
    const prompt = messages.reduce((sum, m) => sum + count(m.content) + 4, 0);
    if (prompt >= left) {
      const spent = budget.spent.tokens;
      throw new BudgetExceededError({ limit: 'tokens', max: spent + left, spent: spent + prompt });
    }
    return Math.floor(left - prompt);
  }

  async #complete(
    messages: ChatMessage[],
    context: WorkflowContext,
    maxTokens: number | undefined,
  ): Promise<Omit<ChatOutput, 'costUsd'>> {
    try {
      const response = await this.client.chat.completions.create(
        {
          ...this.#request(messages, maxTokens),
          stream: false,
        } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        {
          signal: context.signal,
          ...(this.#options.requestTimeoutMs === undefined
            ? {}
            : { timeout: this.#options.requestTimeoutMs }),
        },
      );
      const choice = response.choices[0];
      return {
        text: choice?.message?.content ?? '',
        model: response.model,
        finishReason: choice?.finish_reason ?? undefined,
        usage: {
          inputTokens: response.usage?.prompt_tokens ?? 0,
          outputTokens: response.usage?.completion_tokens ?? 0,
        },
      };
    } catch (error) {
      throw this.#failure(error, context);
    }
  }

  async #stream(
    messages: ChatMessage[],
    context: WorkflowContext,
    maxTokens: number | undefined,
    prefix: string,
  ): Promise<Omit<ChatOutput, 'costUsd'>> {
    const path = this.path;
    const { firstTokenTimeoutMs, stallTimeoutMs, onToken } = this.#options;
    // Our own controller: a timeout aborts the request with its LlmTimeoutError, and so does the
    // caller's signal (through each wait below, which removes its listener when it ends).
    const controller = new AbortController();
    const callerSignal = context.signal;
    const firstTokenBy =
      firstTokenTimeoutMs === undefined ? undefined : Date.now() + firstTokenTimeoutMs;
    const timeout = (phase: 'first-token' | 'stall', ms: number | undefined) => (): never => {
      const error = new LlmTimeoutError({ phase, timeoutMs: ms });
      controller.abort(error);
      throw error;
    };
    // Waits for the next step of the call: the first token has a deadline, each later one a pause limit.
    const next = <T>(promise: Promise<T>, first: boolean): Promise<T> =>
      waitFor({
        promise,
        ...(first
          ? { deadline: firstTokenBy, onDeadline: timeout('first-token', firstTokenTimeoutMs) }
          : { ms: stallTimeoutMs, onTimer: timeout('stall', stallTimeoutMs) }),
        signal: callerSignal,
        onAbort: (reason) => {
          controller.abort(reason);
          throw toCancellationError(reason);
        },
      });
    let text = prefix;
    let model = this.model;
    let finishReason: string | undefined;
    let usage = { inputTokens: 0, outputTokens: 0 };
    let timeToFirstChunkMs: number | undefined;
    const requested = performance.now();
    try {
      const stream = await next(
        this.client.chat.completions.create(
          {
            ...this.#request(messages, maxTokens),
            stream: true,
            stream_options: { include_usage: true },
          } as OpenAI.Chat.ChatCompletionCreateParamsStreaming,
          {
            signal: controller.signal,
            ...(this.#options.requestTimeoutMs === undefined
              ? {}
              : { timeout: this.#options.requestTimeoutMs }),
          },
        ),
        true,
      );
      const chunks = stream[Symbol.asyncIterator]();
      let first = true;
      for (;;) {
        const step = await next(chunks.next(), first);
        if (step.done === true) break;
        const chunk = step.value;
        const choice = chunk.choices[0];
        const piece = choice?.delta?.content ?? '';
        if (piece !== '') {
          if (first) timeToFirstChunkMs = performance.now() - requested;
          first = false;
          text += piece;
          onToken?.(piece);
          const waiting = emitChunk(context, path, piece);
          if (waiting !== undefined) await waiting;
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.model) model = chunk.model;
        if (chunk.usage)
          usage = {
            inputTokens: chunk.usage.prompt_tokens ?? 0,
            outputTokens: chunk.usage.completion_tokens ?? 0,
          };
      }
      // The SDK's iterator can end quietly when aborted mid-stream: a partial answer is a failure.
      if (controller.signal.aborted) throw controller.signal.reason;
      return { text, model, finishReason, usage, timeToFirstChunkMs };
    } catch (error) {
      if (error instanceof LlmTimeoutError) throw error;
      if (controller.signal.reason instanceof LlmTimeoutError) throw controller.signal.reason;
      throw this.#failure(error, context);
    }
  }

  /** The caller's cancellation stays a cancellation; anything else becomes a typed LlmError. */
  #failure(error: unknown, context: WorkflowContext): Error {
    if (context.signal?.aborted) return toCancellationError(context.signal.reason);
    return toLlmError(error, { requestTimeoutMs: this.#options.requestTimeoutMs });
  }
}
