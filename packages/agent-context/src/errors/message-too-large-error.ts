import { TtaError } from './tta-error.js';

/**
 * A message alone is larger than the conversation's whole token budget. It is rejected (not
 * truncated: a cut-off instruction or tool result can change its meaning). Summarise or split it.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof MessageTooLargeError) memory.add({ role: 'user', content: summarise(text) }); }
 * ```
 */
export class MessageTooLargeError extends TtaError {
  readonly tokens: number;
  readonly maxTokens: number;

  constructor(details: { tokens: number; maxTokens: number }, options?: ErrorOptions) {
    const { tokens, maxTokens } = details;
    super(
      'MESSAGE_TOO_LARGE',
      `A ${tokens}-token message does not fit a conversation budget of ${maxTokens} tokens`,
      options,
    );
    this.name = 'MessageTooLargeError';
    this.tokens = tokens;
    this.maxTokens = maxTokens;
  }
}
