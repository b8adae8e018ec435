import { lambda, parallel, sequential } from '@tta/primitives';
import type { Scenario } from './harness.js';

export const steps = Array.from({ length: 10 }, (_, i) => async (x: number) => x + i);

export async function plainChain(x: number): Promise<number> {
  let value = x;
  for (const step of steps) value = await step(value);
  return value;
}

export const chain = sequential(
  ...(steps.map((fn, i) => lambda(fn, { name: `step-${i}` })) as [
    ReturnType<typeof lambda<number, number>>,
  ]),
);
const fanOut = parallel(
  ...(steps.map((fn, i) => lambda(fn, { name: `branch-${i}` })) as [
    ReturnType<typeof lambda<number, number>>,
  ]),
);

/** Issue #2's scenarios: composition overhead with no hooks registered. */
export const coreScenarios: Scenario[] = [
  { name: '10-step sequential chain', plain: () => plainChain(1), tta: () => chain.execute(1) },
  {
    name: '10-way parallel fan-out',
    plain: () => Promise.all(steps.map((step) => step(1))),
    tta: () => fanOut.execute(1),
  },
];
