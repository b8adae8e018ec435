import { TtaError } from '@tta/agent-context';

/**
 * The circuit breaker is open (or its half-open trial slots are taken): the call was refused
 * without running. `retryAfterMs` says when a trial call will be allowed.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof CircuitOpenError) return cachedAnswer; }
 * ```
 */
export class CircuitOpenError extends TtaError {
  /** The breaker's key. */
  readonly circuit: string;
  /** Milliseconds until the breaker lets a trial call through (0 when half-open and busy). */
  readonly retryAfterMs: number;

  constructor(details: { circuit: string; retryAfterMs: number }, options?: ErrorOptions) {
    const { circuit, retryAfterMs } = details;
    super(
      'CIRCUIT_OPEN',
      `Circuit "${circuit}" is open; retry in ${Math.ceil(retryAfterMs)} ms`,
      options,
    );
    this.name = 'CircuitOpenError';
    this.circuit = circuit;
    this.retryAfterMs = retryAfterMs;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    CIRCUIT_OPEN: CircuitOpenError;
  }
}
