import type { ToolDescription } from '../hooks/events.js';
import type { WorkflowPrimitive } from './workflow-primitive.js';

/**
 * Any primitive, whatever its input and output.
 *
 * @example
 * ```ts
 * function names(steps: readonly AnyPrimitive[]): string[] { return steps.map((s) => s.name); }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the widest primitive type, used only as a constraint.
export type AnyPrimitive = WorkflowPrimitive<any, any>;

/**
 * The input type of a primitive.
 *
 * @example
 * ```ts
 * type Question = InputOf<typeof answer>; // string
 * ```
 */
export type InputOf<P> = P extends WorkflowPrimitive<infer I, infer _O> ? I : never;

/**
 * The output type of a primitive.
 *
 * @example
 * ```ts
 * type Answer = OutputOf<typeof answer>;
 * ```
 */
export type OutputOf<P> = P extends WorkflowPrimitive<infer _I, infer O> ? O : never;

/**
 * The chunks a primitive streams (the `chunk` events of `stream()`): `never` for a step that does
 * not stream, `string` for a model's tokens, `unknown` where it is not tracked.
 *
 * @example
 * ```ts
 * type Tokens = ChunkOf<typeof chat>; // string
 * ```
 */
export type ChunkOf<P> = P extends { readonly '~chunk': infer C } ? C : unknown;

/**
 * Type-only: marks what a primitive streams (see {@link ChunkOf}); constructors infer it from
 * the steps they wrap.
 *
 * @example
 * ```ts
 * function wrap<I, O, C>(inner: WorkflowPrimitive<I, O> & Streams<C>) {}
 * ```
 */
export interface Streams<C> {
  readonly '~chunk': C;
}

/**
 * Options every primitive accepts.
 *
 * @example
 * ```ts
 * lambda((q: string) => q.trim(), { name: 'normalize' });
 * ```
 */
export interface PrimitiveOptions {
  /**
   * Shown in spans, metrics and errors. Default: derived from the step's place in its workflow
   * (`support-triage/2.fallback`), or the class name for a step on its own.
   */
  name?: string | undefined;
  /**
   * Marks the step as a tool an agent calls: GenAI telemetry shows it as
   * `execute_tool {name}` (`gen_ai.tool.name`, and the description if given). Default: not a tool.
   */
  tool?: boolean | ToolDescription | undefined;
  /**
   * Never set. A primitive has `execute`, so no primitive can pass for an options object (the
   * first step of `sequential(a, b)` is never mistaken for its options).
   */
  readonly execute?: never;
}

/**
 * A policy for {@link WorkflowPrimitive.with}: wraps a step in another of the same input and
 * output. `options.name`, when `.with(…)` is given a name, names the step the policy makes. `retry(…)`, `timeout(…)`, `fallback(…)`, `circuitBreaker(…)`, `bulkhead(…)` and
 * `rateLimit(…)` make the built-in ones; any such function is a policy.
 *
 * @example
 * ```ts
 * const logged: Policy<string, string> = (inner) => lambda(async (q: string) => {
 *   console.log('calling', inner.name);
 *   return inner.execute(q);
 * });
 * ```
 */
export type Policy<I, O> = (
  inner: WorkflowPrimitive<I, O>,
  options?: PrimitiveOptions,
) => WorkflowPrimitive<I, O>;
