// How a run's values (inputs, outputs, errors, signals, step effects) become stored text and back:
// through the run's codec, within its size limit, and with typed errors that name the step (a value
// that cannot be stored) or the run and step (stored text that cannot be read).
import type { DurableCodec } from './codec.js';
import { CorruptJournalError, DurableValueError } from './errors/durable-errors.js';

export class RunValues {
  readonly #codec: DurableCodec;
  readonly #maxValueBytes: number;

  constructor(codec: DurableCodec, maxValueBytes: number) {
    this.#codec = codec;
    this.#maxValueBytes = maxValueBytes;
  }

  /** Stored text for a value the step at `step` produced; DurableValueError if it cannot be. */
  encode(value: unknown, step: string): string {
    let text: string;
    try {
      text = this.#codec.encode(value);
    } catch (error) {
      throw new DurableValueError(
        { step, reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      );
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > this.#maxValueBytes)
      throw new DurableValueError({
        step,
        reason: `it is ${bytes} bytes encoded, over maxValueBytes (${this.#maxValueBytes})`,
      });
    return text;
  }

  /** An error as stored; one the codec cannot store keeps at least its name and message. */
  encodeError(error: unknown): string {
    try {
      return this.#codec.encode(error);
    } catch {
      const e = error as { name?: unknown; message?: unknown } | null;
      const fallback = new Error(typeof e?.message === 'string' ? e.message : String(error));
      fallback.name = typeof e?.name === 'string' ? e.name : 'Error';
      return this.#codec.encode(fallback);
    }
  }

  /** The value stored as `text`; CorruptJournalError naming the run and the step if unreadable. */
  decode(runId: string, text: string, step: string): unknown {
    try {
      return this.#codec.decode(text);
    } catch (error) {
      throw new CorruptJournalError(
        { runId, step, reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      );
    }
  }
}
