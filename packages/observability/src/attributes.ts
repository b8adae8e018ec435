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
  genAiTokenType: 'gen_ai.token.type',
  genAiWorkflowName: 'gen_ai.workflow.name',
  genAiConversationId: 'gen_ai.conversation.id',
  genAiAgentName: 'gen_ai.agent.name',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolType: 'gen_ai.tool.type',
  genAiToolDescription: 'gen_ai.tool.description',
  genAiTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  genAiEvaluationName: 'gen_ai.evaluation.name',
  genAiEvaluationScore: 'gen_ai.evaluation.score.value',
  genAiEvaluationLabel: 'gen_ai.evaluation.score.label',
  genAiEvaluationExplanation: 'gen_ai.evaluation.explanation',
  retryDelayMs: 'tta.retry.delay_ms',
  fallbackFrom: 'tta.fallback.from',
  fallbackTo: 'tta.fallback.to',
  timeoutMs: 'tta.timeout.ms',
  circuitFrom: 'tta.circuit.from',
  circuitTo: 'tta.circuit.to',
  sagaStep: 'tta.saga.step',
  sagaStatus: 'tta.saga.status',
  rejectionReason: 'tta.rejection.reason',
  storeOperation: 'tta.store.operation',
  durableReplayed: 'tta.durable.replayed',
  streamChunks: 'tta.stream.chunks',
  streamTimeToFirstChunk: 'tta.stream.time_to_first_chunk_ms',
  durableRunId: 'tta.durable.run_id',
  durableStatus: 'tta.durable.status',
} as const;

/**
 * Span event names this package writes.
 *
 * @example
 * ```ts
 * span.events.filter((e) => e.name === EVENT.retry);
 * ```
 */
export const EVENT = {
  retry: 'tta.retry',
  fallback: 'tta.fallback',
  timeout: 'tta.timeout',
  circuitStateChange: 'tta.circuit.state_change',
  compensation: 'tta.compensation',
  rejection: 'tta.rejection',
  cacheError: 'tta.cache_error',
  storeError: 'tta.store_error',
  evaluationResult: 'gen_ai.evaluation.result',
  durableRun: 'tta.durable.run',
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
