import type { WorkflowContext } from '@tta/agent-context';
import { type PrimitiveOptions, WorkflowPrimitive } from '@tta/primitives';
import {
  ApprovalRejectedError,
  DurableRunRequiredError,
  SignalTimeoutError,
} from './errors/durable-errors.js';
import { RUN_SERVICES, type RunServices, SuspendRun } from './run-services.js';

/**
 * A check of a signal's payload: a function that returns the accepted value or throws, or any
 * Standard Schema object (zod, valibot, arktype…).
 *
 * @example
 * ```ts
 * const amount: SignalSchema<number> = (v) => { if (typeof v !== 'number') throw new Error('a number'); return v; };
 * ```
 */
export type SignalSchema<T> =
  | ((payload: unknown) => T)
  | {
      readonly '~standard': {
        validate(
          value: unknown,
        ):
          | { value: T; issues?: undefined }
          | { issues: readonly { message: string }[] }
          | Promise<{ value: T; issues?: undefined } | { issues: readonly { message: string }[] }>;
      };
    };

/**
 * Options of {@link waitForSignal}.
 *
 * @example
 * ```ts
 * waitForSignal('approval', { timeoutMs: 86_400_000, schema: approvalSchema });
 * ```
 */
export interface WaitForSignalOptions<T> extends PrimitiveOptions {
  /** Fail with `SignalTimeoutError` if no signal arrives within this long. Default: wait forever. */
  timeoutMs?: number | undefined;
  /** Checks payloads when they are sent (`signal()` rejects a bad one). Default: any payload. */
  schema?: SignalSchema<T> | undefined;
}

function requireServices(context: WorkflowContext, what: string): RunServices {
  const services = context.getValue(RUN_SERVICES);
  if (services === undefined) throw new DurableRunRequiredError({ step: what });
  return services;
}

/** Checks a payload against a schema (function or Standard Schema); throws on a bad one. */
export async function checkPayload<T>(
  schema: SignalSchema<T> | undefined,
  payload: unknown,
): Promise<T> {
  if (schema === undefined) return payload as T;
  if (typeof schema === 'function') return schema(payload);
  const result = await schema['~standard'].validate(payload);
  if (result.issues !== undefined)
    throw new TypeError(result.issues.map((i) => i.message).join('; ') || 'invalid payload');
  return result.value;
}

/**
 * A step that waits for a signal sent to its durable run (`flow.signal(runId, name, payload)`).
 * The run is suspended meanwhile (stored, nothing held in memory); a signal from any process
 * resumes it here, and the step's output is the payload.
 *
 * @example
 * ```ts
 * const flow = durable(sequential(draft, waitForSignal<Draft, Decision>('decision'), act), { name, store });
 * ```
 */
export class WaitForSignalPrimitive<I, T> extends WorkflowPrimitive<I, T> {
  override readonly type = 'wait-for-signal';
  readonly signalName: string;
  readonly timeoutMs: number | undefined;
  readonly schema: SignalSchema<T> | undefined;

  constructor(signalName: string, options: WaitForSignalOptions<T> = {}) {
    super({ name: options.name ?? `wait:${signalName}`, tool: options.tool });
    if (typeof signalName !== 'string' || signalName.length === 0 || signalName.length > 200)
      throw new TypeError('waitForSignal: the signal name must be a string of 1 to 200 characters');
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
      throw new RangeError('waitForSignal: timeoutMs must be a number > 0');
    this.signalName = signalName;
    this.timeoutMs = timeoutMs;
    this.schema = options.schema;
  }

  protected async run(_input: I, context: WorkflowContext): Promise<T> {
    const services = requireServices(context, this.name);
    const delivered = (await services.signals(this.signalName))[services.signalIndex];
    if (delivered !== undefined) return delivered as T;
    const key = `${services.stepKey}:signal:${this.signalName}`;
    const started = services.waitStart(key);
    const wakeAt = this.timeoutMs === undefined ? undefined : started + this.timeoutMs;
    if (wakeAt !== undefined && Date.now() >= wakeAt)
      throw new SignalTimeoutError({
        runId: services.runId,
        signal: this.signalName,
        timeoutMs: this.timeoutMs as number,
      });
    throw new SuspendRun(key, started, wakeAt, {
      name: this.signalName,
      index: services.signalIndex,
    });
  }
}

/**
 * A step that waits for the signal `name` (see {@link WaitForSignalPrimitive}).
 *
 * @example
 * ```ts
 * const decide = waitForSignal<Draft, { approved: boolean }>('decision', { timeoutMs: 3_600_000 });
 * ```
 */
