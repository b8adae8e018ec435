// W3C Trace Context `tracestate`: vendor entries that travel with `traceparent`. A vendor that
// receives one MUST send it on; invalid input is dropped as a whole, as the spec's test suite
// expects. Grammar and limits follow the spec (Level 2) and its test suite (`w3c/trace-context`).

/**
 * Limits of the W3C Trace Context `tracestate` header.
 *
 * @example
 * ```ts
 * if (state.size >= TRACESTATE_MAX_MEMBERS) console.warn('adding a member drops the last one');
 * ```
 */
export const TRACESTATE_MAX_MEMBERS = 32;
/**
 * The longest `tracestate` header sent (bytes); longer ones lose members as the spec says.
 *
 * @example
 * ```ts
 * state.toString().length <= TRACESTATE_MAX_LENGTH; // always true
 * ```
 */
export const TRACESTATE_MAX_LENGTH = 512;

// A key: lowercase letter or digit, then up to 255 of lowercase, digits, _ - * / @
// (tenant@system keys included).
const KEY = /^[a-z0-9][_0-9a-z\-*/@]{0,255}$/;
// A value: up to 256 printable ASCII characters except `,` and `=`, not ending in a space.
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const OWS_COMMA = /[ \t]*,[ \t]*/;
// Members longer than this are the first dropped when a header is over the size limit.
const LONG_MEMBER = 128;

/**
 * An immutable W3C `tracestate`: ordered `key=value` members, newest vendor first. Parsed from
 * incoming headers by `WorkflowContext.fromHeaders`, sent by `toHeaders()` with `traceparent`;
 * `set` puts your own vendor's member at the front, as the spec requires of a vendor that updates
 * it.
 *
 * @example
 * ```ts
 * const state = TraceState.parse('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE').set('acme', 'x1');
 * state.toString(); // 'acme=x1,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'
 * ```
 */
export class TraceState {
  /** The empty state. */
  static readonly EMPTY = new TraceState([]);

  readonly #members: readonly (readonly [string, string])[];

  private constructor(members: readonly (readonly [string, string])[]) {
    this.#members = members;
  }

  /**
   * Parses one header value or the values of repeated headers (combined in order). Empty
   * members and surrounding spaces and tabs are ignored; a repeated key keeps its first value.
   * Anything invalid (a bad key or value, more than 32 members, a non-string) gives the empty
   * state: the spec's "discard the whole header".
   *
   * @example
   * ```ts
   * TraceState.parse(['foo=1,bar=2', 'baz=3']).get('baz'); // '3'
   * TraceState.parse('foo=1,BAD=2').size; // 0
   * ```
   */
  static parse(header: unknown): TraceState {
    const values = typeof header === 'string' ? [header] : Array.isArray(header) ? header : [];
    const members: [string, string][] = [];
    const seen = new Set<string>();
    for (const value of values) {
      if (typeof value !== 'string') return TraceState.EMPTY;
      for (const member of value.replace(/^[ \t]+|[ \t]+$/g, '').split(OWS_COMMA)) {
        if (member === '') continue;
        const eq = member.indexOf('=');
        const key = member.slice(0, eq);
        const val = member.slice(eq + 1);
        if (eq <= 0 || !KEY.test(key) || !VALUE.test(val)) return TraceState.EMPTY;
        if (seen.has(key)) continue;
        seen.add(key);
        members.push([key, val]);
        if (members.length > TRACESTATE_MAX_MEMBERS) return TraceState.EMPTY;
      }
    }
    return members.length === 0 ? TraceState.EMPTY : new TraceState(members);
  }

  /** Number of members. */
  get size(): number {
    return this.#members.length;
  }

  /** The value of `key`, if present. */
  get(key: string): string | undefined {
    return this.#members.find(([k]) => k === key)?.[1];
  }

  /**
   * A state with `key=value` at the front (moved there if present). The last member is dropped
   * when that would make 33. Throws a `TypeError` for a key or value the spec does not allow.
   *
   * @example
   * ```ts
   * const next = ctx.traceState.set('acme', 'span-7');
   * ```
   */
  set(key: string, value: string): TraceState {
    if (typeof key !== 'string' || !KEY.test(key))
      throw new TypeError(`TraceState: invalid key ${JSON.stringify(key)}`);
    if (typeof value !== 'string' || !VALUE.test(value))
      throw new TypeError(`TraceState: invalid value for ${key}`);
    const rest = this.#members.filter(([k]) => k !== key);
    return new TraceState([[key, value] as const, ...rest].slice(0, TRACESTATE_MAX_MEMBERS));
  }

  /** A state without `key`. */
  delete(key: string): TraceState {
    const rest = this.#members.filter(([k]) => k !== key);
    return rest.length === this.#members.length
      ? this
      : rest.length === 0
        ? TraceState.EMPTY
        : new TraceState(rest);
  }

  /** The members, in order. */
  entries(): (readonly [string, string])[] {
    return [...this.#members];
  }

  /**
   * The header value (empty string when empty). Over 512 characters, members longer than 128 are
   * dropped from the end first, then members from the end, as the spec says.
   */
  toString(): string {
    let members = this.#members.map(([k, v]) => `${k}=${v}`);
    let length = members.join(',').length;
    for (let i = members.length - 1; i >= 0 && length > TRACESTATE_MAX_LENGTH; i--) {
      const member = members[i] as string;
      if (member.length <= LONG_MEMBER) continue;
      members = [...members.slice(0, i), ...members.slice(i + 1)];
      length = members.join(',').length;
    }
    while (members.length > 0 && members.join(',').length > TRACESTATE_MAX_LENGTH) members.pop();
    return members.join(',');
  }

  /** The header value, for JSON. */
  toJSON(): string {
    return this.toString();
  }
}
