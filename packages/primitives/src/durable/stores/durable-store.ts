/**
 * The states of a durable run.
 *
 * @example
 * ```ts
 * const unfinished: RunStatus[] = ['running', 'suspended'];
 * ```
 */
export type RunStatus = 'running' | 'suspended' | 'completed' | 'failed' | 'cancelled';

/**
 * A run as stored: what it was started with and how it ended. Values are codec text.
 *
 * @example
 * ```ts
 * const run: RunRecord | undefined = await store.getRun('expense-42');
 * ```
 */
export interface RunRecord {
  readonly runId: string;
  /** The durable workflow's `name`. */
  readonly workflow: string;
  readonly version: string;
  /** The workflow's structure when the run started (see `structureFingerprint`). */
  readonly fingerprint: string;
  readonly status: RunStatus;
  /** The input, encoded. */
  readonly input: string;
  /** The context it started with (`WorkflowContext.toJSON()`), as JSON text. */
  readonly context: string;
  /** The output, encoded, once completed. */
  readonly output?: string | undefined;
  /** The error, encoded, once failed. */
  readonly error?: string | undefined;
  /** While suspended: what the run waits for (a signal, a timer), as `path#seq:what`. */
  readonly waitingFor?: string | undefined;
  /** While suspended: when that wait began (epoch ms; kept across resumes of the same wait). */
  readonly waitStartedAt?: number | undefined;
  /** While suspended: when the run is due to resume on its own (a timeout or a sleep). */
  readonly wakeAt?: number | undefined;
  /** The process driving the run (its `workerId`), while one does. */
  readonly owner?: string | undefined;
  /** Until when the owner's lease holds (epoch ms); past it, another process may claim the run. */
  readonly leaseUntil?: number | undefined;
  /** The fencing token: raised by every claim; writes that carry an older one are refused. */
  readonly fence?: number | undefined;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * One journal entry: a leaf step's completed output or failed attempt.
 *
 * @example
 * ```ts
 * const steps: StepRecord[] = await store.getSteps('expense-42');
 * ```
 */
export interface StepRecord {
  /** The step's path in the composition tree (`expense/2`). */
  readonly path: string;
  /** Which execution of that path in the run (0, 1, … : a retried step has one per attempt). */
  readonly seq: number;
  readonly status: 'completed' | 'failed';
  /** The output (completed) or the error (failed), encoded. */
  readonly value: string;
  /**
   * What else the step did that a replay must redo, encoded, when it did anything: what it spent
   * (charged to the run's budget again) and how it changed the run's conversation (applied
   * again), so both survive a resume.
   */
  readonly effects?: string | undefined;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * What `listRuns` filters on.
 *
 * @example
 * ```ts
 * await store.listRuns({ workflow: 'expense', status: 'suspended', limit: 50 });
 * ```
 */
export interface RunQuery {
  readonly workflow?: string | undefined;
  readonly status?: RunStatus | undefined;
  /** Default: 100. */
  readonly limit?: number | undefined;
  /** From the previous page's `cursor`. */
  readonly cursor?: string | undefined;
  /** Only suspended runs due to wake by this time (epoch ms). */
  readonly dueBy?: number | undefined;
  /** Only running runs whose lease expired by this time (or that have no owner). */
  readonly staleBy?: number | undefined;
  /** Only runs owned by this worker. */
  readonly owner?: string | undefined;
}

/**
 * A claim on a run: who, until when.
 *
 * @example
 * ```ts
 * const fence = await store.claimRun(runId, { owner: 'worker-1', now: Date.now(), leaseMs: 15_000 });
 * ```
 */
export interface RunClaim {
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * How a run's record changes: its status, and what belongs to that status (the rest is cleared).
 *
 * @example
 * ```ts
 * await store.finishRun(runId, { status: 'completed', output: '42', updatedAt: Date.now() });
 * ```
 */
export interface RunUpdate {
  readonly status: RunStatus;
  readonly output?: string | undefined;
  readonly error?: string | undefined;
  readonly waitingFor?: string | undefined;
  readonly waitStartedAt?: number | undefined;
  readonly wakeAt?: number | undefined;
  readonly updatedAt: number;
}

/**
 * Where durable runs and their journals live. Every store passes one contract suite
 * (`test/contracts/durable-store.ts`). Methods are async so a store may be a database.
 *
 * @example
 * ```ts
 * const store: DurableStore = new SqliteDurableStore({ path: './runs.db' });
 * ```
 */
export interface DurableStore {
  /** Creates the run, or returns the existing one with this id (`created: false`). */
  createRun(run: RunRecord): Promise<{ created: boolean; run: RunRecord }>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Runs, oldest first, a page at a time. */
  listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; cursor: string | undefined }>;
  /**
   * Sets a run's status and what goes with it (output, error, or what it waits for), drops its
   * owner and raises its fencing token (whoever was driving it is fenced out). With a `fence`,
   * only if the run's token is still that one (returns false if not).
   */
  finishRun(runId: string, update: RunUpdate, fence?: number): Promise<boolean>;
  /**
   * Atomically takes a running or suspended run for `owner` when nobody holds it, its lease
   * expired, or `owner` already holds it: sets it running, leased until `now + leaseMs`, with a
   * new fencing token, which it returns (undefined when the run was not claimed).
   */
  claimRun(runId: string, claim: RunClaim): Promise<number | undefined>;
  /** Extends the lease while `owner` still holds the run with `fence`; false when it lost it. */
  renewLease(runId: string, owner: string, fence: number, until: number): Promise<boolean>;
  /**
   * Records a step. A second record for the same (run, path, seq) is ignored: the first one wins
   * (a step that ran twice because of a crash between running and recording is recorded once).
   * With a `fence`, only while the run's token is that one: returns false when it was refused.
   */
  appendStep(runId: string, step: StepRecord, fence?: number): Promise<boolean>;
  /** The journal of a run, in the order it was written. */
  getSteps(runId: string): Promise<StepRecord[]>;
  /** Delivers a signal to a run (kept in arrival order per name); returns its index. */
  appendSignal(runId: string, name: string, payload: string, at: number): Promise<number>;
  /** The signals of one name delivered to a run, oldest first. */
  getSignals(runId: string, name: string): Promise<string[]>;
  /**
   * Deletes runs of `workflow` that ended (completed, failed, cancelled) before `endedBefore`,
   * with their journals and signals; returns how many.
   */
  deleteRuns(workflow: string, endedBefore: number): Promise<number>;
}
