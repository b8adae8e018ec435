import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowContext } from './workflow-context.js';

// One storage per process, even when the ESM and CommonJS builds are both loaded.
const STORAGE_KEY = Symbol.for('tta.agent-context.storage');
const globalStore = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<WorkflowContext> };
globalStore[STORAGE_KEY] ??= new AsyncLocalStorage();
const storage: AsyncLocalStorage<WorkflowContext> = globalStore[STORAGE_KEY];

/**
 * Runs `fn` with `ctx` as the current context: `currentContext()` returns it anywhere inside,
 * including after `await`s and in callbacks `fn` schedules.
 *
 * @example
 * ```ts
 * await runWithContext(ctx, async () => {
 *   await someLibraryCall(); // which can call currentContext() and get ctx
 * });
 * ```
 */
export function runWithContext<T>(ctx: WorkflowContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * The context of the workflow step running now, or `undefined` outside any run.
 *
 * @example
 * ```ts
 * const ctx = currentContext();
 * logger.info({ correlationId: ctx?.correlationId }, 'calling the model');
 * ```
 */
export function currentContext(): WorkflowContext | undefined {
  return storage.getStore();
}
