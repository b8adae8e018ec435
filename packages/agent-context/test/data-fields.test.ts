import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_FIELDS, ID_KEYS, KIND_RULES, RECORD_KEYS } from '../src/context/data-fields.js';
import { createContextKey, InvalidContextError, WorkflowContext } from '../src/index.js';

// One test for every data field: adding a field to DATA_FIELDS is checked here without a new test.
describe.each(Object.entries(DATA_FIELDS))('data field %s', (name, spec) => {
  const sample = spec.kind === 'id' ? 'value-1' : { a: 'x' };
  const other = spec.kind === 'id' ? 'value-2' : { b: 'y' };
  const get = (ctx: WorkflowContext) => (ctx as unknown as Record<string, unknown>)[name];

  it('is validated at construction, naming the field', () => {
    const bad = spec.kind === 'id' ? 42 : 'not an object';
    expect(() => WorkflowContext.create({ [name]: bad })).toThrow(InvalidContextError);
    try {
      WorkflowContext.create({ [name]: bad });
    } catch (error) {
      expect((error as InvalidContextError).field).toBe(name);
    }
  });

  it('has its kind default', () => {
    expect(get(WorkflowContext.create())).toEqual(spec.kind === 'id' ? undefined : {});
  });

  it("follows its kind's child rule", () => {
    const parent = WorkflowContext.create({ [name]: sample });
    const inherited = parent.child();
    const overridden = parent.child({ [name]: other });
    if (spec.kind === 'id') {
      expect(get(inherited)).toBe(sample);
      expect(get(overridden)).toBe(other);
    } else {
      expect(get(inherited)).toEqual(sample);
      expect(get(inherited)).not.toBe(get(parent)); // a copy: the child's writes stay its own
      expect(get(overridden)).toEqual({ ...(sample as object), ...(other as object) });
      (get(inherited) as Record<string, unknown>).c = 1;
      expect(get(parent)).toEqual(sample);
    }
  });

  it('round-trips through JSON and is shared by derived contexts', () => {
    const ctx = WorkflowContext.create({ [name]: sample });
    expect(get(WorkflowContext.fromJSON(JSON.stringify(ctx)))).toEqual(sample);
    expect(get(ctx.withCancellation({}))).toBe(get(ctx));
  });
});

describe('the docs table', () => {
  it('docs/concepts.md lists every data field with its kind rules', () => {
    const doc = readFileSync(new URL('../../../docs/concepts.md', import.meta.url), 'utf8');
    for (const [kind, keys] of [
      ['id', ID_KEYS],
      ['record', RECORD_KEYS],
    ] as const) {
      const names = keys.map((k) => `\`${k}\``).join(', ');
      const rule = KIND_RULES[kind];
      const row = doc.split('\n').find((line) => line.startsWith(`| ${names} `));
      expect(row, `a row for ${names}`).toBeDefined();
      const cells = (row as string).split('|').map((c) => c.trim());
      expect(cells.slice(2, 4)).toEqual([rule.default, rule.child]);
    }
  });
});

describe('typed value slots', () => {
  it('are private to their key, inherited by children and derived contexts', () => {
    const A = createContextKey<number>('a');
    const B = createContextKey<number>('a'); // same description, another slot
    const ctx = WorkflowContext.create().withValue(A, 1);
    expect(ctx.getValue(A)).toBe(1);
    expect(ctx.getValue(B)).toBeUndefined();
    expect(ctx.child().getValue(A)).toBe(1);
    expect(ctx.withTrace({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }).getValue(A)).toBe(1);
    expect(ctx.withValue(A, 2).getValue(A)).toBe(2);
    expect(ctx.getValue(A)).toBe(1); // withValue never changes the original
  });
});

describe('records made on first read', () => {
  it("a child's record is the parent's as it was when the child was made", () => {
    const parent = WorkflowContext.create();
    const child = parent.child();
    parent.state.step = 1; // after the child was made
    expect(child.state).toEqual({});
    const later = parent.child();
    expect(later.state).toEqual({ step: 1 });
    later.state.step = 2;
    expect(parent.state).toEqual({ step: 1 });
  });

  it('derived contexts share the record made on first read', () => {
    const ctx = WorkflowContext.create().child();
    const derived = ctx.withCancellation({});
    derived.metadata.seen = true; // first read happens on the derived context
    expect(ctx.metadata).toEqual({ seen: true });
    expect(ctx.toJSON().metadata).toEqual({ seen: true });
  });
});
