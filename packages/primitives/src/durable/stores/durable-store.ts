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
  /** Sets a run's status and what goes with it (output, error, or what it waits for). */
  finishRun(runId: string, update: RunUpdate): Promise<void>;
  /**
   * Records a step. A second record for the same (run, path, seq) is ignored: the first one wins
   * (a step that ran twice because of a crash between running and recording is recorded once).
   */
  appendStep(runId: string, step: StepRecord): Promise<void>;
  /** The journal of a run, in the order it was written. */
  getSteps(runId: string): Promise<StepRecord[]>;
  /** Delivers a signal to a run (kept in arrival order per name); returns its index. */
  appendSignal(runId: string, name: string, payload: string, at: number): Promise<number>;
  /** The signals of one name delivered to a run, oldest first. */
  getSignals(runId: string, name: string): Promise<string[]>;
}
