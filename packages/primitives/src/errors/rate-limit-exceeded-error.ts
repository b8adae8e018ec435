import { TtaError } from '@tta/agent-context';

/**
 * A rate limiter would have made the caller wait longer than its `maxWaitMs` (or past the
 * context's deadline). `retryAfterMs` is the wait that was refused.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof RateLimitExceededError) res.setHeader('retry-after', Math.ceil(error.retryAfterMs / 1000)); }
 * ```
 */
export class RateLimitExceededError extends TtaError {
  /** The rate limiter's name. */
  readonly limiter: string;
  readonly retryAfterMs: number;

  constructor(details: { limiter: string; retryAfterMs: number }, options?: ErrorOptions) {
    const { limiter, retryAfterMs } = details;
    super('RATE_LIMITED', `${limiter}: no token for ${Math.ceil(retryAfterMs)} ms`, options);
    this.name = 'RateLimitExceededError';
    this.limiter = limiter;
    this.retryAfterMs = retryAfterMs;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    RATE_LIMITED: RateLimitExceededError;
  }
}
