import { optionalString, record, stringRecord } from '../validation.js';
import type { Checkpoint } from './types.js';

// The context's data fields, one declaration each: it drives validation, construction, the
// `child()` merge rule, the JSON round trip, the getters and the docs table (docs/concepts.md,
// checked by a test). Adding a field of one of these kinds is one entry here plus its test.

/** An optional identifier: a child takes the override, else the parent's. */
interface IdField {
  readonly kind: 'id';
  readonly doc: string;
}

/** How each kind of field is set by default and inherited (the docs table's columns). */
export const KIND_RULES = {
  id: { default: 'none', child: "the override, else the parent's" },
  record: {
    default: '`{}`',
    child: "a shallow copy of the parent's with the override's entries on top",
  },
} as const;
/** A mutable record: a child gets a shallow copy with the override's entries on top. */
interface RecordField<V> {
  readonly kind: 'record';
  readonly doc: string;
  readonly validate: (field: string, value: unknown) => Record<string, V>;
}
type DataField = IdField | RecordField<unknown>;

const id = (doc: string): IdField => ({ kind: 'id', doc });
const anyRecord = (doc: string): RecordField<unknown> => ({
  kind: 'record',
  doc,
  validate: record,
});
const strings = (doc: string, keysMustBeTokens: boolean): RecordField<string> => ({
  kind: 'record',
  doc,
  validate: (field, value) => stringRecord(field, value, keysMustBeTokens),
});

export const DATA_FIELDS = {
  workflowId: id('Identifies the workflow (definition or run) this context belongs to.'),
  sessionId: id("The user's session (conversation)."),
  userId: id('The end user on whose behalf the workflow runs.'),
  agentId: id('The agent currently acting.'),
  metadata: anyRecord('Free-form data about the run.'),
  state: anyRecord('Working state of the run.'),
  baggage: strings('W3C baggage: string values sent downstream in the `baggage` header.', true),
  tags: strings('Low-cardinality labels (for logs and span attributes).', false),
} as const satisfies Record<string, DataField>;

type Fields = typeof DATA_FIELDS;
/** The data fields' values, as a context exposes them. */
export type DataValues = {
  readonly [K in keyof Fields]: Fields[K] extends RecordField<infer V>
    ? Record<string, V>
    : string | undefined;
};
/** The data fields a context can be created (or a child overridden) with. */
export type DataInit = {
  [K in keyof Fields]?: Fields[K] extends RecordField<infer V>
    ? Record<string, V> | undefined
    : string | undefined;
};

type Key = keyof Fields;
const keysOf = (kind: DataField['kind']) =>
  (Object.keys(DATA_FIELDS) as Key[]).filter((k) => DATA_FIELDS[k].kind === kind);
/** Identifier fields, in storage order. */
export const ID_KEYS: readonly Key[] = keysOf('id');
/** Record fields, in storage order. */
export const RECORD_KEYS: readonly Key[] = keysOf('record');
const RECORD_SPECS = RECORD_KEYS.map((k) => DATA_FIELDS[k] as RecordField<unknown>);
const INDEX = new Map<string, number>([
  ...ID_KEYS.map((k, i) => [k, i] as const),
  ...RECORD_KEYS.map((k, i) => [k, i] as const),
]);

/**
 * A context's data: identifiers (shared while unchanged) and records (one copy per context). A
 * record slot is `undefined` while the record is empty and unread: it is made (`{}`) on first
 * read, so a child of a context with empty records allocates none of them. That is exact: a
 * child's record is a copy of the parent's as it was when the child was made.
 */
