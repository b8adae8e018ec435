import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import { isWorkflowPrimitive } from '../core/is-primitive.js';
import { LambdaPrimitive, type StepFunction } from '../core/lambda.js';
import type { PrimitiveOptions } from '../core/types.js';
import type { CompensationError } from '../errors/compensation-error.js';
import { requireFunction } from '../internal/validate.js';
import { type CompensationEventInit, compensateInReverse, SAGA_SCOPE } from './saga-scope.js';

/**
 * Undoes a completed step, given the step's input and output.
 *
 * @example
 * ```ts
 * const undo: Compensator<Order, Payment> = (_order, payment) => payments.refund(payment.id);
 * ```
 */
export type Compensator<I, O> = (input: I, output: O, context: WorkflowContext) => unknown;

/**
 * One step of a saga: the action, and how to undo it once it has completed.
 *
 * @example
 * ```ts
 * const step: SagaStep<Order, Payment> = { name: 'charge', action: charge, compensate: (_order, payment) => refund(payment.id) };
 * ```
 */
export interface SagaStep<I, O> {
  /** Shown in events and in `CompensationError.compensated`. */
  readonly name: string;
  /** The forward action (a primitive or a function). */
  readonly action: WorkflowPrimitive<I, O> | StepFunction<I, O>;
  /** Undoes the action; runs only if the action completed and a later step failed. */
  readonly compensate: Compensator<I, O>;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest step type, used only as a constraint.
type AnyStep = SagaStep<any, any>;
type StepInput<S> = S extends SagaStep<infer I, infer _O> ? I : never;
type StepOutput<S> = S extends SagaStep<infer _I, infer O> ? O : never;
type Last<S extends readonly unknown[]> = S extends readonly [...unknown[], infer L] ? L : never;

/**
 * Checks a saga: each step's action accepts the previous step's output.
 *
 * @example
 * ```ts
 * // Checked for you by `new CompensationPrimitive([...])`: each step accepts the previous output.
 * type Ok = SagaChain<[typeof flightStep, typeof hotelStep]>;
 * ```
 */
export type SagaChain<
  S extends readonly AnyStep[],
  Prev = never,
  First extends boolean = true,
> = S extends readonly [infer H extends AnyStep, ...infer R extends readonly AnyStep[]]
  ? [First extends true ? H : SagaStep<Prev, StepOutput<H>>, ...SagaChain<R, StepOutput<H>, false>]
  : [];

/**
 * Declares one saga step with its types inferred from the action, so `compensate`'s parameters
 * need no annotations.
 *
 * @example
 * ```ts
 * const reserve = sagaStep({
 *   name: 'reserve-seat',
 *   action: async (trip: Trip) => seats.reserve(trip),
 *   compensate: (trip, seat) => seats.release(seat.id),
 * });
 * ```
 */
export function sagaStep<I, O>(step: SagaStep<I, O>): SagaStep<I, O> {
  return step;
}

/**
 * The constructor of {@link CompensationPrimitive}: a list of steps (checked in order), or one
 * forward primitive and its compensation.
 *
 * @example
 * ```ts
 * const saga = new CompensationPrimitive(reserveSeat, (request, seat) => releaseSeat(seat.id));
 * ```
 */
export interface CompensationPrimitiveConstructor {
  new <const S extends readonly [AnyStep, ...AnyStep[]]>(
    steps: S & SagaChain<S>,
    options?: PrimitiveOptions,
  ): CompensationPrimitive<StepInput<S[0]>, StepOutput<Last<S>>>;
  new <I, O>(
    forward: WorkflowPrimitive<I, O>,
    compensate: Compensator<I, O>,
    options?: PrimitiveOptions,
  ): CompensationPrimitive<I, O>;
  readonly prototype: CompensationPrimitive<unknown, unknown>;
}

interface NormalizedStep {
  readonly name: string;
  readonly action: WorkflowPrimitive<unknown, unknown>;
  readonly compensate: Compensator<unknown, unknown>;
}

/**
 * A saga: runs the steps' actions in sequence, each getting the previous output. When a step
 * fails, or the run is aborted, the completed steps are compensated in reverse order, each given
 * its own input and output; compensations run even when the run was cancelled (they get a
 * context detached from the caller's signal and deadline). Every compensation is attempted; the
 * failure surfaces as a `CompensationError` whose `cause` is the original error and which lists
 * `compensated` steps and `compensationErrors`. Emits a `compensation` event per step undone.
 *
 * @example
 * ```ts
 * const booking = new CompensationPrimitive([
 *   sagaStep({ name: 'flight', action: bookFlight, compensate: (_req, f) => cancelFlight(f.id) }),
 *   sagaStep({ name: 'hotel', action: bookHotel, compensate: (_f, h) => cancelHotel(h.id) }),
 * ]);
 * ```
 */
class Compensation<I, O> extends WorkflowPrimitive<I, O> {
  override readonly type = 'compensation';
  readonly #steps: readonly NormalizedStep[];

