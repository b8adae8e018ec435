/** One comparison: the same work written with TTA.dev primitives and as plain async code. */
export interface Scenario {
  name: string;
  /** Plain async/await baseline. */
  plain: () => Promise<unknown>;
  /** The same work through primitives. */
  tta: () => Promise<unknown>;
  /** Runs before the scenario (e.g. registers hooks); returns its undo. */
  setup?: () => () => void | Promise<void>;
}

export interface ScenarioResult {
  name: string;
  plainNs: number;
  ttaNs: number;
  ratio: number;
}

async function timeBatch(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Runs both sides in alternating batches in the same process (so GC, JIT state and
 * AsyncLocalStorage costs hit both alike) and compares the medians.
 */
export async function runScenario(
  scenario: Scenario,
  options = { rounds: 15, iterations: 20_000 },
): Promise<ScenarioResult> {
  const teardown = scenario.setup?.();
  try {
    return await measure(scenario, options);
  } finally {
    await teardown?.();
  }
}

async function measure(
  scenario: Scenario,
  options: { rounds: number; iterations: number },
): Promise<ScenarioResult> {
  // Warm up both sides until the JIT has settled.
  await timeBatch(scenario.plain, options.iterations);
  await timeBatch(scenario.tta, options.iterations);
  const plain: number[] = [];
  const tta: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    plain.push(await timeBatch(scenario.plain, options.iterations));
    tta.push(await timeBatch(scenario.tta, options.iterations));
  }
  const plainNs = median(plain);
  const ttaNs = median(tta);
  return { name: scenario.name, plainNs, ttaNs, ratio: ttaNs / plainNs };
}

export function formatResults(results: readonly ScenarioResult[], target: number): string {
  const rows = results.map((r) => {
    const verdict =
      target === Number.POSITIVE_INFINITY ? '—' : r.ratio <= target ? 'ok' : `over ${target}x`;
    return `| ${r.name} | ${r.plainNs.toFixed(0)} | ${r.ttaNs.toFixed(0)} | ${r.ratio.toFixed(2)}x | ${verdict} |`;
  });
  return [
    '| scenario | plain ns/op | TTA ns/op | ratio | target |',
    '|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}
