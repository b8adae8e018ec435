import { coreScenarios } from './core.bench.js';
import { formatResults, runScenario, type ScenarioResult } from './harness.js';
import { performanceScenarios, singleFlight } from './performance.bench.js';
import { recoveryScenarios } from './recovery.bench.js';
import { redisRoundTrips } from './redis.bench.js';

const TARGET_RATIO = 3;
const filter = process.argv[2];
const matches = (name: string) => filter === undefined || name.includes(filter);
const scenarios = [...coreScenarios, ...recoveryScenarios, ...performanceScenarios].filter((s) =>
  matches(s.name),
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
if (matches('single-flight')) console.log(`\n${await singleFlight()}`);
if (matches('Redis')) console.log(`\n${await redisRoundTrips()}`);
