import { TtaError } from '@tta/agent-context';
import type { AgentOutcome } from '../coordination/outcomes.js';

/**
 * Coordination did not produce what was required; `results` says how each agent did.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof CoordinationError) console.table(error.results);
 * }
 * ```
 */
export class CoordinationError extends TtaError {
  readonly results: Readonly<Record<string, AgentOutcome<unknown>>>;

  constructor(
    details: { message: string; results: Readonly<Record<string, AgentOutcome<unknown>>> },
    options?: ErrorOptions,
  ) {
    super('COORDINATION_FAILED', details.message, options);
    this.name = 'CoordinationError';
    this.results = details.results;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    COORDINATION_FAILED: CoordinationError;
  }
}
