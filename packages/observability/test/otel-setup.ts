import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { registerHooks } from '@tta/primitives';
import {
  createObservabilityHooks,
  createTraceIdGenerator,
  type ObservabilityHooksOptions,
} from '../src/index.js';

/** A real tracer provider exporting to memory, hooks registered; `stop()` undoes it all. */
export function tracing(
  options: ObservabilityHooksOptions = {},
  { contextManager = true, idGenerator = true } = {},
) {
  if (contextManager)
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  // As setupObservability does: root spans of a new trace take the context's trace id.
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(idGenerator ? { idGenerator: createTraceIdGenerator() } : {}),
  });
  const unregister = registerHooks(
    createObservabilityHooks({ tracerProvider: provider, ...options }),
    {
      onError: (error) => {
        throw error;
      },
    },
  );
  const tracer = provider.getTracer('test');
  return {
    exporter,
    provider,
    tracer,
    spans: () => exporter.getFinishedSpans(),
    byName: (name: string) => {
      const span = exporter.getFinishedSpans().find((s) => s.name === name);
      if (span === undefined)
        throw new Error(
          `no span ${name}: ${exporter
            .getFinishedSpans()
            .map((s) => s.name)
            .join(', ')}`,
        );
      return span;
    },
    async stop() {
      unregister();
      await provider.shutdown();
      context.disable();
      trace.disable();
    },
  };
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The span tree as indented names, children in start order. */
export function tree(spans: readonly ReadableSpan[]): string {
  const children = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const span of spans) {
    const parent = parentId(span);
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = (children.get(parent) ?? []).sort(
      (a, b) => hr(a.startTime) - hr(b.startTime) || a.name.localeCompare(b.name),
    );
    for (const span of list) {
      lines.push(`${'  '.repeat(depth)}${span.name}${span.status.code === 2 ? ' [ERROR]' : ''}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

function hr(time: [number, number]): number {
  return time[0] * 1e9 + time[1];
}
