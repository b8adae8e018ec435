import type { StreamEvent } from './events.js';

// The bounded buffer between a streaming run (the producer) and its consumer. A producer that
// gets ahead by `highWaterMark` events waits (its push returns a promise) until the consumer reads;
// so a slow consumer holds at most that many events in memory, and the producer slows down to the
// consumer's pace instead of buffering without bound.
export class EventQueue {
  readonly #buffer: StreamEvent[] = [];
  readonly #highWaterMark: number;
  // A read waiting for the next event: handed it directly, without going through the buffer.
  #reader: ((result: IteratorResult<StreamEvent>) => void) | undefined;
  #readerFails: ((error: unknown) => void) | undefined;
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
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      this.#readerFails = undefined;
      reader({ done: false, value: event });
      return;
    }
    this.#buffer.push(event);
    if (this.#buffer.length < this.#highWaterMark) return;
    return new Promise((resolve) => this.#producers.push(resolve));
  }

  /** No more events; `error` makes the consumer's next read (after the buffer) reject. */
  end(error?: { error: unknown }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = error;
    if (this.#reader !== undefined) this.#settleWaiting();
  }

  /** The consumer left: drop what is buffered and release the producers. */
  drop(): void {
    this.#closed = true;
    this.#buffer.length = 0;
    this.#failure = undefined;
    this.#releaseProducers();
    if (this.#reader !== undefined) this.#settleWaiting(); // a read in progress ends (done)
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    const event = this.#buffer.shift();
    if (event !== undefined) {
      if (this.#buffer.length < this.#highWaterMark) this.#releaseProducers();
      return Promise.resolve({ done: false, value: event });
    }
    if (this.#closed) {
      const failure = this.#failure;
      this.#failure = undefined;
      return failure === undefined
        ? Promise.resolve({ done: true, value: undefined })
        : Promise.reject(failure.error);
    }
    return new Promise((resolve, reject) => {
      this.#reader = resolve;
      this.#readerFails = reject;
    });
  }

  /** The waiting read, when the queue closed with nothing buffered: done, or the failure. */
  #settleWaiting(): void {
    const resolve = this.#reader;
    const reject = this.#readerFails;
    this.#reader = undefined;
    this.#readerFails = undefined;
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure === undefined) resolve?.({ done: true, value: undefined });
    else reject?.(failure.error);
  }

  #releaseProducers(): void {
    if (this.#producers.length === 0) return;
    const waiting = this.#producers;
    this.#producers = [];
    for (const resolve of waiting) resolve();
  }
}
