import { isWorkflowPrimitive } from '../core/is-primitive.js';

// One declaration per primitive for its options: how each is checked (a TypeError or RangeError
// naming the primitive and the option), its default (written once, here), whether `describe()`
// shows it, and how the docs state the default (test/options-docs.test.ts compares the docs'
// tables with these declarations).

/** How one option is checked and defaulted. */
export interface OptionSpec<T> {
  /** Checks a given (not undefined) value; returns it or throws, naming `where`. */
  readonly check: (value: unknown, where: string) => T;
  /** The default; a function of the primitive's name when it depends on it. Absent: required. */
  readonly default?: { readonly value: T } | { readonly of: (name: string) => T };
  /** The default as the docs state it. Default: the value in backticks. */
  readonly docDefault?: string;
  /**
   * Shown in `describe()`: `true` (default, for finite numbers, strings and booleans), `false`,
   * or `'if-set'` (only when it differs from the default).
   */
  readonly describe?: boolean | 'if-set';
}

type Specs = Readonly<Record<string, OptionSpec<unknown>>>;
/** The options after checking, defaults applied. */
export type Resolved<S extends Specs> = {
  readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never;
};

/** A primitive's options: check them all at once, and show the describable ones. */
export interface OptionsDeclaration<S extends Specs> {
  readonly owner: string;
  readonly specs: S;
  /** Checks `given` (an options object, or undefined when the options are optional). */
  resolve(given: unknown, name: string): Resolved<S>;
  /** The options worth showing in `describe()`. */
  describe(resolved: Resolved<S>): Record<string, string | number | boolean>;
}

export function declareOptions<S extends Specs>(owner: string, specs: S): OptionsDeclaration<S> {
  const entries = Object.entries(specs);
  return {
    owner,
    specs,
    resolve(given, name) {
      if (given !== undefined && (typeof given !== 'object' || given === null))
        throw new TypeError(`${owner}: options must be an object`);
      const options = (given ?? {}) as Record<string, unknown>;
      const resolved: Record<string, unknown> = {};
      for (const [key, spec] of entries) {
        const value = options[key];
        if (value !== undefined) resolved[key] = spec.check(value, `${owner}: ${key}`);
        else if (spec.default === undefined) throw new TypeError(`${owner}: ${key} is required`);
        else resolved[key] = 'value' in spec.default ? spec.default.value : spec.default.of(name);
      }
      return resolved as Resolved<S>;
    },
    describe(resolved) {
      const shown: Record<string, string | number | boolean> = {};
      for (const [key, spec] of entries) {
        const value = (resolved as Record<string, unknown>)[key];
        const mode = spec.describe ?? true;
        if (mode === false || !isShowable(value)) continue;
        if (mode === 'if-set' && spec.default !== undefined && 'value' in spec.default)
          if (spec.default.value === value) continue;
        shown[key] = value;
      }
      return shown;
    },
  };
}

function isShowable(value: unknown): value is string | number | boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' || typeof value === 'boolean';
}

type Extra<T> = Omit<OptionSpec<T>, 'check' | 'default'>;
const withDefault = <T>(value: T | undefined) =>
  value === undefined ? {} : { default: { value } as const };

/** An integer ≥ `min`. */
export function integer(min: number, value?: number, extra?: Extra<number>): OptionSpec<number> {
  return {
    check: (v, where) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
        throw new RangeError(`${where} must be an integer >= ${min} (got ${String(v)})`);
      return v;
    },
    ...withDefault(value),
    ...extra,
  };
}

/** A finite number ≥ `min` (or `> 0` with `positive`); `Infinity` too with `infinite`. */
export function number(
  bounds: { min?: number; positive?: boolean; infinite?: boolean },
  value?: number,
  extra?: Extra<number>,
): OptionSpec<number> {
  const { min = 0, positive = false, infinite = false } = bounds;
  const rule = positive ? '> 0' : `>= ${min}`;
  return {
    check: (v, where) => {
      if (infinite && v === Number.POSITIVE_INFINITY) return v;
      if (typeof v !== 'number' || !Number.isFinite(v) || (positive ? v <= 0 : v < min))
        throw new RangeError(`${where} must be a finite number ${rule} (got ${String(v)})`);
      return v;
    },
    ...withDefault(value),
    ...extra,
  };
}

