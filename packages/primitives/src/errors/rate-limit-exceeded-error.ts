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
  readonly retryAfterMs: number;

  constructor(limiterName: string, retryAfterMs: number) {
    super('RATE_LIMITED', `${limiterName}: no token for ${Math.ceil(retryAfterMs)} ms`);
    this.name = 'RateLimitExceededError';
    this.retryAfterMs = retryAfterMs;
  }
}
