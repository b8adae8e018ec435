import type { OutgoingHttpHeaders } from 'node:http';
import { describe, expectTypeOf, test } from 'vitest';
import { WorkflowContext } from '../src/index.js';

describe('toHeaders()', () => {
  const headers = WorkflowContext.create().toHeaders();

  test('passes as fetch headers, Node outgoing headers and a record of strings', () => {
    expectTypeOf(headers).toExtend<NonNullable<RequestInit['headers']>>(); // fetch's HeadersInit
    expectTypeOf(headers).toExtend<OutgoingHttpHeaders>();
    expectTypeOf(headers).toExtend<Record<string, string>>();
    const init: RequestInit = { headers }; // the agent-context README's `fetch(url, { headers })`
    void init;
  });

  test('always has the correlation id; the trace headers may be missing', () => {
    expectTypeOf(headers['x-correlation-id']).toEqualTypeOf<string>();
    expectTypeOf(headers.traceparent).toEqualTypeOf<string | undefined>();
  });
});
