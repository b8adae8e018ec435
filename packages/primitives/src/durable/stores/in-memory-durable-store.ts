import type {
  DurableStore,
  RunClaim,
  RunQuery,
  RunRecord,
  RunUpdate,
  StepRecord,
} from './durable-store.js';

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
    const stored = { ...run, fence: run.fence ?? 0 };
    this.#runs.set(run.runId, stored);
    this.#steps.set(run.runId, []);
    return { created: true, run: { ...stored } };
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
      )
      .filter(
        (r) =>
          query.staleBy === undefined ||
          (r.status === 'running' &&
            (r.owner === undefined || (r.leaseUntil ?? 0) < query.staleBy)),
      )
      .filter((r) => query.owner === undefined || r.owner === query.owner);
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const runs = all.slice(start, start + limit).map((r) => ({ ...r }));
    const next = start + runs.length;
    return { runs, cursor: next < all.length ? String(next) : undefined };
  }

  async finishRun(runId: string, update: RunUpdate, fence?: number): Promise<boolean> {
    const run = this.#runs.get(runId);
    if (run === undefined || (fence !== undefined && run.fence !== fence)) return false;
    this.#runs.set(runId, {
      ...run,
      owner: undefined,
      leaseUntil: undefined,
      // Any change of state fences out whoever was driving the run.
      fence: (run.fence ?? 0) + 1,
      status: update.status,
      output: update.output,
      error: update.error,
      waitingFor: update.waitingFor,
      waitStartedAt: update.waitStartedAt,
      wakeAt: update.wakeAt,
      updatedAt: update.updatedAt,
    });
    return true;
  }

  async claimRun(runId: string, claim: RunClaim): Promise<number | undefined> {
    const run = this.#runs.get(runId);
    if (run === undefined || (run.status !== 'running' && run.status !== 'suspended'))
      return undefined;
    const free =
      run.owner === undefined || run.owner === claim.owner || (run.leaseUntil ?? 0) < claim.now;
    if (!free) return undefined;
    const fence = (run.fence ?? 0) + 1;
    this.#runs.set(runId, {
      ...run,
      status: 'running',
      owner: claim.owner,
      leaseUntil: claim.now + claim.leaseMs,
      fence,
    });
    return fence;
  }

  async renewLease(runId: string, owner: string, fence: number, until: number): Promise<boolean> {
    const run = this.#runs.get(runId);
    if (run === undefined || run.owner !== owner || run.fence !== fence) return false;
    this.#runs.set(runId, { ...run, leaseUntil: until });
    return true;
  }

  async appendSignal(runId: string, name: string, payload: string, _at: number): Promise<number> {
    const key = `${runId}\u0000${name}`;
    const list = this.#signals.get(key) ?? [];
    list.push(payload);
    this.#signals.set(key, list);
    return list.length - 1;
  }

  async deleteRuns(workflow: string, endedBefore: number): Promise<number> {
    let deleted = 0;
    for (const [runId, run] of this.#runs) {
      const ended =
        run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled';
      if (run.workflow !== workflow || !ended || run.updatedAt >= endedBefore) continue;
      this.#runs.delete(runId);
      this.#steps.delete(runId);
      for (const key of this.#signals.keys())
        if (key.startsWith(`${runId}\u0000`)) this.#signals.delete(key);
      deleted++;
    }
    return deleted;
  }

  async getSignals(runId: string, name: string): Promise<string[]> {
    return [...(this.#signals.get(`${runId}\u0000${name}`) ?? [])];
  }

  async appendStep(runId: string, step: StepRecord, fence?: number): Promise<boolean> {
    const steps = this.#steps.get(runId);
    if (steps === undefined) return false;
    if (fence !== undefined && this.#runs.get(runId)?.fence !== fence) return false;
    if (!steps.some((s) => s.path === step.path && s.seq === step.seq)) steps.push({ ...step });
    return true;
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    return (this.#steps.get(runId) ?? []).map((s) => ({ ...s }));
  }
}
