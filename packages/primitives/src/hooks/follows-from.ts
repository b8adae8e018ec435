import { createContextKey } from '@tta/agent-context';

/**
 * A span an execution follows from without being its child: the attempt of a durable run that
 * died, which the resumed attempt continues.
 *
 * @example
 * ```ts
 * const died: SpanLinkTarget = { traceId, spanId, attributes: { 'tta.durable.attempt': 1 } };
 * ```
 */
export interface SpanLinkTarget {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/**
 * The spans the outermost execution run with this context follows from: tracers add them to its
 * span as links (span links in OpenTelemetry). Inner executions have a parent span and ignore it.
 *
 * @example
 * ```ts
 * await workflow.execute(input, ctx.withValue(FOLLOWS_FROM, [{ traceId, spanId }]));
 * ```
 */
export const FOLLOWS_FROM = createContextKey<readonly SpanLinkTarget[]>(
  'tta.primitives.follows-from',
);
