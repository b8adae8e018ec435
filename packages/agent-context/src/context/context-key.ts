/**
 * A typed slot on a `WorkflowContext`, the way OpenTelemetry's `createContextKey` works: whoever
 * holds the key can read and set its value; nobody else can see it. Values are shared by contexts
 * derived with `withTrace`/`withCancellation`/`withValue` and inherited by children.
 *
 * @example
 * ```ts
 * const REQUEST_START = createContextKey<number>('my-app.request-start');
 * const ctx = WorkflowContext.create().withValue(REQUEST_START, performance.now());
 * ctx.getValue(REQUEST_START); // number | undefined
 * ```
 */
export interface ContextKey<T> {
  /** What the slot holds (for debugging). */
  readonly description: string;
  /** Type-only: the value's type. */
  readonly __type?: T;
}

/**
 * Makes a new {@link ContextKey}; two keys with the same description are different slots.
 *
 * @example
 * ```ts
 * const TENANT = createContextKey<string>('my-app.tenant');
 * ```
 */
export function createContextKey<T>(description: string): ContextKey<T> {
  return Object.freeze({ description }) as ContextKey<T>;
}

/** A context's values: a persistent list, newest first, so derived contexts share the tail. */
export interface ValueNode {
  readonly key: ContextKey<unknown>;
  readonly value: unknown;
  readonly next: ValueNode | undefined;
}

export function lookup<T>(node: ValueNode | undefined, key: ContextKey<T>): T | undefined {
  for (let n = node; n !== undefined; n = n.next) if (n.key === key) return n.value as T;
  return undefined;
}
