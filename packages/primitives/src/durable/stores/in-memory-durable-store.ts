import type { DurableStore, RunQuery, RunRecord, RunUpdate, StepRecord } from './durable-store.js';

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
  readonly #signals = new Map<string, string[]>();

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
      .filter((r) => query.status === undefined || r.status === query.status)
      .filter(
        (r) =>
          query.dueBy === undefined ||
          (r.status === 'suspended' && r.wakeAt !== undefined && r.wakeAt <= query.dueBy),
      );
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const runs = all.slice(start, start + limit).map((r) => ({ ...r }));
    const next = start + runs.length;
    return { runs, cursor: next < all.length ? String(next) : undefined };
  }

  async finishRun(runId: string, update: RunUpdate): Promise<void> {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.set(runId, {
      ...run,
      status: update.status,
      output: update.output,
      error: update.error,
      waitingFor: update.waitingFor,
      waitStartedAt: update.waitStartedAt,
      wakeAt: update.wakeAt,
      updatedAt: update.updatedAt,
    });
  }

  async appendSignal(runId: string, name: string, payload: string, _at: number): Promise<number> {
    const key = `${runId}\u0000${name}`;
    const list = this.#signals.get(key) ?? [];
    list.push(payload);
    this.#signals.set(key, list);
    return list.length - 1;
  }

  async getSignals(runId: string, name: string): Promise<string[]> {
    return [...(this.#signals.get(`${runId}\u0000${name}`) ?? [])];
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