/** A boolean. */
export function boolean(value: boolean): OptionSpec<boolean> {
  return {
    check: (v, where) => {
      if (typeof v !== 'boolean') throw new TypeError(`${where} must be a boolean`);
      return v;
    },
    default: { value },
  };
}

/** A function; not shown in `describe()`. */
// biome-ignore lint/suspicious/noExplicitAny: any function type.
export function fn<F extends (...args: any[]) => unknown>(
  value: F | undefined,
  docDefault: string,
): OptionSpec<F> {
  return {
    check: (v, where) => {
      if (typeof v !== 'function') throw new TypeError(`${where} must be a function`);
      return v as F;
    },
    ...(value === undefined
      ? { default: { value: undefined as unknown as F } }
      : withDefault(value)),
    docDefault,
    describe: false,
  };
}

/**
 * A non-empty string that defaults to the primitive's name: `undefined` when not given, so the
 * primitive reads its name when it needs the value (a name derived from the step's place is only
 * known once the workflow is composed).
 */
export function nameLike(docDefault: string): OptionSpec<string | undefined> {
  return {
    check: (v, where) => {
      if (typeof v !== 'string' || v.length === 0)
        throw new TypeError(`${where} must be a non-empty string`);
      return v;
    },
    default: { value: undefined },
    docDefault,
    describe: false,
  };
}

/** One of a few strings. */
export function oneOf<T extends string>(
  values: readonly T[],
  value: T,
  extra?: Extra<T>,
): OptionSpec<T> {
  return {
    check: (v, where) => {
      if (!values.includes(v as T))
        throw new TypeError(
          `${where} must be ${values.map((x) => `'${x}'`).join(' or ')} (got ${String(v)})`,
        );
      return v as T;
    },
    default: { value },
    ...extra,
  };
}

/** A primitive (optional unless `required`); not shown in `describe()`. */
export function primitive<P>(required: boolean): OptionSpec<P> {
  return {
    check: (v, where) => {
      if (!isWorkflowPrimitive(v)) throw new TypeError(`${where} must be a primitive`);
      return v as P;
    },
    ...(required ? {} : { default: { value: undefined as P } }),
    docDefault: required ? 'required' : 'none',
    describe: false,
  };
}

/** An object made per primitive when none is given (a store, say); not shown in `describe()`. */
export function made<T>(make: () => T, docDefault: string): OptionSpec<T> {
  return {
    check: (v, where) => {
      if (typeof v !== 'object' || v === null) throw new TypeError(`${where} must be an object`);
      return v as T;
    },
    default: { of: () => make() },
    docDefault,
    describe: false,
  };
}

/** An optional object (a store, say) that the primitive makes itself when absent. */
export function optionalObject<T>(docDefault: string): OptionSpec<T | undefined> {
  return {
    check: (v, where) => {
      if (typeof v !== 'object' || v === null) throw new TypeError(`${where} must be an object`);
      return v as T;
    },
    default: { value: undefined },
    docDefault,
    describe: false,
  };
}

/** The same check, but optional with no default (`undefined` when not given). */
export function optional<T>(spec: OptionSpec<T>): OptionSpec<T | undefined> {
  return { ...spec, default: { value: undefined } };
}

/** A non-empty string (required without a default). */
export function text(value?: string, extra?: Extra<string>): OptionSpec<string> {
  return {
    check: (v, where) => {
      if (typeof v !== 'string' || v.length === 0)
        throw new TypeError(`${where} must be a non-empty string`);
      return v;
    },
    ...withDefault(value),
    ...extra,
  };
}

/** Checked by a function of the caller's (for shapes the builders above do not cover). */
export function custom<T>(
  check: (value: unknown, where: string) => T,
  docDefault: string,
  extra?: Extra<T>,
): OptionSpec<T | undefined> {
  return { check, default: { value: undefined }, docDefault, describe: false, ...extra };
}
