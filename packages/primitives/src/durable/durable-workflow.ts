// A durable run journals every leaf step it completes (and every failed attempt), keyed by the
// step's path in the composition tree and how many times that path ran before in the run. To
// resume, the workflow runs again from the top with the recorded input and context: a leaf whose
// entry exists answers from it without running, so execution goes straight to the first step that
// had not finished. Composite steps are never recorded: they rerun, deciding again from the
// recorded outputs, which is why their own logic must be deterministic (see docs/durable.md).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  CONVERSATION,
  ConversationMemory,
  type ConversationMemoryJSON,
  toCancellationError,
  USAGE_OBSERVER,
  WorkflowContext,
  waitFor,
} from '@tta/agent-context';
import {
  type DurableRunEvent,
  emitChunk,
  enableStepInterceptors,
  FOLLOWS_FROM,
  isStreaming,
  type PrimitiveRef,
  reportDurable,
  STEP_INTERCEPTOR,
  STREAM_SINK,
  type StepInterceptor,
  type StreamEvent,
  type StreamOptions,
  streamWorkflow,
  type WorkflowPrimitive,
} from '@tta/primitives';
import { JSON_CODEC } from './codec.js';
import type { DurableOptions, RunHandle, RunInfo, StartOptions } from './durable-types.js';
import {
  CorruptJournalError,
  RunNotFoundError,
  RunStateError,
  SignalPayloadError,
  WorkflowVersionMismatchError,
} from './errors/durable-errors.js';
import { decodeRunContext, encodeRunContext, traceIdOf } from './run-context.js';
import { RUN_SERVICES, type RunServices, SuspendRun } from './run-services.js';
import { RunValues } from './run-values.js';
import { type RecordedEffects, replayEffects, StepEffects } from './step-effects.js';
import type {
  DurableStore,
  RunQuery,
  RunRecord,
  RunStatus,
  StepRecord,
} from './stores/durable-store.js';
import { RUN_VERSION, structureFingerprint } from './versioning.js';
import { checkPayload, WaitForSignalPrimitive } from './waits.js';

/** A step that can stream its recorded output again (every primitive can; see `chunksOf`). */
interface ChunkSource {
  chunksOf(output: unknown): readonly unknown[];
}

/** What one drive of a run keeps while it runs. */
interface DriveState {
  readonly run: RunRecord;
  readonly journal: Map<string, StepRecord>;
  /** Executions so far per step path (the journal's seq). */
  readonly counters: Map<string, number>;
  /** Signals consumed so far per name. */
  readonly signalsTaken: Map<string, number>;
  readonly abort: AbortController;
  /** The fencing token of this drive's claim. */
  readonly fence: number;
  /** The run's conversation, when it carries one: replayed steps apply their changes to it. */
  readonly conversation: ConversationMemory | undefined;
  /** The span of this attempt's outermost execution, once journaled (see ATTEMPT_PATH). */
  attemptNoted: boolean;
}

// Each attempt at a run (a start, a resume) journals the ids of its outermost span at this path,
// which no step has (paths are non-empty): a resumed attempt links its span to the one that died.
const ATTEMPT_PATH = '';

const STORE_FAILED = 'the store failed to record a step; the run stays running for recover()';
const LEASE_LOST =
  'this process lost its lease (another process claimed the run, or it was cancelled)';

function leaseLost(runId: string): RunStateError {
  return new RunStateError({ runId, status: 'running', reason: LEASE_LOST });
}

/**
 * Wraps `workflow` so its runs survive crashes and restarts: see {@link DurableWorkflow}.
 *
 * @example
 * ```ts
 * const store = await SqliteDurableStore.open({ path: './runs.db' });
 * const flow = durable(sequential(draft, review, pay), { name: 'expense', store });
 * const run = await flow.start(expense, { runId: `expense-${expense.id}` });
 * await run.result();
 * ```
 */
export function durable<I, O>(
  workflow: WorkflowPrimitive<I, O>,
  options: DurableOptions,
): DurableWorkflow<I, O> {
  return new DurableWorkflow(workflow, options);
}

