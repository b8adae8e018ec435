/**
 * The user code every adapter runs. Adapters must build their steps with these
 * factories (never inline their own) so that every column executes identical work.
 */

export const INPUT = 1;

export type Step = (x: number) => Promise<number>;

/**
 * Validation probe. When `enabled` is true at *factory time*, the produced steps
 * count their calls. The harness enables it only for the validation pass and
 * builds fresh, non-counting instances for timing.
 */
export const probe = { enabled: false, calls: 0 };

/** The trivial step: `async (x) => x + 1`. */
export function makeStep(): Step {
  if (probe.enabled) {
    return async (x: number) => {
      probe.calls++;
      return x + 1;
    };
  }
  return async (x: number) => x + 1;
}

/** Ten independent step instances. */
export function makeSteps(n = 10): Step[] {
  return Array.from({ length: n }, () => makeStep());
}

/**
 * Preallocated error: throwing it costs the same for every column, so error
 * *construction* (stack capture, ~µs) does not drown the library overhead.
 * Anything a library allocates on top of that is counted against the library.
 */
const STEP_ERROR = new Error('step failed (preallocated)');

/** A step that always rejects with STEP_ERROR. */
export function makeFailing(): Step {
  if (probe.enabled) {
    return async (_x: number): Promise<number> => {
      probe.calls++;
      throw STEP_ERROR;
    };
  }
  return async (_x: number): Promise<number> => {
    throw STEP_ERROR;
  };
}

/**
 * A step that rejects on its first `failures` calls after each `reset()`, then
 * returns x + 1. The op must call `reset()` before invoking the composed object.
 */
export function makeFlaky(failures = 2): { fn: Step; reset: () => void } {
  let calls = 0;
  const counting = probe.enabled;
  const fn: Step = async (x: number) => {
    if (counting) probe.calls++;
    if (++calls <= failures) throw STEP_ERROR;
    return x + 1;
  };
  return {
    fn,
    reset: () => {
      calls = 0;
    },
  };
}