  static {
    Object.defineProperty(Compensation, 'name', { value: 'CompensationPrimitive' });
  }

  constructor(
    stepsOrForward: readonly AnyStep[] | WorkflowPrimitive<I, O>,
    compensateOrOptions?: Compensator<I, O> | PrimitiveOptions,
    maybeOptions?: PrimitiveOptions,
  ) {
    const pair = isWorkflowPrimitive(stepsOrForward);
    const options = pair ? maybeOptions : (compensateOrOptions as PrimitiveOptions | undefined);
    super(options);
    const owner = 'CompensationPrimitive';
    const steps: readonly AnyStep[] = pair
      ? [
          {
            name: stepsOrForward.name,
            action: stepsOrForward,
            compensate: compensateOrOptions as Compensator<I, O>,
          },
        ]
      : (stepsOrForward as readonly AnyStep[]);
    if (!Array.isArray(steps) || steps.length === 0)
      throw new TypeError(`${owner}: at least one step is required`);
    const names = new Set<string>();
    this.#steps = steps.map((step, i) => {
      if (typeof step !== 'object' || step === null)
        throw new TypeError(`${owner}: steps[${i}] must be an object`);
      if (typeof step.name !== 'string' || step.name.length === 0) {
        throw new TypeError(`${owner}: steps[${i}].name must be a non-empty string`);
      }
      if (names.has(step.name)) throw new TypeError(`${owner}: duplicate step name "${step.name}"`);
      names.add(step.name);
      requireFunction(owner, `steps[${i}].compensate`, step.compensate);
      const action = isWorkflowPrimitive(step.action)
        ? step.action
        : typeof step.action === 'function'
          ? new LambdaPrimitive(step.action, { name: step.name })
          : undefined;
      if (action === undefined)
        throw new TypeError(`${owner}: steps[${i}].action must be a primitive or a function`);
      return { name: step.name, action, compensate: step.compensate };
    });
    this.adoptChildren();
  }

  /** The step names, in order. */
  get stepNames(): readonly string[] {
    return this.#steps.map((s) => s.name);
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.#steps.map((step) => ({
      label: `${step.name} (compensated)`,
      segment: step.name,
      primitive: step.action,
    }));
  }

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    const completed: { step: NormalizedStep; input: unknown; output: unknown }[] = [];
    let value: unknown = input;
    let current: NormalizedStep | undefined;
    try {
      for (const step of this.#steps) {
        current = step;
        context.throwIfCancelled();
        const output = await step.action.execute(value, context);
        completed.push({ step, input: value, output });
        value = output;
      }
      // Done: if a saga scope encloses this step, a failure later in it undoes these steps too.
      const scope = context.getValue(SAGA_SCOPE);
      if (scope !== undefined)
        for (const { step, input: stepInput, output } of completed)
          scope.register({
            name: step.name,
            path: `${this.path}/${step.name}`,
            undo: (undoContext) => step.compensate(stepInput, output, undoContext),
          });
      return value as O;
    } catch (error) {
      throw await this.#compensate(completed, current?.name ?? '(none)', error, context);
    }
  }

  /** Reports one compensation to the hooks. */
  emitCompensation(event: CompensationEventInit, context: WorkflowContext): void {
    this.emit({ type: 'compensation', ...event }, context);
  }

  #compensate(
    completed: readonly { step: NormalizedStep; input: unknown; output: unknown }[],
    failedStep: string,
    cause: unknown,
    context: WorkflowContext,
  ): Promise<CompensationError> {
    return compensateInReverse(
      this,
      completed.map(({ step, input, output }) => ({
        name: step.name,
        path: `${this.path}/${step.name}`,
        undo: (undoContext) => step.compensate(input, output, undoContext),
      })),
      failedStep,
      cause,
      context,
    );
  }
}

/**
 * A saga primitive; see {@link CompensationPrimitiveConstructor}.
 *
 * @example
 * ```ts
 * const booking: CompensationPrimitive<Trip, Itinerary> = new CompensationPrimitive([flightStep, hotelStep]);
 * ```
 */
export type CompensationPrimitive<I, O> = Compensation<I, O>;
/**
 * The constructor of `CompensationPrimitive` (see the class documentation).
 *
 * @example
 * ```ts
 * const booking = new CompensationPrimitive([flightStep, hotelStep, carStep], { name: 'book-trip' });
 * ```
 */
export const CompensationPrimitive = Compensation as unknown as CompensationPrimitiveConstructor;