/**
 * A workflow whose runs are journaled in a store: `start` runs it and records each completed leaf
 * step; after a crash, `resume` runs it again from the top and every recorded step answers from
 * the journal, so only unfinished steps run. `get`, `list` and `cancel` work from any process.
 *
 * @example
 * ```ts
 * const flow = new DurableWorkflow(workflow, { name: 'expense', store });
 * const { runId } = await flow.start(input);
 * // another process, after a crash:
 * await (await flow.resume(runId)).result();
 * ```
 */
export class DurableWorkflow<I, O> {
  readonly name: string;
  readonly workflow: WorkflowPrimitive<I, O>;
  readonly version: string;
  /** The structure's fingerprint, recorded with each run. */
  readonly fingerprint: string;
  readonly #resumes: ReadonlySet<string>;
  /** The owner name this process claims runs under. */
  readonly workerId: string;
  readonly #leaseMs: number;
  readonly #store: DurableStore;
  readonly #values: RunValues;
  readonly #restoreConversation: (saved: ConversationMemoryJSON) => ConversationMemory;
  // Runs this process is driving: their outcome, and how to stop them.
  readonly #active = new Map<string, { result: Promise<O>; abort: AbortController }>();
  // Runs that suspended just as their signal arrived and are being driven again.
  readonly #waking = new Map<string, Promise<RunHandle<O>>>();

