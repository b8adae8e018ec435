import { coreScenarios } from './core.bench.js';
import { durableCost } from './durable.bench.js';
import { formatResults, runScenario, type ScenarioResult } from './harness.js';
import { observabilityScenarios } from './observability.bench.js';
import { performanceScenarios, singleFlight } from './performance.bench.js';
import { recoveryScenarios } from './recovery.bench.js';
import { redisRoundTrips } from './redis.bench.js';
import { streamingCost } from './streaming.bench.js';

const TARGET_RATIO = 3;
const filter = process.argv[2];
const matches = (name: string) => filter === undefined || name.includes(filter);
const scenarios = [...coreScenarios, ...recoveryScenarios, ...performanceScenarios].filter((s) =>
  matches(s.name),
);
const observed = observabilityScenarios.filter((s) => matches(s.name));

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

if (observed.length > 0) {
  // Per-span overhead: the chain's extra time with hooks, over its 11 spans (10 steps + the sequence).
  const bare =
    results.find((r) => r.name === '10-step sequential chain') ??
    (await runScenario(coreScenarios[0] as never));
  const rows: ScenarioResult[] = [];
  for (const scenario of observed)
    rows.push(await runScenario(scenario, { rounds: 9, iterations: 5000 }));
  console.log(
    `\nWith observability hooks (target: none; bare chain ${bare.ttaNs.toFixed(0)} ns/op):`,
  );
  console.log(formatResults(rows, Number.POSITIVE_INFINITY));
  for (const row of rows) {
    console.log(`  ${row.name}: ${((row.ttaNs - bare.ttaNs) / 11).toFixed(0)} ns per span`);
  }
}
if (matches('single-flight')) console.log(`\n${await singleFlight()}`);
if (matches('Redis')) console.log(`\n${await redisRoundTrips()}`);
if (matches('Durable')) console.log(`\n${await durableCost()}`);
if (matches('Streaming')) console.log(`\n${await streamingCost()}`);
