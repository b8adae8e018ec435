// Recovery for a whole process: every durable workflow it serves, at start-up and then on a
// timer, so runs whose owner died are taken over without anyone calling recover() by hand.
import type { RunHandle } from './durable-types.js';
import type { DurableWorkflow } from './durable-workflow.js';

/**
 * Options of {@link recoverRuns}.
 *
 * @example
 * ```ts
 * await recoverRuns({ workflows: [expenses, onboarding], intervalMs: 5000, signal: shutdown.signal });
 * ```
 */
export interface RecoverRunsOptions {
  /** The workflows this process serves (their runs are found by name in their stores). Required. */
  // biome-ignore lint/suspicious/noExplicitAny: any workflow, whatever its input and output
  workflows: readonly DurableWorkflow<any, any>[];
  /**
   * Look again every this many ms (a timer that does not keep the process alive), until `signal`
   * aborts. Default: none (one pass).
   */
  intervalMs?: number | undefined;
  /** Stops the periodic passes. Default: none. */
  signal?: AbortSignal | undefined;
  /** Told of a periodic pass that failed (a store that is down); the next pass tries again. Default: none. */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Takes over, for every workflow given, the runs that need a process (see
 * `DurableWorkflow.recover`): at once, and then every `intervalMs` when given. Resolves with the
 * runs the first pass took; a first pass that fails rejects (a store that is not reachable at
 * start-up is worth knowing about).
 *
 * @example
 * ```ts
 * const shutdown = new AbortController();
 * const taken = await recoverRuns({ workflows: [flow], intervalMs: 5000, signal: shutdown.signal });
 * console.log(`took over ${taken.length} runs`);
 * ```
 */
export async function recoverRuns(options: RecoverRunsOptions): Promise<RunHandle<unknown>[]> {
  const { workflows, intervalMs, signal, onError } = options ?? ({} as RecoverRunsOptions);
  if (!Array.isArray(workflows) || workflows.some((w) => typeof w?.recover !== 'function'))
    throw new TypeError('recoverRuns: workflows must be an array of durable workflows');
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs >= 10))
    throw new RangeError('recoverRuns: intervalMs must be a number >= 10');
  if (onError !== undefined && typeof onError !== 'function')
    throw new TypeError('recoverRuns: onError must be a function');
  const pass = async () => {
    const taken: RunHandle<unknown>[] = [];
    for (const workflow of workflows) taken.push(...(await workflow.recover()));
    return taken;
  };
  const first = await pass();
  if (intervalMs === undefined || signal?.aborted === true) return first;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      pass().then(
        () => (signal?.aborted === true ? undefined : schedule()),
        (error: unknown) => {
          onError?.(error);
          if (signal?.aborted !== true) schedule();
        },
      );
    }, intervalMs);
    timer.unref?.();
  };
  signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  schedule();
  return first;
}
