/**
 * Counts the tokens of a text.
 *
 * @example
 * ```ts
 * const counter: TokenCounter = (text) => Math.ceil(text.length / 3.5);
 * ```
 */
export type TokenCounter = (text: string) => number;

/**
 * The default counter: a fast approximation (about 4 characters a token for English, and never
 * fewer tokens than words). Good enough to keep a conversation inside a budget; use
 * `createTiktokenCounter()` when exact counts matter.
 *
 * @example
 * ```ts
 * approximateTokenCount('How long is this prompt?'); // 6
 * ```
 */
export const approximateTokenCount: TokenCounter = (text) => {
  if (text.length === 0) return 0;
  const words = text.split(/\s+/).filter((w) => w.length > 0).length;
  return Math.max(words, Math.ceil(text.length / 4));
};

/**
 * A counter backed by `js-tiktoken` (an optional peer: install it). The encoding's ranks ship in
 * the package, so nothing is downloaded. `o200k_base` is GPT-4o's; `cl100k_base` GPT-4's.
 *
 * @example
 * ```ts
 * const memory = new ConversationMemory({ maxTokens: 8000, tokenCounter: await createTiktokenCounter('o200k_base') });
 * ```
 */
export async function createTiktokenCounter(
  encoding: 'o200k_base' | 'cl100k_base' | 'p50k_base' = 'o200k_base',
): Promise<TokenCounter> {
  let tiktoken: { getEncoding(name: string): { encode(text: string): number[] } };
  try {
    tiktoken = (await import('js-tiktoken' as string)) as typeof tiktoken;
  } catch (error) {
    throw new Error('createTiktokenCounter: install js-tiktoken to count tokens exactly', {
      cause: error,
    });
  }
  const encoder = tiktoken.getEncoding(encoding);
  return (text) => encoder.encode(text).length;
}
