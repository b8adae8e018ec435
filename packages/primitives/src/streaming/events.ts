import type { Usage } from '@tta/agent-context';

/**
 * A piece of a step's output as it is produced (a model's token, a row): `path` says which step.
 *
 * @example
 * ```ts
 * if (event.type === 'chunk') process.stdout.write(String(event.chunk));
 * ```
 */
export interface ChunkEvent<C = unknown> {
  readonly type: 'chunk';
  readonly path: string;
  readonly chunk: C;
}

/**
 * A step started (every step of the run, composites included, in the order they start).
 *
 * @example
 * ```ts
 * if (event.type === 'step-start') console.log('→', event.path);
 * ```
 */
export interface StepStartEvent {
  readonly type: 'step-start';
  readonly path: string;
  /** The primitive's kind (`'lambda'`, `'retry'`, …). */
  readonly primitive: string;
}

/**
 * A step ended, with its outcome.
 *
 * @example
 * ```ts
 * if (event.type === 'step-end' && !event.ok) console.warn(event.path, 'failed');
 * ```
 */
export interface StepEndEvent {
  readonly type: 'step-end';
  readonly path: string;
  readonly primitive: string;
  readonly ok: boolean;
  readonly durationMs: number;
  /** How many chunks the step (and the steps inside it) sent to the consumer. */
  readonly chunks: number;
}

/**
 * The chunks sent since the recovering step (`path`) started are void: a retry or fallback with
 * the `restart` policy is starting over. A consumer that honours it discards the partial output
 * of that step (everything since its `step-start`).
 *
 * @example
 * ```ts
 * if (event.type === 'reset') text = textBefore[event.path] ?? '';
 * ```
 */
export interface ResetEvent {
  readonly type: 'reset';
  /** The recovering step (a retry or a fallback). */
  readonly path: string;
  /** How many chunks are void. */
  readonly discarded: number;
  /** Why: the error of the attempt that failed. */
  readonly error: unknown;
}

/**
 * Tokens and cost a step recorded (`ctx.recordUsage`), as it recorded them.
 *
 * @example
 * ```ts
 * if (event.type === 'usage') tokens += event.usage.outputTokens ?? 0;
 * ```
 */
export interface UsageEvent {
  readonly type: 'usage';
  readonly usage: Usage;
}

/**
 * The last event: the same output `execute` returns.
 *
 * @example
 * ```ts
 * if (event.type === 'result') return event.output;
 * ```
 */
export interface ResultEvent<O> {
  readonly type: 'result';
  readonly output: O;
}

/**
 * What `stream()` yields.
 *
 * @example
 * ```ts
 * for await (const event of flow.stream(input)) {
 *   if (event.type === 'chunk') send(event.chunk);
 *   else if (event.type === 'reset') retract();
 *   else if (event.type === 'result') done(event.output);
 * }
 * ```
 */
export type StreamEvent<O = unknown, C = unknown> =
  | ChunkEvent<C>
  | StepStartEvent
  | StepEndEvent
  | ResetEvent
  | UsageEvent
  | ResultEvent<O>;
