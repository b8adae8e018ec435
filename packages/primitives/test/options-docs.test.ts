import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COORDINATION_OPTIONS } from '../src/agents/agent-coordination.js';
import { HANDOFF_OPTIONS } from '../src/agents/agent-handoff.js';
import { MEMORY_OPTIONS } from '../src/agents/agent-memory.js';
import { PARALLEL_OPTIONS } from '../src/core/parallel.js';
import type { OptionSpec, OptionsDeclaration } from '../src/internal/options.js';
import { OPENAI_CHAT_OPTIONS } from '../src/llm/openai-chat.js';
import { CACHE_OPTIONS } from '../src/performance/cache.js';
import { BULKHEAD_OPTIONS } from '../src/recovery/bulkhead.js';
import { CIRCUIT_BREAKER_OPTIONS } from '../src/recovery/circuit-breaker.js';
import { RATE_LIMIT_OPTIONS } from '../src/recovery/rate-limit.js';
import { RETRY_OPTIONS } from '../src/recovery/retry.js';
import { TIMEOUT_OPTIONS } from '../src/recovery/timeout.js';

// Each primitive declares its options once (src/internal/options.ts); the docs' option tables
// must say the same names and defaults.
const documented: [OptionsDeclaration<Record<string, OptionSpec<unknown>>>, string, string][] = [
  [RETRY_OPTIONS, 'recovery.md', '## Retry'],
  [TIMEOUT_OPTIONS, 'recovery.md', '## Timeout'],
  [CIRCUIT_BREAKER_OPTIONS, 'recovery.md', '## Circuit breaker'],
  [BULKHEAD_OPTIONS, 'recovery.md', '## Bulkhead'],
  [RATE_LIMIT_OPTIONS, 'recovery.md', '## Rate limit'],
  [CACHE_OPTIONS, 'performance.md', '## Caching'],
  [PARALLEL_OPTIONS, 'concepts.md', '## Composition'],
  [OPENAI_CHAT_OPTIONS, 'agents.md', '## Model calls: `OpenAIChatPrimitive`'],
  [HANDOFF_OPTIONS, 'agents.md', '## Handoff: `AgentHandoffPrimitive`'],
  [MEMORY_OPTIONS, 'agents.md', '## Memory: `AgentMemoryPrimitive`'],
  [COORDINATION_OPTIONS, 'agents.md', '## Coordination: `AgentCoordinationPrimitive`'],
];

function section(file: string, heading: string): string {
  const text = readFileSync(new URL(`../../../docs/${file}`, import.meta.url), 'utf8');
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`${file} has no "${heading}"`);
  const end = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, end < 0 ? undefined : end);
}

function expectedDefault(spec: OptionSpec<unknown>): string {
  if (spec.docDefault !== undefined) return spec.docDefault;
  if (spec.default === undefined) return 'required';
  if (!('value' in spec.default)) throw new Error('a computed default needs a docDefault');
  const value = spec.default.value;
  return `\`${typeof value === 'string' ? `'${value}'` : String(value)}\``;
}

describe.each(documented)('%s options in the docs', (declaration, file, heading) => {
  // The rows of the section's options table (the one whose header starts with "option").
  const lines = section(file, heading)
    .split('\n')
    .map((line) => line.trim());
  const header = lines.findIndex((line) => /^\| option /.test(line));
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').map((cell) => cell.trim()));
  }
  it.each(Object.entries(declaration.specs))('%s: name and default', (name, spec) => {
    const row = rows.find((cells) => new RegExp(`^\`${name}[\`(]`).test(cells[1] ?? ''));
    expect(row, `${declaration.owner}.${name} in docs/${file}`).toBeDefined();
    expect(row?.[2]).toBe(expectedDefault(spec));
  });
  it('documents no option the primitive does not have', () => {
    for (const cells of rows) {
      const name = /^`(\w+)/.exec(cells[1] ?? '')?.[1];
      expect(Object.keys(declaration.specs), `docs/${file}: ${cells[1]}`).toContain(name);
    }
  });
});