  constructor(workflow: WorkflowPrimitive<I, O>, options: DurableOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('durable: options are required');
    if (typeof options.name !== 'string' || options.name.length === 0)
      throw new TypeError('durable: name must be a non-empty string');
    if (typeof options.store?.appendStep !== 'function')
      throw new TypeError('durable: store must be a DurableStore');
    if (typeof (workflow as { execute?: unknown })?.execute !== 'function')
      throw new TypeError('durable: workflow must be a primitive');
    this.workflow = workflow;
    this.name = options.name;
    this.version = options.version ?? '1';
    if (typeof this.version !== 'string' || this.version.length === 0)
      throw new TypeError('durable: version must be a non-empty string');
    if (options.resumes !== undefined && !Array.isArray(options.resumes))
      throw new TypeError('durable: resumes must be an array of versions');
    this.#resumes = new Set(options.resumes ?? []);
    this.fingerprint = structureFingerprint(workflow.describe());
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    if (typeof this.workerId !== 'string' || this.workerId.length === 0)
      throw new TypeError('durable: workerId must be a non-empty string');
    const maxValueBytes = options.maxValueBytes ?? 1_048_576;
    if (!(Number.isInteger(maxValueBytes) && maxValueBytes > 0))
      throw new RangeError('durable: maxValueBytes must be an integer > 0');
    this.#leaseMs = options.leaseMs ?? 15_000;
    if (!(Number.isFinite(this.#leaseMs) && this.#leaseMs >= 100))
      throw new RangeError('durable: leaseMs must be a number >= 100');
    this.#store = options.store;
    this.#values = new RunValues(options.codec ?? JSON_CODEC, maxValueBytes);
    if (
      options.restoreConversation !== undefined &&
      typeof options.restoreConversation !== 'function'
    )
      throw new TypeError('durable: restoreConversation must be a function');
    this.#restoreConversation =
      options.restoreConversation ?? ((saved) => ConversationMemory.fromJSON(saved));
  }

  /** Starts a run (or finds the run with this `runId`). The run goes on after `start` returns. */
  async start(input: I, options: StartOptions = {}): Promise<RunHandle<O>> {
    const runId = options.runId ?? crypto.randomUUID();
    if (typeof runId !== 'string' || runId.length === 0 || runId.length > 256)
      throw new TypeError('DurableWorkflow.start: runId must be a string of 1 to 256 characters');
    const context = options.context ?? new WorkflowContext();
    const conversation = context.getValue(CONVERSATION);
    const now = Date.now();
    const record: RunRecord = {
      runId,
      workflow: this.name,
      version: this.version,
      fingerprint: this.fingerprint,
      status: 'running',
      input: this.#values.encode(input, 'input'),
      context: encodeRunContext(
        context,
        conversation && this.#values.encode(conversation.toJSON(), 'conversation'),
      ),
      owner: this.workerId,
      leaseUntil: now + this.#leaseMs,
      fence: 1,
      createdAt: now,
      updatedAt: now,
    };
    const { created, run } = await this.#store.createRun(record);
    if (run.workflow !== this.name)
      throw new RunStateError({
        runId,
        status: run.status,
        reason: `the id belongs to a run of ${run.workflow}`,
      });
    if (!created) return this.#handle(run, false);
    return this.#drive(run, input, context, 1, 'started', conversation);
  }

  /** Runs an unfinished run again in this process; completed steps answer from the journal. */
  resume(runId: string): Promise<RunHandle<O>> {
    return this.#resume(runId, undefined);
  }

  /**
   * Starts a run like `start` and streams its events (see `WorkflowPrimitive.stream`). The run
   * does not depend on the consumer: one that stops reading (or aborts `signal`) stops receiving
   * events, and the run goes on; cancel it with `cancel(runId)`.
   *
   * @example
   * ```ts
   * for await (const event of flow.stream(question, { runId: `chat-${id}` }))
   *   if (event.type === 'chunk') res.write(String(event.chunk));
   * ```
   */
  stream(
    input: I,
    options: StartOptions & Omit<StreamOptions, 'context'> = {},
  ): AsyncIterableIterator<StreamEvent<O>> {
    const { runId, context, ...streaming } = options;
    const run = {
      execute: async (i: I, ctx?: WorkflowContext) =>
        (await this.start(i, { runId, context: ctx })).result(),
    };
    return streamWorkflow(run, input, { ...streaming, context }, { detach: true });
  }

  /**
   * Resumes a run like `resume` and streams its events: the steps answered from the journal send
   * their recorded output as chunks (a model step its text), then the steps that run send theirs.
   * A consumer that leaves stops receiving events; the run goes on.
   *
   * @example
   * ```ts
   * for await (const event of flow.streamResume(runId)) if (event.type === 'chunk') show(event.chunk);
   * ```
   */
  streamResume(
    runId: string,
    options: Omit<StreamOptions, 'context'> = {},
  ): AsyncIterableIterator<StreamEvent<O>> {
    const run = {
      execute: async (_: unknown, ctx?: WorkflowContext) =>
        (await this.#resume(runId, ctx)).result(),
    };
    return streamWorkflow(run, undefined, options, { detach: true });
  }

  async #resume(runId: string, watcher: WorkflowContext | undefined): Promise<RunHandle<O>> {
    const run = await this.#run(runId);
    const active = this.#active.get(runId);
    if (active !== undefined)
      return { runId, created: false, result: () => this.#follow(runId, active.result) };
    if (run.status === 'completed' || run.status === 'cancelled') return this.#handle(run, false);
    this.#checkVersion(run);
    const input = this.#values.decode(run.runId, run.input, 'input') as I;
    const restored = this.#restoreContext(run);
    const { conversation } = restored;
    // A streaming consumer's sink (and usage events) ride along with the stored context.
    let context = restored.context;
    const sink = watcher?.getValue(STREAM_SINK);
    if (sink !== undefined) context = context.withValue(STREAM_SINK, sink);
    const usage = watcher?.getValue(USAGE_OBSERVER);
    if (usage !== undefined) context = context.withValue(USAGE_OBSERVER, usage);
    // A failed run goes back to running (unowned) so it can be claimed like any other.
    if (run.status === 'failed')
      await this.#store.finishRun(runId, { status: 'running', updatedAt: Date.now() });
    const fence = await this.#store.claimRun(runId, {
      owner: this.workerId,
      now: Date.now(),
      leaseMs: this.#leaseMs,
    });
    if (fence === undefined) {
      const latest = await this.#run(runId);
      throw new RunStateError({
        runId,
        status: latest.status,
        reason:
          latest.owner === undefined
            ? 'it cannot be resumed in this state'
            : `${latest.owner} holds it (lease until ${new Date(latest.leaseUntil ?? 0).toISOString()})`,
      });
    }
    return this.#drive(run, input, context, fence, 'resumed', conversation);
  }

  /** The stored context, and the conversation as it was at the start (a new object). */
  #restoreContext(run: RunRecord): {
    context: WorkflowContext;
    conversation: ConversationMemory | undefined;
  } {
    let stored: ReturnType<typeof decodeRunContext>;
    try {
      stored = decodeRunContext(run.context);
    } catch (error) {
      throw new CorruptJournalError(
        { runId: run.runId, step: 'run', reason: 'the stored context is not valid' },
        { cause: error },
      );
    }
    if (stored.conversation === undefined)
      return { context: stored.context, conversation: undefined };
    const saved = this.#values.decode(run.runId, stored.conversation, 'conversation');
    try {
      return {
        context: stored.context,
        conversation: this.#restoreConversation(saved as ConversationMemoryJSON),
      };
    } catch (error) {
      throw new CorruptJournalError(
        { runId: run.runId, step: 'conversation', reason: 'the stored conversation is not valid' },
        { cause: error },
      );
    }
  }

  /** The run's status, input, output or error, and its journaled steps. */
  async get(runId: string): Promise<RunInfo<I, O>> {
    const run = await this.#run(runId);
    const journal = await this.#store.getSteps(runId);
    const steps = journal.filter((s) => s.path !== ATTEMPT_PATH);
    const attempts = journal
      .filter((s) => s.path === ATTEMPT_PATH)
      .flatMap((s) => {
        const ids = spanIdsOf(s.value);
        return ids === undefined ? [] : [{ ...ids, startedAt: s.startedAt }];
      });
    const { conversation } = this.#restoreContext(run);
    if (conversation !== undefined) {
      // Spending goes to a scratch context: only the conversation is wanted here.
      const scratch = new WorkflowContext();
      for (const step of steps) this.#replayEffects(run, step, scratch, conversation);
    }
    return {
      runId,
      workflow: run.workflow,
      version: run.version,
      status: run.status,
      input: this.#values.decode(run.runId, run.input, 'input') as I,
      ...(run.output === undefined
        ? {}
        : { output: this.#values.decode(run.runId, run.output, 'output') as O }),
      ...(run.error === undefined
        ? {}
        : { error: this.#values.decode(run.runId, run.error, 'error') }),
      steps: steps.map((s) => ({
        path: s.path,
        seq: s.seq,
        status: s.status,
        startedAt: s.startedAt,
        durationMs: s.endedAt - s.startedAt,
      })),
      traceId: traceIdOf(run.context),
      attempts,
      ...(conversation === undefined ? {} : { conversation: conversation.toJSON() }),
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    };
  }

  /** This workflow's runs, oldest first, a page at a time. */
  async list(query: Omit<RunQuery, 'workflow'> = {}): Promise<{
    runs: { runId: string; status: RunStatus; createdAt: number; updatedAt: number }[];
    cursor: string | undefined;
  }> {
    const page = await this.#store.listRuns({ ...query, workflow: this.name });
    return {
      runs: page.runs.map((r) => ({
        runId: r.runId,
        status: r.status,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })),
      cursor: page.cursor,
    };
  }

  /**
   * Delivers a signal to a run, from any process. The payload is checked by the schema of the
   * steps that wait for `name` (a bad one is refused with `SignalPayloadError` and changes
   * nothing) and stored; a run suspended on that signal resumes here at once.
   */
  async signal(runId: string, name: string, payload: unknown): Promise<RunHandle<O>> {
    const run = await this.#run(runId);
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled')
      throw new RunStateError({ runId, status: run.status, reason: 'the run has ended' });
    const waits = this.#waitsFor(name);
    if (waits.length === 0)
      throw new SignalPayloadError({
        runId,
        signal: name,
        reason: 'no step of this workflow waits for it',
      });
    let accepted = payload;
    for (const wait of waits) {
      try {
        accepted = await checkPayload(wait.schema, payload);
      } catch (error) {
        throw new SignalPayloadError(
          { runId, signal: name, reason: error instanceof Error ? error.message : String(error) },
          { cause: error },
        );
      }
    }
    await this.#store.appendSignal(
      runId,
      name,
      this.#values.encode(accepted, `signal ${name}`),
      Date.now(),
    );
    // A run this process is driving finds the signal at its wait (or, if it is suspending just
    // now, sees it when it looks again after storing the suspension).
    const active = this.#active.get(runId);
    if (active !== undefined)
      return { runId, created: false, result: () => this.#follow(runId, active.result) };
    const latest = await this.#run(runId);
    const waiting =
      latest.status === 'suspended' && latest.waitingFor?.endsWith(`:signal:${name}`) === true;
    return waiting ? this.resume(runId) : this.#handle(latest, false);
  }

  /**
   * Takes over the runs that need a process: running runs whose owner stopped renewing its lease
   * (it crashed, or was deployed away), runs this worker owned before it restarted (with a stable
   * `workerId`), and suspended runs whose timer is due. Each is claimed atomically, so several
   * processes may call this at once: every run is driven by one of them. Call it at start-up and
   * then periodically.
   */
  async recover(now = Date.now()): Promise<RunHandle<O>[]> {
    const ids = new Set<string>();
    for (const query of [{ staleBy: now }, { owner: this.workerId, status: 'running' as const }]) {
      let cursor: string | undefined;
      do {
        const page = await this.#store.listRuns({
          ...query,
          workflow: this.name,
          cursor,
          limit: 100,
        });
        for (const run of page.runs) if (!this.#active.has(run.runId)) ids.add(run.runId);
        cursor = page.cursor;
      } while (cursor !== undefined);
    }
    const handles: RunHandle<O>[] = [];
    for (const runId of ids) {
      const handle = await this.resume(runId).catch(() => undefined);
      if (handle !== undefined) handles.push(handle);
    }
    return [...handles, ...(await this.resumeDue(now))];
  }

  /** Resumes the suspended runs whose timer (a timeout, a durable sleep) is due. Call it periodically. */
  async resumeDue(now = Date.now()): Promise<RunHandle<O>[]> {
    const handles: RunHandle<O>[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.listRuns({
        workflow: this.name,
        dueBy: now,
        cursor,
        limit: 100,
      });
      for (const run of page.runs) {
        // Another process may claim it first: that is fine, it runs there.
        const handle = await this.resume(run.runId).catch(() => undefined);
        if (handle !== undefined) handles.push(handle);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return handles;
  }

  /** The steps of this workflow that wait for the signal `name`. */
  #waitsFor(name: string): WaitForSignalPrimitive<unknown, unknown>[] {
    const found: WaitForSignalPrimitive<unknown, unknown>[] = [];
    const visit = (p: WorkflowPrimitive<unknown, unknown>) => {
      if (p instanceof WaitForSignalPrimitive && p.signalName === name) found.push(p);
      for (const child of p.children) visit(child);
    };
    visit(this.workflow as WorkflowPrimitive<unknown, unknown>);
    return found;
  }

  /**
   * Deletes this workflow's runs that ended (completed, failed or cancelled) more than
   * `olderThanMs` ago, with their journals and signals. Returns how many. Unfinished runs are
   * never deleted.
   */
  async prune(olderThanMs: number, now = Date.now()): Promise<number> {
    if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0))
      throw new RangeError('DurableWorkflow.prune: olderThanMs must be a number >= 0');
    return this.#store.deleteRuns(this.name, now - olderThanMs);
  }

  /** Marks the run cancelled; if this process is running it, its steps are aborted. */
  async cancel(runId: string): Promise<void> {
    const run = await this.#run(runId);
    if (run.status === 'completed' || run.status === 'failed') return;
    await this.#store.finishRun(runId, { status: 'cancelled', updatedAt: Date.now() });
    this.#active
      .get(runId)
      ?.abort.abort(new RunStateError({ runId, status: 'cancelled', reason: 'cancelled' }));
  }

  /** A drive's outcome, or, when it suspended just as its signal came, the next drive's. */
  #follow(runId: string, result: Promise<O>): Promise<O> {
    return result.catch(async (error: unknown) => {
      const waking = this.#waking.get(runId);
      if (waking === undefined) throw error;
      return (await waking).result();
    });
  }

  /** Refuses to replay a run under a structure it did not start with (nothing is changed). */
  #checkVersion(run: RunRecord): void {
    const details = { runId: run.runId, runVersion: run.version, version: this.version };
    if (run.version === this.version) {
      if (run.fingerprint !== this.fingerprint)
        throw new WorkflowVersionMismatchError({
          ...details,
          reason: 'the workflow structure changed without a new version',
        });
      return;
    }
    if (!this.#resumes.has(run.version))
      throw new WorkflowVersionMismatchError({
        ...details,
        reason: `version ${run.version} is not in this workflow's \`resumes\``,
      });
  }

  async #run(runId: string): Promise<RunRecord> {
    const run = await this.#store.getRun(runId);
    if (run === undefined || run.workflow !== this.name) throw new RunNotFoundError({ runId });
    return run;
  }

  #handle(run: RunRecord, created: boolean): RunHandle<O> {
    return {
      runId: run.runId,
      created,
      result: async () => {
        const active = this.#active.get(run.runId);
        if (active !== undefined) return this.#follow(run.runId, active.result);
        const latest = await this.#run(run.runId);
        if (latest.status === 'completed' && latest.output !== undefined)
          return this.#values.decode(latest.runId, latest.output, 'output') as O;
        if (latest.status === 'failed' && latest.error !== undefined)
          throw this.#values.decode(latest.runId, latest.error, 'error');
        throw new RunStateError({
          runId: run.runId,
          status: latest.status,
          reason:
            latest.status === 'cancelled'
              ? 'the run was cancelled'
              : 'this process is not running it (resume it to run it here)',
        });
      },
    };
  }

