import type { AbortScope } from '../abort-scope.js';
import type { Budget, BudgetJSON, BudgetLimits } from '../budget.js';
import type { TraceState } from '../propagation/tracestate.js';
import type { DataInit, DataJSON } from './data-fields.js';

/**
 * A named point in time recorded with `WorkflowContext.checkpoint`.
 *
 * @example
 * ```ts
 * const first: Checkpoint | undefined = ctx.checkpoints[0]; // { name, time, elapsedMs }
 * ```
 */
export interface Checkpoint {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** Milliseconds since the context's start. */
  readonly elapsedMs: number;
}

/**
 * Everything a context can be created with. Every field is optional. The data fields
 * (`workflowId`, `sessionId`, `userId`, `agentId`, `metadata`, `state`, `baggage`, `tags`) are
 * described in docs/concepts.md, with their defaults and how a child inherits them.
 *
 * @example
 * ```ts
 * const ctx = new WorkflowContext({ workflowId: 'support-bot', userId: 'u-42', deadline: Date.now() + 30_000 });
 * ```
 */
export interface WorkflowContextInit extends DataInit {
  /** Ties every log, span and message of one request together. Default: a new UUID. */
  correlationId?: string | undefined;
  /** The correlation id of whatever caused this work. Default: none. */
  causationId?: string | undefined;
  /** W3C trace id, 32 lowercase hex digits. Default: none (no `traceparent` is sent). */
  traceId?: string | undefined;
  /** W3C span id, 16 lowercase hex digits. Default: a new one when `traceId` is given. */
  spanId?: string | undefined;
  /** The span id of the parent span. Default: none. */
  parentSpanId?: string | undefined;
  /** W3C trace flags (bit 0 = sampled, bit 1 = random trace id). Default: 1 with a given `traceId`; 3 (sampled, random) for a new trace. */
  traceFlags?: number | undefined;
  /** W3C `tracestate`: a `TraceState` or a header value. Default: none (a child keeps its parent's). */
  traceState?: TraceState | string | undefined;
  /** Epoch milliseconds the context started at. Default: now. */
  startTime?: number | undefined;
  /**
   * Cancels the work when aborted: an `AbortSignal`, or an `AbortScope` (whose signal is
   * only created if read). Default: none (not cancellable).
   */
  signal?: AbortSignal | AbortScope | undefined;
  /** Epoch milliseconds after which no new step starts. Default: none. */
  deadline?: number | undefined;
  /**
   * What the run may spend: limits (`{ maxTokens, maxCostUsd, maxDurationMs }`) or a `Budget` to
   * share. In `child()`, limits make a sub-budget of the parent's. Default: none (unlimited, and
   * `recordUsage` starts an unlimited budget to track spending).
   */
  budget?: BudgetLimits | Budget | undefined;
}

/**
 * What `WorkflowContext.child` accepts. The trace id, correlation id and start time are
 * not overridable: a child is part of the same trace and request, starting now.
 *
 * @example
 * ```ts
 * const branch = ctx.child({ agentId: 'researcher', budget: { maxTokens: 5000 } });
 * ```
 */
export type WorkflowContextOverrides = Omit<
  WorkflowContextInit,
  'traceId' | 'correlationId' | 'startTime'
>;

/**
 * The JSON form of a context (`WorkflowContext.toJSON`); the signal is not included.
 *
 * @example
 * ```ts
 * const saved: WorkflowContextJSON = ctx.toJSON(); const restored = WorkflowContext.fromJSON(saved);
 * ```
 */
export type WorkflowContextJSON = DataJSON & {
  version: 1;
  correlationId: string;
  causationId?: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceFlags: number;
  traceState?: string;
  startTime: number;
  checkpoints: Checkpoint[];
  deadline?: number;
  budget?: BudgetJSON;
};
