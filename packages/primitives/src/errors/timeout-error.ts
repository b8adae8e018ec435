import { TtaError } from '@tta/agent-context';

/**
 * A step took longer than its timeout (or than the context's deadline, if that was sooner).
 * Also the abort reason the timed-out step's signal receives.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof TimeoutError) console.warn(`gave up after ${error.timeoutMs} ms`); }
 * ```
 */
export class TimeoutError extends TtaError {
  /** The step that timed out. */
  readonly step: string;
  /** The time limit that applied, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Which limit: the whole step (`total`), or, in a streaming run, the time to its first chunk
   * (`first-chunk`) or between two chunks (`idle`).
   */
  readonly phase: 'total' | 'first-chunk' | 'idle';

  constructor(
    details: {
      step: string;
      timeoutMs: number;
      phase?: 'total' | 'first-chunk' | 'idle' | undefined;
    },
    options?: ErrorOptions,
  ) {
    const { step, timeoutMs, phase = 'total' } = details;
    super(
      'TIMEOUT',
      phase === 'first-chunk'
        ? `${step} sent no chunk within ${timeoutMs} ms`
        : phase === 'idle'
          ? `${step} sent no chunk for ${timeoutMs} ms`
          : `${step} timed out after ${timeoutMs} ms`,
      options,
    );
    this.name = 'TimeoutError';
    this.step = step;
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    TIMEOUT: TimeoutError;
  }
}
