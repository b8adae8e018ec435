/**
 * Span attribute names this package writes.
 *
 * @example
 * ```ts
 * span.setAttribute(ATTR.routerRoute, 'quality');
 * ```
 */
export const ATTR = {
  primitiveType: 'tta.primitive.type',
  primitiveName: 'tta.primitive.name',
  workflowId: 'tta.workflow.id',
  correlationId: 'tta.correlation_id',
  sessionId: 'tta.session_id',
  userId: 'tta.user_id',
  agentId: 'tta.agent_id',
  retryAttempt: 'tta.retry.attempt',
  routerRoute: 'tta.router.route',
  cacheHit: 'tta.cache.hit',
  circuitState: 'tta.circuit.state',
  errorType: 'error.type',
  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  /** The older name of `gen_ai.provider.name`, still read by many backends. */
  genAiSystem: 'gen_ai.system',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  genAiInputMessages: 'gen_ai.input.messages',
  genAiOutputMessages: 'gen_ai.output.messages',
} as const;

/**
 * A low-cardinality name for an error: its class name, or its type.
 *
 * @example
 * ```ts
 * span.setAttribute('error.type', errorType(error)); // 'TimeoutError'
 * ```
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  if (typeof error === 'object' && error !== null) {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return typeof error;
}
