import {
  AbortScope,
  DeadlineExceededError,
  toCancellationError,
  type WorkflowContext,
  waitFor,
} from '@tta/agent-context';

interface Flight<O> {
  promise: Promise<O>;
  readonly scope: AbortScope;
  waiters: number;
  /** The latest deadline among the waiters (Infinity when one has none): the call's bound. */
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Concurrent callers for one key share one call (the cache's single flight). The call is
 * detached from the first caller's signal (it must survive that caller leaving while others
 * wait), bounded by the latest deadline among its waiters, and charged to the first caller's
 * budget. Each waiter leaves on its own abort or deadline; when the last one leaves, the call is
 * cancelled and forgotten, so the next caller starts a live one.
 */
export class SingleFlight<O> {
  readonly #flights = new Map<string, Flight<O>>();

  /** Joins the call for `key`, starting it with `start` if none runs; `settle` runs on success. */
  run(
    key: string,
    context: WorkflowContext,
    start: (shared: WorkflowContext) => Promise<O>,
    settle: (value: O) => Promise<void>,
  ): Promise<O> {
    return this.#wait(key, this.#flight(key, context, start, settle), context);
  }

  #flight(
    key: string,
    context: WorkflowContext,
    start: (shared: WorkflowContext) => Promise<O>,
    settle: (value: O) => Promise<void>,
  ): Flight<O> {
    const existing = this.#flights.get(key);
    if (existing !== undefined) {
      extend(existing, context.deadline);
      return existing;
    }
    const scope = new AbortScope();
    const flight: Flight<O> = {
      promise: Promise.resolve() as Promise<never>,
      scope,
      waiters: 0,
      deadline: Number.NEGATIVE_INFINITY,
      timer: undefined,
    };
    extend(flight, context.deadline);
    const forget = () => this.#forget(key, flight);
    const shared = context.withCancellation({ signal: scope, inherit: false });
    flight.promise = start(shared).then(
      (value) => {
        stopTimer(flight);
        shared.dispose();
        // New callers still find the call while its value is being saved.
        settle(value).finally(forget);
        return value;
      },
      (error: unknown) => {
        stopTimer(flight);
        shared.dispose();
        forget();
        throw error;
      },
    );
    this.#flights.set(key, flight);
    return flight;
  }

  #wait(key: string, flight: Flight<O>, context: WorkflowContext): Promise<O> {
    flight.waiters++;
    const { signal, deadline } = context;
    if (signal === undefined && deadline === undefined) return flight.promise;
    const leave = (error: Error): never => {
      if (--flight.waiters === 0) {
        flight.scope.abort(error);
        stopTimer(flight);
        this.#forget(key, flight);
      }
      throw error;
    };
    return waitFor({
      promise: flight.promise,
      signal,
      onAbort: (reason) => leave(toCancellationError(reason)),
      deadline,
      onDeadline: () => leave(new DeadlineExceededError({ deadline: deadline as number })),
    });
  }

  #forget(key: string, flight: Flight<O>): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
  }
}

/** Moves the call's bound to `deadline` if that is later (no deadline: unbounded). */
function extend(flight: Flight<unknown>, deadline: number | undefined): void {
  const bound = deadline ?? Number.POSITIVE_INFINITY;
  if (bound <= flight.deadline) return;
  flight.deadline = bound;
  stopTimer(flight);
  if (bound !== Number.POSITIVE_INFINITY)
    flight.timer = setTimeout(
      () => flight.scope.abort(new DeadlineExceededError({ deadline: bound })),
      Math.max(0, bound - Date.now()),
    );
}

function stopTimer(flight: Flight<unknown>): void {
  if (flight.timer !== undefined) clearTimeout(flight.timer);
  flight.timer = undefined;
}
