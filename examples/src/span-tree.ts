import type { tracing } from '@opentelemetry/sdk-node';

/** Prints finished spans as an indented tree with durations and the attributes worth seeing. */
export function formatSpanTree(spans: readonly tracing.ReadableSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, tracing.ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const start = (s: tracing.ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => start(a) - start(b))) {
      const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1).padStart(6);
      const notes = [
        'tta.router.route',
        'tta.cache.hit',
        'tta.retry.attempt',
        'gen_ai.request.model',
        'gen_ai.usage.output_tokens',
      ]
        .filter((key) => span.attributes[key] !== undefined)
        .map((key) => `${key}=${String(span.attributes[key])}`);
      const status = span.status.code === 2 ? ' ERROR' : '';
      lines.push(
        `${ms} ms  ${'  '.repeat(depth)}${span.name}${status}${notes.length > 0 ? `  {${notes.join(', ')}}` : ''}`,
      );
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}
