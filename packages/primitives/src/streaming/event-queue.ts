import type { StreamEvent } from './events.js';

// The bounded buffer between a streaming run (the producer) and its consumer. A producer that
// gets ahead by `highWaterMark` events waits (its push returns a promise) until the consumer reads;
// so a slow consumer holds at most that many events in memory, and the producer slows down to the
// consumer's pace instead of buffering without bound.
export class EventQueue {
  readonly #buffer: StreamEvent[] = [];
  readonly #highWaterMark: number;
  #consumer: (() => void) | undefined;
  #producers: (() => void)[] = [];
  #closed = false;
  #failure: { error: unknown } | undefined;

  constructor(highWaterMark: number) {
    this.#highWaterMark = highWaterMark;
  }

  get size(): number {
    return this.#buffer.length;
  }

  push(event: StreamEvent): void | Promise<void> {
    if (this.#closed) return; // the consumer left: nothing more is wanted
    this.#buffer.push(event);
    this.#wakeConsumer();
    if (this.#buffer.length < this.#highWaterMark) return;
    return new Promise((resolve) => this.#producers.push(resolve));
  }

  /** No more events; `error` makes the consumer's next read (after the buffer) reject. */
  end(error?: { error: unknown }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = error;
    this.#wakeConsumer();
  }

  /** The consumer left: drop what is buffered and release the producers. */
  drop(): void {
    this.#closed = true;
    this.#buffer.length = 0;
    this.#failure = undefined;
    this.#releaseProducers();
    this.#wakeConsumer(); // a read in progress ends (done)
  }

  async next(): Promise<IteratorResult<StreamEvent>> {
    for (;;) {
      const event = this.#buffer.shift();
      if (event !== undefined) {
        if (this.#buffer.length < this.#highWaterMark) this.#releaseProducers();
        return { done: false, value: event };
      }
      if (this.#closed) {
        const failure = this.#failure;
        this.#failure = undefined;
        if (failure !== undefined) throw failure.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#consumer = resolve;
      });
    }
  }

  #wakeConsumer(): void {
    const wake = this.#consumer;
    this.#consumer = undefined;
    wake?.();
  }

  #releaseProducers(): void {
    const waiting = this.#producers;
    this.#producers = [];
    for (const resolve of waiting) resolve();
  }
}
