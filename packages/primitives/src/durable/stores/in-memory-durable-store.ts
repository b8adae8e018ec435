import type { DurableStore, RunQuery, RunRecord, RunStatus, StepRecord } from './durable-store.js';

/**
 * Runs and journals in this process's memory: for tests (a crash loses them).
 *
 * @example
 * ```ts
 * const flow = durable(workflow, { name: 'test-flow', store: new InMemoryDurableStore() });
 * ```
 */
export class InMemoryDurableStore implements DurableStore {
  readonly #runs = new Map<string, RunRecord>();
  readonly #steps = new Map<string, StepRecord[]>();

  async createRun(run: RunRecord): Promise<{ created: boolean; run: RunRecord }> {
    const existing = this.#runs.get(run.runId);
    if (existing !== undefined) return { created: false, run: existing };
    this.#runs.set(run.runId, { ...run });
    this.#steps.set(run.runId, []);
    return { created: true, run: { ...run } };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(runId);
    return run === undefined ? undefined : { ...run };
  }

  async listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; cursor: string | undefined }> {
    const limit = query.limit ?? 100;
    const all = [...this.#runs.values()]
      .filter((r) => query.workflow === undefined || r.workflow === query.workflow)
      .filter((r) => query.status === undefined || r.status === query.status);
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const runs = all.slice(start, start + limit).map((r) => ({ ...r }));
    const next = start + runs.length;
    return { runs, cursor: next < all.length ? String(next) : undefined };
  }

  async finishRun(
    runId: string,
    update: {
      status: RunStatus;
      output?: string | undefined;
      error?: string | undefined;
      updatedAt: number;
    },
  ): Promise<void> {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.set(runId, {
      ...run,
      status: update.status,
      output: update.output,
      error: update.error,
      updatedAt: update.updatedAt,
    });
  }

  async appendStep(runId: string, step: StepRecord): Promise<void> {
    const steps = this.#steps.get(runId);
    if (steps === undefined) return;
    if (steps.some((s) => s.path === step.path && s.seq === step.seq)) return;
    steps.push({ ...step });
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    return (this.#steps.get(runId) ?? []).map((s) => ({ ...s }));
  }
}
