import { coreScenarios } from './core.bench.js';
import { formatResults, runScenario, type ScenarioResult } from './harness.js';
import { recoveryScenarios } from './recovery.bench.js';

const TARGET_RATIO = 3;
const filter = process.argv[2];
const scenarios = [...coreScenarios, ...recoveryScenarios].filter(
  (s) => filter === undefined || s.name.includes(filter),
);

console.log(
  `TTA.dev benchmarks — Node ${process.version}, ${process.arch}; ratio = TTA time / plain async time`,
);
const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  const result = await runScenario(scenario);
  results.push(result);
  console.log(`  ${scenario.name}: ${result.ratio.toFixed(2)}x`);
}
console.log(`\n${formatResults(results, TARGET_RATIO)}`);
