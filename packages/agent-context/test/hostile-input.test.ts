import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidContextError, WorkflowContext } from '../src/index.js';

// Issue 13 items 6–8: input from outside (headers, snapshots, init objects from plain JavaScript)
// gets an InvalidContextError or is ignored, never a raw TypeError/URIError.

describe('baggage that is not valid Unicode (item 6)', () => {
  it('is refused when the context is built, not on every outgoing call', () => {
    for (const bad of ['a\ud800', '\udc00b', 'x\ud800\ud800']) {
      expect(() => WorkflowContext.create({ baggage: { k: bad } })).toThrow(InvalidContextError);
      const json = JSON.stringify({ ...WorkflowContext.create().toJSON(), baggage: { k: bad } });
      expect(() => WorkflowContext.fromJSON(json)).toThrow(InvalidContextError);
      expect(() => WorkflowContext.create().child({ baggage: { k: bad } })).toThrow(
        InvalidContextError,
      );
    }
    // A proper surrogate pair (an emoji) is fine, and goes out percent-encoded.
    const ok = WorkflowContext.create({ baggage: { k: 'a😀' } });
    expect(ok.toHeaders().baggage).toBe('k=a%F0%9F%98%80');
  });
});

describe('bad snapshots (item 7)', () => {
  it('every malformed snapshot is an InvalidContextError', () => {
    const hostile = [
      '{"version":{"toString":1}}',
      '{"version":{"valueOf":1,"toString":1}}',
      '{"version":[1]}',
      'null',
      '[]',
      '"x"',
      '{not json',
    ];
    for (const json of hostile)
      expect(() => WorkflowContext.fromJSON(json), json).toThrow(InvalidContextError);
  });

  it('any value in any field gives a context or an InvalidContextError', () => {
    const base = WorkflowContext.create({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      baggage: { a: '1' },
      deadline: Date.now() + 1000,
      budget: { maxTokens: 10 },
    }).toJSON() as unknown as Record<string, unknown>;
    const weird = fc.oneof(
      fc.anything(),
      fc.constant({ toString: 1 }),
      fc.constant({ valueOf: 1, toString: 1 }),
      fc.constant(Object.create(null)),
      fc.string().map((s) => `${s}\ud800`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(base), 'extra'), weird, (field, value) => {
        const json = JSON.stringify({ ...base, [field]: value });
        try {
          WorkflowContext.fromJSON(json);
          WorkflowContext.fromJSON({ ...base, [field]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidContextError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wrong-typed header values (item 8)', () => {
  it('are ignored, as an invalid traceparent already is', () => {
    for (const baggage of [42, true, {}, [1, 2], [null], null, () => 'x']) {
      const ctx = WorkflowContext.fromHeaders({ baggage } as never);
      expect(ctx.baggage).toEqual({});
    }
    const ctx = WorkflowContext.fromHeaders({ baggage: ['a=1', 7, 'b=2'] } as never);
    expect(ctx.baggage).toEqual({ a: '1', b: '2' });
  });

  it('no carrier from plain JavaScript or decoded JSON makes fromHeaders throw', () => {
    const name = fc.constantFrom(
      'traceparent',
      'tracestate',
      'baggage',
      'x-correlation-id',
      'Baggage',
      'TRACEPARENT',
    );
    fc.assert(
      fc.property(fc.dictionary(name, fc.anything({ maxDepth: 2 })), (carrier) => {
        const ctx = WorkflowContext.fromHeaders(carrier as never);
        expect(() => ctx.toHeaders()).not.toThrow();
      }),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
