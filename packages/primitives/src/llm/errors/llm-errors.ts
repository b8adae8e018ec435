import { TtaError, type TtaErrorCode } from '@tta/agent-context';

/**
 * A language-model call failed. `retryable` says whether trying again can help (the default
 * `retryOn` of `RetryPrimitive` honours it); `status` is the HTTP status, when there was one.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof LlmError && !error.retryable) throw error; }
 * ```
 */
export class LlmError extends TtaError {
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    details: {
      code: TtaErrorCode;
      message: string;
      status?: number | undefined;
      retryable: boolean;
    },
    options?: ErrorOptions,
  ) {
    super(details.code, details.message, options);
    this.name = 'LlmError';
    this.status = details.status;
    this.retryable = details.retryable;
  }
}

/**
 * The provider is rate-limiting (HTTP 429). `retryAfterMs` comes from `retry-after(-ms)` headers.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof LlmRateLimitError) await sleep(error.retryAfterMs ?? 1000);
 * }
 * ```
 */
export class LlmRateLimitError extends LlmError {
  readonly retryAfterMs: number | undefined;

  constructor(
    details: { message: string; retryAfterMs: number | undefined },
    options?: ErrorOptions,
  ) {
    super(
      { code: 'LLM_RATE_LIMITED', message: details.message, status: 429, retryable: true },
      options,
    );
    this.name = 'LlmRateLimitError';
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The call took too long: the whole request, the first token, or a pause between tokens (streaming).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof LlmTimeoutError && error.phase === 'stall') log.warn('model stalled');
 * }
 * ```
 */
export class LlmTimeoutError extends LlmError {
  readonly phase: 'request' | 'first-token' | 'stall';
  readonly timeoutMs: number | undefined;

  constructor(
    details: { phase: 'request' | 'first-token' | 'stall'; timeoutMs: number | undefined },
    options?: ErrorOptions,
  ) {
    const { phase, timeoutMs } = details;
    const what =
      phase === 'request' ? 'request' : phase === 'first-token' ? 'first token' : 'next token';
    super(
      {
        code: 'LLM_TIMEOUT',
        message: `The model's ${what} did not arrive${timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`}`,
        retryable: true,
      },
      options,
    );
    this.name = 'LlmTimeoutError';
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The provider failed (HTTP 5xx) or the connection did. Worth retrying or falling back.
 *
 * @example
 * ```ts
 * const answer = primaryModel.withFallback(backupModel); // LlmServerError moves on to the backup
 * ```
 */
export class LlmServerError extends LlmError {
  constructor(details: { message: string; status: number | undefined }, options?: ErrorOptions) {
    super({ code: 'LLM_SERVER_ERROR', ...details, retryable: true }, options);
    this.name = 'LlmServerError';
  }
}

/**
 * The request was refused (HTTP 4xx other than 408/409/429): bad input, auth, unknown model. Not retryable.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof LlmRequestError && error.status === 401) throw new Error('check OPENAI_API_KEY');
 * }
 * ```
 */
export class LlmRequestError extends LlmError {
  constructor(details: { message: string; status: number | undefined }, options?: ErrorOptions) {
    super({ code: 'LLM_REQUEST_ERROR', ...details, retryable: false }, options);
    this.name = 'LlmRequestError';
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    LLM_RATE_LIMITED: LlmRateLimitError;
    LLM_TIMEOUT: LlmTimeoutError;
    LLM_SERVER_ERROR: LlmServerError;
    LLM_REQUEST_ERROR: LlmRequestError;
  }
}
