export {
  LlmError,
  LlmRateLimitError,
  LlmRequestError,
  LlmServerError,
  LlmTimeoutError,
} from './errors/llm-errors.js';
export { retryAfterMs, toLlmError } from './map-error.js';
export {
  type ChatInput,
  type ChatMessage,
  type ChatOutput,
  type ModelPricing,
  type OpenAIChatOptions,
  OpenAIChatPrimitive,
} from './openai-chat.js';
