import { createContextKey, type WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions } from '../core/types.js';
import { CompensationError, type CompensationFailure } from '../errors/compensation-error.js';
import { interceptorsEnabled, STEP_INTERCEPTOR } from '../hooks/step-interceptor.js';
import { requirePrimitive } from '../internal/validate.js';

/** A completed saga step's undo, registered with the enclosing scope. */
interface Registered {
  readonly name: string;
  /** Where the step sits in the composition tree: its undo's place in a durable run's journal. */
  readonly path: string;
  readonly undo: (context: WorkflowContext) => unknown;
}

/** The undos registered by the saga steps that completed inside one scope, in order. */
class SagaScope {
  readonly registered: Registered[] = [];
  register(step: Registered): void {
    this.registered.push(step);
  }
}

/** Where saga steps find the scope that encloses them (a value slot on the context). */
export const SAGA_SCOPE = createContextKey<SagaScope>('tta.saga-scope');

/**
 * Undoes `steps` last first with a context detached from the run's cancellation (undoing must
 * happen even when the run was aborted), attempting every one; the error lists what was undone
 * and what failed. Emits a `compensation` event per step.
 */
export async function compensateInReverse(
  primitive: {
    readonly name: string;
    emitCompensation(event: CompensationEventInit, context: WorkflowContext): void;
  },
  steps: readonly Registered[],
  failedStep: string,
  cause: unknown,
  context: WorkflowContext,
): Promise<CompensationError> {
  const undoContext = context.withCancellation({ inherit: false });
  const compensated: string[] = [];
  const compensationErrors: CompensationFailure[] = [];
  // In a durable run each undo is journaled like a step: after a crash mid-compensation the
  // resumed run undoes what was not undone yet, and nothing twice.
  const interceptor = interceptorsEnabled() ? context.getValue(STEP_INTERCEPTOR) : undefined;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as Registered;
    try {
      if (interceptor === undefined) await step.undo(undoContext);
      else
        await interceptor(
          {
            primitive: {
              type: 'compensate',
              name: step.name,
              path: `${step.path}/undo`,
              isLeaf: true,
            },
            input: undefined,
            context: undoContext,
          },
          async (derived) => step.undo(derived ?? undoContext),
        );
      compensated.push(step.name);
      primitive.emitCompensation({ step: step.name, status: 'compensated' }, context);
    } catch (error) {
      compensationErrors.push({ step: step.name, error });
      primitive.emitCompensation({ step: step.name, status: 'failed', error }, context);
    }
  }
  undoContext.dispose();
  return new CompensationError(
    { saga: primitive.name, failedStep, compensated, compensationErrors },
    { cause },
  );
}

/** What `compensateInReverse` reports per step. */
export interface CompensationEventInit {
  readonly step: string;
  readonly status: 'compensated' | 'failed';
  readonly error?: unknown;
}

/**
 * A saga scope: every saga step that completes inside `inner` (a forward/compensate pair, or the
 * steps of a completed saga) registers its compensation here; when `inner` then fails or is
 * aborted, they are undone last first and the step rejects with a `CompensationError` (its
 * `cause` the original error). When `inner` succeeds, nothing is undone. Scopes nest: a pair
 * registers with the nearest one; parallel branches share their parent's.
 *
 * @example
 * ```ts
 * const booking = sagaScope(
 *   sequential(
 *     new CompensationPrimitive(bookFlight, (_req, flight) => cancelFlight(flight.id)),
 *     new CompensationPrimitive(bookHotel, (_flight, hotel) => cancelHotel(hotel.id)),
 *     chargeCard, // fails: the hotel, then the flight, are cancelled
 *   ),
 *   { name: 'booking' },
 * );
 * ```
 */
export class SagaScopePrimitive<I, O> extends WorkflowPrimitive<I, O> {
  override readonly type = 'saga-scope';
  readonly inner: WorkflowPrimitive<I, O>;

  constructor(inner: WorkflowPrimitive<I, O>, options?: PrimitiveOptions) {
    super(options);
    requirePrimitive('SagaScopePrimitive', 'inner', inner);
    this.inner = inner;
    this.adoptChildren();
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected async run(input: I, context: WorkflowContext): Promise<O> {
    const scope = new SagaScope();
    try {
      return await this.inner.execute(input, context.withValue(SAGA_SCOPE, scope));
    } catch (error) {
      if (scope.registered.length === 0) throw error;
      throw await compensateInReverse(this, scope.registered, this.inner.name, error, context);
    }
  }

  /** Reports one compensation to the hooks. */
  emitCompensation(event: CompensationEventInit, context: WorkflowContext): void {
    this.emit({ type: 'compensation', ...event }, context);
  }
}

/**
 * Wraps `inner` in a saga scope (see {@link SagaScopePrimitive}).
 *
 * @example
 * ```ts
 * const trip = sagaScope(sequential(reserveSeat, chargeCard, sendTicket), { name: 'trip' });
 * ```
 */
export function sagaScope<I, O>(
  inner: WorkflowPrimitive<I, O>,
  options?: PrimitiveOptions,
): SagaScopePrimitive<I, O> {
  return new SagaScopePrimitive(inner, options);
}