export interface Data {
  readonly ids: readonly (string | undefined)[];
  /** Made on the first record read: a context whose records stay empty allocates none. */
  records: (Record<string, unknown> | undefined)[] | undefined;
  /**
   * The checkpoints, made on the first one. Here because they are shared exactly like the
   * records (by contexts derived with `withValue`, `withCancellation`, `withTrace`; a child starts
   * with none), so deriving a context allocates nothing for them.
   */
  checkpoints: Checkpoint[] | undefined;
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

// Not frozen: slicing a frozen array takes a slow path in V8.
const NO_RECORDS: readonly undefined[] = RECORD_KEYS.map(() => undefined);

const NO_IDS: readonly undefined[] = Object.freeze(ID_KEYS.map(() => undefined));

/** The data of a context created without any: no ids, empty records. */
export function emptyData(): Data {
  return { ids: NO_IDS, records: undefined, checkpoints: undefined };
}

/** Validates the data fields of an init object (unknown keys are left to the caller). */
export function dataFromInit(init: Readonly<Record<string, unknown>>): Data {
  let ids: readonly (string | undefined)[] = NO_IDS;
  for (let i = 0; i < ID_KEYS.length; i++) {
    const key = ID_KEYS[i] as Key;
    const value = optionalString(key, init[key]);
    if (value === undefined) continue;
    if (ids === NO_IDS) ids = [...NO_IDS];
    (ids as (string | undefined)[])[i] = value;
  }
  const records = RECORD_SPECS.map((spec, i) =>
    spec.validate(RECORD_KEYS[i] as Key, init[RECORD_KEYS[i] as Key]),
  );
  return { ids, records, checkpoints: undefined };
}

/**
 * The data fields a child's overrides set, validated: once for all the children made with them.
 * Identifiers and records in storage order, `undefined` where not given.
 */
export interface DataOverrides {
  readonly ids: readonly (string | undefined)[] | undefined;
  readonly records: readonly (Record<string, unknown> | undefined)[] | undefined;
}

/** Validates the data fields among a child's overrides; `undefined` when there are none. */
export function dataOverrides(
  overrides: Readonly<Record<string, unknown>>,
): DataOverrides | undefined {
  let ids: (string | undefined)[] | undefined;
  let records: (Record<string, unknown> | undefined)[] | undefined;
  for (const key in overrides) {
    const index = INDEX.get(key);
    const value = overrides[key];
    if (index === undefined || value === undefined) continue;
    const spec = DATA_FIELDS[key as Key];
    if (spec.kind === 'id') {
      ids ??= [...NO_IDS];
      ids[index] = optionalString(key, value);
    } else {
      records ??= NO_RECORDS.slice();
      records[index] = spec.validate(key, value);
    }
  }
  return ids === undefined && records === undefined ? undefined : { ids, records };
}

/**
 * A child's data: the parent's identifiers (with the overrides' on top) and a copy of each of its
 * non-empty records (with the overrides' entries on top). Hot path (one child per parallel
 * branch): a parent whose records are empty gives records that are made only when read.
 */
export function childData(parent: Data, overrides: DataOverrides | undefined): Data {
  let records: (Record<string, unknown> | undefined)[] | undefined;
  const from = parent.records;
  if (from !== undefined)
    for (let i = 0; i < from.length; i++) {
      const record = from[i];
      if (record === undefined || isEmpty(record)) continue;
      records ??= NO_RECORDS.slice();
      records[i] = { ...record };
    }
  const given = overrides?.records;
  if (given !== undefined)
    for (let i = 0; i < given.length; i++) {
      const record = given[i];
      if (record === undefined) continue;
      records ??= NO_RECORDS.slice();
      records[i] = Object.assign(records[i] ?? {}, record);
    }
  const ids = overrides?.ids;
  return {
    ids: ids === undefined ? parent.ids : parent.ids.map((id, i) => ids[i] ?? id),
    records,
    checkpoints: undefined,
  };
}

/** The data as JSON fields: identifiers when set, records as copies. */
export function dataToJSON(data: Data, into: Record<string, unknown>): void {
  ID_KEYS.forEach((key, i) => {
    const value = data.ids[i];
    if (value !== undefined) into[key] = value;
  });
  RECORD_KEYS.forEach((key, i) => {
    into[key] = { ...data.records?.[i] };
  });
}

/** Defines a getter per data field on `target` (the context's prototype). */
export function defineDataGetters(target: object, read: (self: object) => Data): void {
  const define = (key: string, get: (this: object) => unknown) =>
    Object.defineProperty(target, key, { get, enumerable: true, configurable: true });
  for (const [i, key] of ID_KEYS.entries())
    define(key, function (this: object) {
      return read(this).ids[i];
    });
  for (const [i, key] of RECORD_KEYS.entries())
    define(key, function (this: object) {
      const data = read(this);
      data.records ??= NO_RECORDS.slice();
      const records = data.records;
      // Made on first read (see Data); shared by the contexts derived from this one.
      let record = records[i];
      if (record === undefined) {
        record = {};
        records[i] = record;
      }
      return record;
    });
}

/** The data fields in a context's JSON form. */
export type DataJSON = {
  [K in keyof Fields as Fields[K] extends IdField ? K : never]?: string;
} & {
  [K in keyof Fields as Fields[K] extends RecordField<unknown> ? K : never]: DataValues[K];
};
