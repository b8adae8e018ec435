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

  constructor(details: { step: string; timeoutMs: number }, options?: ErrorOptions) {
    const { step, timeoutMs } = details;
    super('TIMEOUT', `${step} timed out after ${timeoutMs} ms`, options);
    this.name = 'TimeoutError';
    this.step = step;
    this.timeoutMs = timeoutMs;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    TIMEOUT: TimeoutError;
  }
}
