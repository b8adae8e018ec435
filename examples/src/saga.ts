import { sleep, WorkflowContext } from '@tta/agent-context';
import { CompensationError, CompensationPrimitive, sagaStep } from '@tta/primitives';

interface TripRequest {
  traveller: string;
  city: string;
  carClass: 'economy' | 'luxury';
}

/** Pretend booking services with inventories, so undoing a booking visibly gives it back. */
class Inventory {
  readonly #free: Map<string, number>;
  readonly log: string[] = [];
  /** Runs as a booking starts (the example uses it to cancel a run at a precise point). */
  beforeBook: (() => void) | undefined;
  #next = 1;
  constructor(
    readonly kind: string,
    stock: Record<string, number>,
  ) {
    this.#free = new Map(Object.entries(stock));
  }
  async book(item: string, signal?: AbortSignal): Promise<string> {
    this.beforeBook?.();
    await sleep(5, signal);
    const left = this.#free.get(item) ?? 0;
    if (left === 0) throw new Error(`no ${this.kind} available: ${item}`);
    this.#free.set(item, left - 1);
    const id = `${this.kind[0]?.toUpperCase()}${this.#next++}`;
    this.log.push(`booked ${this.kind} ${id} (${item})`);
    return id;
  }
  async cancel(id: string, item: string): Promise<void> {
    this.#free.set(item, (this.#free.get(item) ?? 0) + 1);
    this.log.push(`cancelled ${this.kind} ${id}`);
  }
  left(item: string): number {
    return this.#free.get(item) ?? 0;
  }
}

/** Books flight → hotel → car; when a step fails (or the run is aborted), undoes what was booked. */
export async function runSaga(print: (line: string) => void = console.log) {
  const flights = new Inventory('flight', { Lisbon: 2 });
  const hotels = new Inventory('hotel', { Lisbon: 2 });
  const cars = new Inventory('car', { economy: 1, luxury: 0 });

  const booking = new CompensationPrimitive(
    [
      sagaStep({
        name: 'flight',
        action: async (req: TripRequest, ctx: WorkflowContext) => ({
          req,
          flight: await flights.book(req.city, ctx.signal),
        }),
        compensate: (req, out) => flights.cancel(out.flight, req.city),
      }),
      sagaStep({
        name: 'hotel',
        action: async (prev: { req: TripRequest; flight: string }, ctx: WorkflowContext) => ({
          ...prev,
          hotel: await hotels.book(prev.req.city, ctx.signal),
        }),
        compensate: (prev, out) => hotels.cancel(out.hotel, prev.req.city),
      }),
      sagaStep({
        name: 'car',
        action: async (
          prev: { req: TripRequest; flight: string; hotel: string },
          ctx: WorkflowContext,
        ) => ({
          ...prev,
          car: await cars.book(prev.req.carClass, ctx.signal),
        }),
        compensate: (prev, out) => cars.cancel(out.car, prev.req.carClass),
      }),
    ],
    { name: 'book-trip' },
  );

  const lines: string[] = [];
  const attempt = async (
    label: string,
    req: TripRequest,
    ctx = WorkflowContext.create({ workflowId: 'trip' }),
  ) => {
    try {
      const trip = await booking.execute(req, ctx);
      lines.push(`${label}: booked flight ${trip.flight}, hotel ${trip.hotel}, car ${trip.car}`);
    } catch (error) {
      if (!(error instanceof CompensationError)) throw error;
      const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
      lines.push(
        `${label}: failed at ${error.failedStep} (${cause}); undone: ${error.compensated.join(', ') || 'nothing'}`,
      );
    }
  };

  await attempt('Ana (economy car)', { traveller: 'Ana', city: 'Lisbon', carClass: 'economy' });
  await attempt('Bo (luxury car)', { traveller: 'Bo', city: 'Lisbon', carClass: 'luxury' });
  // Cy's run is cancelled while the hotel is being booked: the flight already booked is undone.
  const controller = new AbortController();
  hotels.beforeBook = () => controller.abort();
  await attempt(
    'Cy (cancelled)',
    { traveller: 'Cy', city: 'Lisbon', carClass: 'economy' },
    WorkflowContext.create({ signal: controller.signal }),
  );
  hotels.beforeBook = undefined;
  lines.push(
    `inventory left: flights ${flights.left('Lisbon')}, hotels ${hotels.left('Lisbon')}, economy cars ${cars.left('economy')}`,
  );
  lines.push(`log: ${[...flights.log, ...hotels.log, ...cars.log].join('; ')}`);
  for (const line of lines) print(line);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) await runSaga();