  async #drive(
    run: RunRecord,
    input: I,
    context: WorkflowContext,
    fence: number,
    how: 'started' | 'resumed',
    conversation: ConversationMemory | undefined,
  ): Promise<RunHandle<O>> {
    const { runId } = run;
    const journal = new Map<string, StepRecord>();
    const attempts: StepRecord[] = [];
    for (const step of await this.#store.getSteps(runId)) {
      if (step.path === ATTEMPT_PATH) attempts.push(step);
      else journal.set(`${step.seq}#${step.path}`, step);
    }
    const abort = new AbortController();
    let runContext = context.child({ signal: abort.signal }).withValue(RUN_VERSION, run.version);
    // A resumed run carries its own conversation, rebuilt from the journal as steps replay.
    if (conversation !== undefined) runContext = runContext.withValue(CONVERSATION, conversation);
    // The attempt before this one (the one that died, or was suspended): its span is linked.
    const previous = spanIdsOf(attempts.at(-1)?.value);
    if (previous !== undefined)
      runContext = runContext.withValue(FOLLOWS_FROM, [
        { ...previous, attributes: { 'tta.durable.attempt': attempts.length } },
      ]);
    const counters = new Map<string, number>();
    const signalsTaken = new Map<string, number>();
    const state: DriveState = {
      run,
      journal,
      counters,
      signalsTaken,
      abort,
      fence,
      conversation,
      attemptNoted: false,
    };
    const attempt = attempts.length;
    // The lease: renewed while the run is driven here; lost, the run stops at once.
    const heartbeat = setInterval(
      () => {
        this.#store
          .renewLease(runId, this.workerId, fence, Date.now() + this.#leaseMs)
          .then((held) => {
            if (!held) abort.abort(leaseLost(runId));
          })
          .catch(() => {
            // A store that is briefly unreachable: the next beat tries again.
          });
      },
      Math.max(50, Math.floor(this.#leaseMs / 3)),
    );
    heartbeat.unref?.();
    const interceptor: StepInterceptor = (info, runStep) =>
      !state.attemptNoted && info.primitive === this.workflow
        ? this.#noteAttempt(state, attempt, runContext, info.context).then(() => runStep())
        : this.#step(state, info.primitive, info.context, runStep);
    const release = enableStepInterceptors();
    let wakeAgain = false;
    const report = (status: DurableRunEvent['status']) =>
      reportDurable(
        { type: 'durable-run', runId, workflow: this.name, status },
        this.workflow,
        runContext,
      );
    report(how);
    const result = (async () => {
      try {
        // A cancelled run ends at once, even while a step that ignores its signal is still busy.
        const output = await waitFor({
          promise: this.workflow.execute(
            input,
            runContext.withValue(STEP_INTERCEPTOR, interceptor),
          ),
          signal: abort.signal,
        });
        const stored = await this.#store.finishRun(
          runId,
          {
            status: 'completed',
            output: this.#values.encode(output, 'output'),
            updatedAt: Date.now(),
          },
          fence,
        );
        if (!stored) throw leaseLost(runId);
        report('completed');
        return output;
      } catch (error) {
        const reason: unknown = abort.signal.reason;
        if (reason instanceof SuspendRun) {
          // Waiting for a signal or a time: stored, and nothing of the run stays in memory.
          await this.#store.finishRun(
            runId,
            {
              status: 'suspended',
              waitingFor: reason.waitingFor,
              waitStartedAt: reason.waitStartedAt,
              wakeAt: reason.wakeAt,
              updatedAt: Date.now(),
            },
            fence,
          );
          report('suspended');
          // A signal that arrived while this run was on its way to suspending (from a process
          // that saw it running) would otherwise wait for nothing: look once more.
          if (reason.signal !== undefined) {
            const delivered = await this.#store.getSignals(runId, reason.signal.name);
            if (delivered.length > reason.signal.index) wakeAgain = true;
          }
          throw new RunStateError({
            runId,
            status: 'suspended',
            reason: `waiting (${reason.waitingFor})`,
          });
        }
        // Fenced out (lease lost, or cancelled elsewhere): the run is someone else's now.
        if (
          reason instanceof RunStateError &&
          (reason.reason === LEASE_LOST || reason.reason === STORE_FAILED)
        )
          throw reason;
        const cancelled = abort.signal.aborted;
        report(cancelled ? 'cancelled' : 'failed');
        await this.#store.finishRun(
          runId,
          {
            status: cancelled ? 'cancelled' : 'failed',
            error: this.#values.encodeError(error),
            updatedAt: Date.now(),
          },
          fence,
        );
        throw error;
      } finally {
        clearInterval(heartbeat);
        release();
        runContext.dispose();
        this.#active.delete(runId);
        if (wakeAgain) {
          // Registered at once, so a handle on this drive follows the next one.
          const next = this.resume(runId);
          this.#waking.set(runId, next);
          next.then(
            () => this.#waking.delete(runId),
            () => this.#waking.delete(runId),
          );
        }
      }
    })();
    // The caller may never ask for the result: its rejection is not unhandled.
    result.catch(() => {});
    const entry = { result, abort };
    this.#active.set(runId, entry);
    return { runId, created: true, result: () => this.#follow(runId, entry.result) };
  }

  /** Journals a step with this drive's fence; a store failure or a lost lease stops the run. */
  async #append(state: DriveState, step: StepRecord): Promise<void> {
    const { run, abort, fence } = state;
    let written: boolean;
    try {
      written = await this.#store.appendStep(run.runId, step, fence);
    } catch (error) {
      // The store failed: the step's result is not recorded, so the run is not failed either.
      // It stops here, still running, and is recovered (from the journal) once the store is back.
      const stopped = new RunStateError(
        { runId: run.runId, status: 'running', reason: STORE_FAILED },
        { cause: error },
      );
      abort.abort(stopped);
      throw stopped;
    }
    if (!written) {
      const lost = leaseLost(run.runId);
      abort.abort(lost);
      throw lost;
    }
  }

  /**
   * Journals the ids of this attempt's outermost span, when a tracer gave it one of its own, so
   * that the next attempt (after a crash, a suspension) links to it.
   */
  async #noteAttempt(
    state: DriveState,
    attempt: number,
    runContext: WorkflowContext,
    rootContext: WorkflowContext,
  ): Promise<void> {
    state.attemptNoted = true;
    if (rootContext.spanId === runContext.spanId) return;
    const now = Date.now();
    await this.#append(state, {
      path: ATTEMPT_PATH,
      seq: attempt,
      status: 'completed',
      value: JSON.stringify({ traceId: rootContext.traceId, spanId: rootContext.spanId }),
      startedAt: now,
      endedAt: now,
    });
  }

  /** Redoes a replayed step's effects (spending, conversation changes); bad ones name the step. */
  #replayEffects(
    run: RunRecord,
    step: StepRecord,
    context: WorkflowContext,
    conversation: ConversationMemory | undefined,
  ): void {
    if (step.effects === undefined) return;
    const effects = this.#values.decode(run.runId, step.effects, step.path);
    try {
      replayEffects(effects, context, conversation);
    } catch (error) {
      throw new CorruptJournalError(
        {
          runId: run.runId,
          step: step.path,
          reason: `its effects are not valid: ${error instanceof Error ? error.message : String(error)}`,
        },
        { cause: error },
      );
    }
  }

  /** One execution inside a run: leaves answer from the journal or run and are recorded. */
  async #step(
    state: DriveState,
    primitive: PrimitiveRef,
    context: WorkflowContext,
    runStep: (context?: WorkflowContext) => Promise<unknown>,
  ): Promise<unknown> {
    if (primitive.isLeaf !== true || primitive.path === undefined) return runStep();
    const { run, journal, counters, signalsTaken, abort, conversation } = state;
    const record = (step: StepRecord) => this.#append(state, step);
    const path = primitive.path;
    const seq = counters.get(path) ?? 0;
    counters.set(path, seq + 1);
    const signalName = (primitive as { signalName?: unknown }).signalName;
    const waitsFor =
      primitive.type === 'wait-for-signal' && typeof signalName === 'string'
        ? signalName
        : undefined;
    const signalIndex = waitsFor === undefined ? 0 : (signalsTaken.get(waitsFor) ?? 0);
    const took = () => {
      if (waitsFor !== undefined) signalsTaken.set(waitsFor, signalIndex + 1);
    };
    const recorded = journal.get(`${seq}#${path}`);
    // A composite's decision (router, conditional) is journaled like a step but is not one.
    const step = (status: 'replayed' | 'recorded', writeMs?: number) =>
      primitive.type !== 'decision' &&
      reportDurable(
        { type: 'durable-step', runId: run.runId, workflow: this.name, status, writeMs },
        primitive,
        context,
      );
    if (recorded?.status === 'completed') {
      took();
      step('replayed');
      this.#replayEffects(run, recorded, context, conversation);
      const output = this.#values.decode(run.runId, recorded.value, path);
      // In a streaming run a replayed step streams what it recorded.
      const source = primitive as Partial<ChunkSource>;
      if (isStreaming(context) && typeof source.chunksOf === 'function')
        for (const chunk of source.chunksOf(output)) {
          const waiting = emitChunk(context, path, chunk);
          if (waiting !== undefined) await waiting;
        }
      return output;
    }
    // A recorded failure replays as that failure (a retry then takes the same path), except the
    // last failure of a path when a failed run is resumed: that step runs again.
    if (
      recorded?.status === 'failed' &&
      (run.status !== 'failed' || journal.has(`${seq + 1}#${path}`))
    ) {
      step('replayed');
      this.#replayEffects(run, recorded, context, conversation);
      throw this.#values.decode(run.runId, recorded.value, path);
    }
    // The last failure of a failed run, about to run again: what it did before failing happened.
    if (recorded !== undefined) this.#replayEffects(run, recorded, context, conversation);
    const services: RunServices = {
      runId: run.runId,
      stepKey: `${path}#${seq}`,
      signalIndex,
      waitStart: (key) =>
        run.waitingFor === key && run.waitStartedAt !== undefined ? run.waitStartedAt : Date.now(),
      signals: async (name) =>
        (await this.#store.getSignals(run.runId, name)).map((text) =>
          this.#values.decode(run.runId, text, path),
        ),
    };
    const startedAt = Date.now();
    // What this step spends (its siblings may spend the same budget in parallel), to journal it.
    const effects = new StepEffects(conversation);
    const stepContext = effects.observe(context.withValue(RUN_SERVICES, services));
    let output: unknown;
    try {
      output = await runStep(stepContext);
    } catch (error) {
      if (error instanceof SuspendRun) {
        // Stops the whole run (every branch) as a cancellation: recovery steps leave it alone.
        abort.abort(error);
        throw toCancellationError(error);
      }
      await record({
        path,
        seq,
        status: 'failed',
        value: this.#values.encodeError(error),
        ...this.#effectsField(effects.value(), path),
        startedAt,
        endedAt: Date.now(),
      });
      throw error;
    }
    const writing = performance.now();
    await record({
      path,
      seq,
      status: 'completed',
      value: this.#values.encode(output, path),
      ...this.#effectsField(effects.value(), path),
      startedAt,
      endedAt: Date.now(),
    });
    step('recorded', performance.now() - writing);
    took();
    return output;
  }

  /** The journal field for a step's effects, if it had any (size-limited like any value). */
  #effectsField(effects: RecordedEffects | undefined, step: string): { effects?: string } {
    return effects === undefined ? {} : { effects: this.#values.encode(effects, step) };
  }
}

/** The span ids journaled for an attempt, if readable. */
function spanIdsOf(value: string | undefined): { traceId: string; spanId: string } | undefined {
  if (value === undefined) return undefined;
  try {
    const { traceId, spanId } = JSON.parse(value) as { traceId?: unknown; spanId?: unknown };
    return typeof traceId === 'string' && typeof spanId === 'string'
      ? { traceId, spanId }
      : undefined;
  } catch {
    return undefined; // bookkeeping: an unreadable attempt only loses its link
  }
}
