import { describe, expectTypeOf, it } from 'vitest';
import type { CoordinationError } from '../src/agents/index.js';
import {
  type CircuitOpenError,
  type FallbackError,
  isTtaError,
  type TimeoutError,
  TtaError,
  type TtaErrorCode,
} from '../src/index.js';
import type { LlmRateLimitError } from '../src/llm/index.js';

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    QUOTA_EXCEEDED: QuotaError;
  }
}
class QuotaError extends TtaError {
  constructor() {
    super('QUOTA_EXCEEDED', 'quota');
  }
}

describe('error codes', () => {
  it('narrow isTtaError to the class of the code', () => {
    const e: unknown = undefined;
    if (isTtaError(e, 'CIRCUIT_OPEN')) expectTypeOf(e).toEqualTypeOf<CircuitOpenError>();
    if (isTtaError(e, 'TIMEOUT')) expectTypeOf(e).toEqualTypeOf<TimeoutError>();
    if (isTtaError(e, 'FALLBACK_EXHAUSTED')) expectTypeOf(e).toEqualTypeOf<FallbackError>();
    if (isTtaError(e, 'LLM_RATE_LIMITED')) expectTypeOf(e).toEqualTypeOf<LlmRateLimitError>();
    if (isTtaError(e, 'COORDINATION_FAILED')) expectTypeOf(e).toEqualTypeOf<CoordinationError>();
    if (isTtaError(e, 'QUOTA_EXCEEDED')) expectTypeOf(e).toEqualTypeOf<QuotaError>();
    if (isTtaError(e)) expectTypeOf(e).toEqualTypeOf<TtaError>();
  });

  it('offer the known codes and stay open', () => {
    expectTypeOf<'CANCELLED'>().toExtend<TtaErrorCode>();
    expectTypeOf<'SOMETHING_ELSE'>().toExtend<TtaErrorCode>();
  });

  it('take details objects', () => {
    // @ts-expect-error positional arguments are gone: (details, options?)
    new (TtaError as unknown as typeof import('../src/index.js').CircuitOpenError)('c', 10);
  });
});