export function waitForSignal<I, T = unknown>(
  name: string,
  options?: WaitForSignalOptions<T>,
): WaitForSignalPrimitive<I, T> {
  return new WaitForSignalPrimitive<I, T>(name, options);
}

/**
 * A reviewer's decision, the payload of an {@link approval} signal.
 *
 * @example
 * ```ts
 * await flow.signal(runId, 'approval', { approved: true, by: 'maria' } satisfies Decision);
 * ```
 */
export interface Decision {
  readonly approved: boolean;
  readonly by?: string | undefined;
  readonly comment?: string | undefined;
}

function decision(payload: unknown): Decision {
  const p = payload as Partial<Decision> | null;
  if (typeof p !== 'object' || p === null || typeof p.approved !== 'boolean')
    throw new TypeError('an approval needs { approved: boolean, by?: string, comment?: string }');
  if (p.by !== undefined && typeof p.by !== 'string') throw new TypeError('by must be a string');
  if (p.comment !== undefined && typeof p.comment !== 'string')
    throw new TypeError('comment must be a string');
  return { approved: p.approved, by: p.by, comment: p.comment };
}

/**
 * A gate for a human decision: suspends the run until the `approval` signal (or `options.signal`)
 * arrives, then passes its input on when approved and fails with `ApprovalRejectedError` when not.
 *
 * @example
 * ```ts
 * const flow = durable(sequential(draftReimbursement, approval(), pay), { name: 'expense', store });
 * await flow.signal(runId, 'approval', { approved: true, by: 'maria' });
 * ```
 */
export function approval<I>(
  options: {
    signal?: string | undefined;
    timeoutMs?: number | undefined;
    name?: string | undefined;
  } = {},
): WorkflowPrimitive<I, I> {
  const signal = options.signal ?? 'approval';
  const wait = new WaitForSignalPrimitive<I, Decision>(signal, {
    timeoutMs: options.timeoutMs,
    schema: decision,
  });
  return new ApprovalGate<I>(wait, options.name ?? signal);
}

class ApprovalGate<I> extends WorkflowPrimitive<I, I> {
  override readonly type = 'approval';
  readonly wait: WaitForSignalPrimitive<I, Decision>;

  constructor(wait: WaitForSignalPrimitive<I, Decision>, name: string) {
    super({ name });
    this.wait = wait;
    this.adoptChildren();
  }

  protected override describeChildren() {
    return [{ primitive: this.wait, label: 'decision' }];
  }

  protected async run(input: I, context: WorkflowContext): Promise<I> {
    const d = await this.wait.execute(input, context);
    if (!d.approved) throw new ApprovalRejectedError({ by: d.by, comment: d.comment });
    return input;
  }
}

/**
 * A durable sleep: suspends the run until `ms` after the step first ran, surviving restarts
 * (the run wakes through `resumeDue()`). Its output is its input.
 *
 * @example
 * ```ts
 * sequential(sendReminder, durableSleep(86_400_000), sendSecondReminder);
 * ```
 */
export function durableSleep<I>(
  ms: number,
  options: PrimitiveOptions = {},
): WorkflowPrimitive<I, I> {
  if (!(Number.isFinite(ms) && ms >= 0))
    throw new RangeError('durableSleep: ms must be a number >= 0');
  return new DurableSleepPrimitive<I>((started) => started + ms, options.name ?? `sleep:${ms}ms`);
}

/**
 * A durable sleep until a time (see {@link durableSleep}).
 *
 * @example
 * ```ts
 * sequential(prepareReport, durableSleepUntil(new Date('2026-12-01T09:00:00Z')), sendReport);
 * ```
 */
export function durableSleepUntil<I>(
  until: Date | number,
  options: PrimitiveOptions = {},
): WorkflowPrimitive<I, I> {
  const at = typeof until === 'number' ? until : until.getTime();
  if (!Number.isFinite(at)) throw new RangeError('durableSleepUntil: until must be a valid date');
  return new DurableSleepPrimitive<I>(
    () => at,
    options.name ?? `sleep-until:${new Date(at).toISOString()}`,
  );
}

class DurableSleepPrimitive<I> extends WorkflowPrimitive<I, I> {
  override readonly type = 'durable-sleep';
  readonly #wakeAt: (started: number) => number;

  constructor(wakeAt: (started: number) => number, name: string) {
    super({ name });
    this.#wakeAt = wakeAt;
  }

  protected async run(input: I, context: WorkflowContext): Promise<I> {
    const services = requireServices(context, this.name);
    const key = `${services.stepKey}:sleep`;
    const started = services.waitStart(key);
    const wakeAt = this.#wakeAt(started);
    if (Date.now() >= wakeAt) return input;
    throw new SuspendRun(key, started, wakeAt);
  }
}
