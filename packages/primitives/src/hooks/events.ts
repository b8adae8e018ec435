// Every event primitives report through the hooks, in one file on purpose: handlers switch over
// the union at its end, so the whole vocabulary stays in view in one place.
import type { WorkflowContext } from '@tta/agent-context';

/**
 * The state of a circuit breaker.
 *
 * @example
 * ```ts
 * if (breaker.state === ('open' satisfies CircuitState)) return cachedAnswer;
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * What a tool step tells GenAI telemetry about itself.
 *
 * @example
 * ```ts
 * const search = lambda(searchDocs, { name: 'search_docs', tool: { description: 'Full-text search' } });
 * ```
 */
export interface ToolDescription {
  /** `gen_ai.tool.description`. Default: none. */
  readonly description?: string | undefined;
}

/**
 * Which primitive emitted an event.
 *
 * @example
 * ```ts
 * const label = (ref: PrimitiveRef) => `${ref.type} ${ref.name}`;
 * ```
 */
export interface PrimitiveRef {
  readonly type: string;
  readonly name: string;
  /** Set on steps marked as tools. */
  readonly tool?: ToolDescription | undefined;
  /** The step's place in its composition tree (set on primitives). */
  readonly path?: string | undefined;
  /** Whether the step composes no other steps (set on primitives). */
  readonly isLeaf?: boolean | undefined;
}

/**
 * Fields every {@link PrimitiveEvent} carries.
 *
 * @example
 * ```ts
 * onEvent(event) { metrics.increment(event.type, { primitive: event.primitive.name }); }
 * ```
 */
export interface PrimitiveEventBase {
  /** The primitive that emitted the event. */
  readonly primitive: PrimitiveRef;
  /** The context of the execution the event belongs to. */
  readonly context: WorkflowContext;
  /** Epoch milliseconds. */
  readonly time: number;
}

/**
 * A retry is about to wait `delayMs` before attempt `attempt` (the first retry is attempt 2).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'retry') log.info(`attempt ${event.attempt} in ${event.delayMs} ms`); }
 * ```
 */
export interface RetryEvent extends PrimitiveEventBase {
  readonly type: 'retry';
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/**
 * A fallback is switching from one alternative to the next after `error`.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'fallback') log.info(`${event.from} failed, trying ${event.to}`); }
 * ```
 */
export interface FallbackEvent extends PrimitiveEventBase {
  readonly type: 'fallback';
  /** Name of the alternative that failed. */
  readonly from: string;
  /** Name of the alternative about to run. */
  readonly to: string;
  /** Index of the alternative about to run (1 = first fallback). */
  readonly index: number;
  readonly error: unknown;
}

/**
 * A timeout fired after `timeoutMs`.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'timeout') log.warn(`${event.primitive.name} timed out after ${event.timeoutMs} ms`); }
 * ```
 */
export interface TimeoutEvent extends PrimitiveEventBase {
  readonly type: 'timeout';
  readonly timeoutMs: number;
  /** Which limit passed: the whole step's, or a streaming step's first-chunk or idle limit. */
  readonly phase?: 'total' | 'first-chunk' | 'idle' | undefined;
}

/**
 * A call reached a circuit breaker: the state it was admitted (or refused) in. One per call, so
 * every breaker span can say which state its call saw.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'circuit-admission' && event.state === 'half-open') log.info('trial call'); }
 * ```
 */
export interface CircuitAdmissionEvent extends PrimitiveEventBase {
  readonly type: 'circuit-admission';
  readonly state: CircuitState;
  readonly allowed: boolean;
}

/**
 * A circuit breaker changed state.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'circuit-state-change' && event.to === 'open') page(event.primitive.name); }
 * ```
 */
export interface CircuitStateChangeEvent extends PrimitiveEventBase {
  readonly type: 'circuit-state-change';
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * A cache lookup found (`cache-hit`) or missed (`cache-miss`) the key.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'cache-hit') hits++; }
 * ```
 */
export interface CacheEvent extends PrimitiveEventBase {
  readonly type: 'cache-hit' | 'cache-miss';
  readonly key: string;
}

/**
 * A cache store failed; the cache carried on without it (a miss, or an uncached result).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'cache-error') log.warn(`cache ${event.operation} failed`, event.error); }
 * ```
 */
export interface CacheErrorEvent extends PrimitiveEventBase {
  readonly type: 'cache-error';
  readonly operation: 'get' | 'set';
  readonly key: string;
  readonly error: unknown;
}

/**
 * A shared state store (circuit breaker, rate limiter) failed; the primitive failed open.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'store-error') log.warn(`${event.store} store is down`, event.error); }
 * ```
 */
export interface StoreErrorEvent extends PrimitiveEventBase {
  readonly type: 'store-error';
  readonly store: 'circuit-breaker' | 'rate-limit';
  readonly operation: string;
  readonly error: unknown;
}

/**
 * A leaf step of a durable run: answered from the journal (`replayed`, it did not run) or run and
 * recorded (`recorded`, with how long the journal write took).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'durable-step' && event.status === 'replayed') replayed++; }
 * ```
 */
