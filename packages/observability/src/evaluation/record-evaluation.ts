import {
  type Attributes,
  context as otelContext,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ATTR, EVENT } from '../attributes.js';
import { SCOPE_NAME, SCOPE_VERSION } from '../version.js';

/**
 * A score for a run or a step, in the OpenTelemetry GenAI evaluation convention.
 *
 * @example
 * ```ts
 * const evaluation: Evaluation = { name: 'relevance', score: 0.82, label: 'relevant', explanation: 'cites the right doc' };
 * ```
 */
export interface Evaluation {
  /** `gen_ai.evaluation.name`: what was evaluated (`relevance`, `user_feedback`…). Required. */
  readonly name: string;
  /** `gen_ai.evaluation.score.value`. Default: none. */
  readonly score?: number | undefined;
  /** `gen_ai.evaluation.score.label` (`pass`, `helpful`…). Default: none. */
  readonly label?: string | undefined;
  /** `gen_ai.evaluation.explanation`. Default: none. */
  readonly explanation?: string | undefined;
}

/**
 * The span to attach an evaluation to: a run from `traceRun`, or any span's ids.
 *
 * @example
 * ```ts
 * const target: EvaluationTarget = { traceId: run.traceId, spanId: run.spanId };
 * ```
 */
export interface EvaluationTarget {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function attributesOf(evaluation: Evaluation): Attributes {
  if (typeof evaluation !== 'object' || evaluation === null)
    throw new TypeError('recordEvaluation: the evaluation must be an object');
  const { name, score, label, explanation } = evaluation;
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError('recordEvaluation: name must be a non-empty string');
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score)))
    throw new TypeError('recordEvaluation: score must be a finite number');
  if (label !== undefined && typeof label !== 'string')
    throw new TypeError('recordEvaluation: label must be a string');
  if (explanation !== undefined && typeof explanation !== 'string')
    throw new TypeError('recordEvaluation: explanation must be a string');
  const attributes: Attributes = { [ATTR.genAiEvaluationName]: name };
  if (score !== undefined) attributes[ATTR.genAiEvaluationScore] = score;
  if (label !== undefined) attributes[ATTR.genAiEvaluationLabel] = label;
  if (explanation !== undefined) attributes[ATTR.genAiEvaluationExplanation] = explanation;
  return attributes;
}

/**
 * Records a `gen_ai.evaluation.result` event. Without a target: on the span of the step running
 * now (call it inside a step, e.g. a judge step scoring the answer). With a target (a run from
 * `traceRun`, after it ended): as a short `evaluation {name}` span under the run's span, carrying
 * the event, so trace views show the score on the run. Without observability hooks (no ids), it
 * does nothing.
 *
 * @example
 * ```ts
 * const run = await traceRun(supportBot, question);
 * recordEvaluation(run, { name: 'user_feedback', score: 1, label: 'helpful' });
 * ```
 */
export function recordEvaluation(
  target: EvaluationTarget | undefined,
  evaluation: Evaluation,
  options: { tracerProvider?: TracerProvider | undefined } = {},
): void {
  const attributes = attributesOf(evaluation);
  if (target === undefined) {
    trace.getActiveSpan()?.addEvent(EVENT.evaluationResult, attributes);
    return;
  }
  const { traceId, spanId } = target;
  if (traceId === undefined || spanId === undefined) return;
  if (!HEX32.test(traceId) || !HEX16.test(spanId))
    throw new TypeError('recordEvaluation: target must have a W3C traceId and spanId');
  const parent = trace.setSpanContext(otelContext.active(), {
    traceId,
    spanId,
    traceFlags: 1,
    isRemote: false,
  });
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    SCOPE_NAME,
    SCOPE_VERSION,
  );
  const span = tracer.startSpan(`evaluation ${evaluation.name}`, { attributes }, parent);
  span.addEvent(EVENT.evaluationResult, attributes);
  span.end();
}
