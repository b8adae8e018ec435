import { sleep } from '@tta/agent-context';

/** What the fake model returns: text plus token usage, like a real chat completion. */
export interface Completion {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** A rule: when the prompt matches, answer with this text. First match wins. */
export interface FakeRule {
  match: RegExp;
  reply: string | ((prompt: string) => string);
}

/**
 * A deterministic, in-process stand-in for an LLM: answers by rules, takes `latencyMs`
 * (cancellable), and counts tokens roughly (4 characters a token) so demos show usage.
 */
export class FakeModel {
  readonly name: string;
  readonly #rules: readonly FakeRule[];
  readonly #fallback: string;
  readonly #latencyMs: number;
  calls = 0;

  constructor(options: {
    name: string;
    rules: readonly FakeRule[];
    fallback: string;
    latencyMs?: number;
  }) {
    this.name = options.name;
    this.#rules = options.rules;
    this.#fallback = options.fallback;
    this.#latencyMs = options.latencyMs ?? 5;
  }

  async complete(prompt: string, signal?: AbortSignal): Promise<Completion> {
    this.calls++;
    await sleep(this.#latencyMs, signal);
    const rule = this.#rules.find((r) => r.match.test(prompt));
    const reply =
      rule === undefined
        ? this.#fallback
        : typeof rule.reply === 'string'
          ? rule.reply
          : rule.reply(prompt);
    return {
      text: reply,
      model: this.name,
      inputTokens: tokens(prompt),
      outputTokens: tokens(reply),
    };
  }
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
