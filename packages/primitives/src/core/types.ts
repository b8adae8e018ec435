import type { WorkflowPrimitive } from './workflow-primitive.js';

/** Any primitive, whatever its input and output. */
// biome-ignore lint/suspicious/noExplicitAny: the widest primitive type, used only as a constraint.
export type AnyPrimitive = WorkflowPrimitive<any, any>;

/** The input type of a primitive. */
export type InputOf<P> = P extends WorkflowPrimitive<infer I, infer _O> ? I : never;

/** The output type of a primitive. */
export type OutputOf<P> = P extends WorkflowPrimitive<infer _I, infer O> ? O : never;

/** Options every primitive accepts. */
export interface PrimitiveOptions {
  /** Shown in spans, metrics and errors. Default: the class name. */
  name?: string | undefined;
}
