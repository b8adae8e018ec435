import { TtaError } from '@tta/agent-context';

/**
 * The error a `MockPrimitive` throws when told to fail without `throws`.
 *
 * @example
 * ```ts
 * await expect(new MockPrimitive({ failTimes: 1 }).execute(1)).rejects.toBeInstanceOf(MockFailureError);
 * ```
 */
export class MockFailureError extends TtaError {
  /** The mock's name. */
  readonly step: string;
  /** Which call failed (1-based). */
  readonly call: number;

  constructor(details: { step: string; call: number }, options?: ErrorOptions) {
    super('MOCK_FAILURE', `${details.step}: scripted failure on call ${details.call}`, options);
    this.name = 'MockFailureError';
    this.step = details.step;
    this.call = details.call;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    MOCK_FAILURE: MockFailureError;
  }
}