export interface DurableStepEvent extends PrimitiveEventBase {
  readonly type: 'durable-step';
  readonly runId: string;
  readonly workflow: string;
  readonly status: 'replayed' | 'recorded';
  /** For `recorded`: the journal write, in ms. */
  readonly writeMs?: number | undefined;
}

/**
 * A step of a streaming run ended: how many chunks it (and the steps inside it) sent, and how long
 * its first one took. Only for steps that sent at least one chunk.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'stream' && event.primitive.isLeaf) ttfc.observe(event.timeToFirstChunkMs); }
 * ```
 */
export interface StreamStepEvent extends PrimitiveEventBase {
  readonly type: 'stream';
  readonly chunks: number;
  /** From the step's start to its first chunk, in ms. */
  readonly timeToFirstChunkMs: number;
}

/**
 * A durable run started, resumed, or stopped being driven by this process (with the status it
 * was stored with).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'durable-run' && event.status === 'suspended') notifyReviewer(event.runId); }
 * ```
 */
export interface DurableRunEvent extends PrimitiveEventBase {
  readonly type: 'durable-run';
  readonly runId: string;
  readonly workflow: string;
  readonly status: 'started' | 'resumed' | 'completed' | 'failed' | 'cancelled' | 'suspended';
}

/**
 * A call to a language model, reported by the step that made it (`reportLlmCall`), for the
 * OpenTelemetry GenAI conventions. `prompt` and `completion` are only exported when an
 * observability hook is told to capture content.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'llm-call') tokens += (event.inputTokens ?? 0) + (event.outputTokens ?? 0); }
 * ```
 */
export interface LlmCallEvent extends PrimitiveEventBase {
  readonly type: 'llm-call';
  /** The provider, e.g. `'openai'`, `'anthropic'`, `'ollama'` (`gen_ai.provider.name`). */
  readonly provider: string;
  /** The model requested (`gen_ai.request.model`). */
  readonly model: string;
  /** `'chat'` (default), `'text_completion'`, `'embeddings'`… (`gen_ai.operation.name`). */
  readonly operation: string;
  /** The model that answered, if the provider says (`gen_ai.response.model`). */
  readonly responseModel?: string | undefined;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  /** Why generation stopped, e.g. `'stop'`, `'length'`. */
  readonly finishReason?: string | undefined;
  /** Streamed calls: ms from the request to the first chunk. */
  readonly timeToFirstChunkMs?: number | undefined;
  readonly prompt?: unknown;
  readonly completion?: unknown;
}

/**
 * A saga step's compensation ran (`status: 'compensated'`) or failed (`'failed'`, with `error`).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'compensation' && event.status === 'failed') alert(event.step); }
 * ```
 */
export interface CompensationEvent extends PrimitiveEventBase {
  readonly type: 'compensation';
  readonly step: string;
  readonly status: 'compensated' | 'failed';
  readonly error?: unknown;
}

/**
 * A router chose `route` (`usedDefault` when the selected key was unknown and the default ran).
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'route') routes.inc({ route: event.route }); }
 * ```
 */
export interface RouteEvent extends PrimitiveEventBase {
  readonly type: 'route';
  readonly route: string;
  readonly selected: string;
  readonly usedDefault: boolean;
}

/**
 * A bulkhead or rate limiter turned a call away.
 *
 * @example
 * ```ts
 * onEvent(event) { if (event.type === 'rejection') shed.inc({ reason: event.reason }); }
 * ```
 */
export interface RejectionEvent extends PrimitiveEventBase {
  readonly type: 'rejection';
  readonly reason: string;
}

/**
 * Every event a primitive can emit through the hooks. Switch on `type`.
 *
 * @example
 * ```ts
 * onEvent(event: PrimitiveEvent) { switch (event.type) { case 'retry': onRetry(event); break; } }
 * ```
 */
export type PrimitiveEvent =
  | RetryEvent
  | FallbackEvent
  | TimeoutEvent
  | CircuitStateChangeEvent
  | CircuitAdmissionEvent
  | CacheEvent
  | CacheErrorEvent
  | CompensationEvent
  | RouteEvent
  | RejectionEvent
  | StoreErrorEvent
  | LlmCallEvent
  | DurableStepEvent
  | DurableRunEvent
  | StreamStepEvent;

/**
 * The event type names.
 *
 * @example
 * ```ts
 * const interesting = new Set<PrimitiveEventType>(['retry', 'fallback', 'timeout']);
 * ```
 */
export type PrimitiveEventType = PrimitiveEvent['type'];

/**
 * What a primitive passes to `emit`: the event without the fields the runtime fills in.
 *
 * @example
 * ```ts
 * this.emit({ type: 'route', route: 'fast', selected: 'fast', usedDefault: false }, context);
 * ```
 */
export type PrimitiveEventInit = PrimitiveEvent extends infer E
  ? E extends PrimitiveEvent
    ? Omit<E, keyof PrimitiveEventBase>
    : never
  : never;
