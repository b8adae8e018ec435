import { registerHooks, WorkflowContext } from '@tta/primitives';
import { createRecordingHooks } from '@tta/primitives/testing';
import { formatSpanTree } from './span-tree.js';
import { buildTriageWorkflow, type Ticket } from './support-triage.js';

/** The tickets the demo triages. */
export const DEMO_TICKETS: Ticket[] = [
  {
    id: 'T-1',
    customer: 'Ana',
    text: 'I was charged twice for order #10442, this is unacceptable!!',
  },
  { id: 'T-2', customer: 'Bo', text: 'Login fails with error 500 since this morning.' },
  { id: 'T-3', customer: 'Cy', text: '  Thanks, I love the new dashboard.  ' },
];

/** How the demo runs: from flags (`--observe`, `--serve`) or env (`TTA_OBSERVE=1`, `TTA_SERVE=1`). */
export interface DemoOptions {
  /** Print each ticket's span tree and serve Prometheus metrics. Default: false. */
  observe?: boolean;
  /** Print the workflow's structure as Mermaid first. Default: true. */
  graph?: boolean;
  /** Keep running the tickets every `intervalMs` until stopped (for a Prometheus to scrape). Default: false. */
  serve?: boolean;
  /** Where to serve /metrics. Default: env TTA_METRICS_PORT, else 9464. */
  metricsPort?: number;
  intervalMs?: number;
}

/** Runs the support-triage demo, printing through `print`. Returns the results of the first pass. */
export async function runDemo(
  print: (line: string) => void = console.log,
  options: DemoOptions = {},
) {
  const workflow = buildTriageWorkflow();
  const recorder = createRecordingHooks();
  const unregister = registerHooks(recorder);
  const observability = options.observe
    ? await startObservability(print, options.metricsPort)
    : undefined;
  const results = [];
  print(
    'Support triage: normalize -> (intent | sentiment | orders) -> route by intent -> escalate if upset -> format',
  );
  if (options.graph ?? true) {
    print('\nThe workflow as a Mermaid graph (paste into any Mermaid renderer):\n');
    print(workflow.toMermaid());
  }
  try {
    for (const ticket of DEMO_TICKETS) {
      recorder.clear();
      observability?.spans.reset();
      const result = await workflow.execute(ticket, contextFor(ticket));
      results.push(result);
      await observability?.handle.forceFlush();
      print(`\n== ${ticket.id} (${ticket.customer}): "${ticket.text.trim()}"`);
      const lines = observability
        ? formatSpanTree(observability.spans.getFinishedSpans())
        : recorder.executions.map(
            (e) =>
              `${(e.durationMs ?? 0).toFixed(1).padStart(6)} ms  ${'  '.repeat(e.depth)}${e.type} ${e.name} ${e.status}`,
          );
      for (const line of lines) print(line);
      for (const event of recorder.events) {
        if (event.type === 'route') print(`         route taken: ${event.route}`);
      }
      print(
        `  intent=${result.intent} sentiment=${result.sentiment} orders=[${result.orderIds.join(', ')}]`,
      );
      print(`  escalated=${result.escalated} tokens=${result.tokens}`);
      print(`  reply: ${result.reply}`);
    }
    if (options.serve) await serve(workflow, print, options.intervalMs ?? 1000);
  } finally {
    unregister();
    await observability?.handle.shutdown();
  }
  return results;
}

function contextFor(ticket: Ticket): WorkflowContext {
  return WorkflowContext.create({
    workflowId: 'support-triage',
    sessionId: ticket.id,
    userId: ticket.customer,
    state: { usage: { tokens: 0 } },
  });
}

async function startObservability(print: (line: string) => void, port?: number) {
  const { tracing } = await import('@opentelemetry/sdk-node');
  const { setupObservability } = await import('@tta/observability/setup');
  const spans = new tracing.InMemorySpanExporter();
  const handle = await setupObservability({
    serviceName: 'tta-demo',
    prometheus: {
      port: port ?? Number(process.env.TTA_METRICS_PORT ?? 9464),
      host: process.env.TTA_METRICS_HOST ?? '127.0.0.1',
    },
    spanProcessors: [new tracing.SimpleSpanProcessor(spans)],
  });
  print(`Prometheus metrics at ${handle.metricsUrl}`);
  return { spans, handle };
}

/** Re-runs the tickets until SIGINT/SIGTERM, so a Prometheus can scrape live metrics. */
async function serve(
  workflow: ReturnType<typeof buildTriageWorkflow>,
  print: (line: string) => void,
  intervalMs: number,
) {
  print(`\nServing: triaging the tickets every ${intervalMs} ms; Ctrl-C to stop.`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stop.signal.aborted) {
      for (const ticket of DEMO_TICKETS) await workflow.execute(ticket, contextFor(ticket));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        stop.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve(undefined);
          },
          { once: true },
        );
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = (name: string, env: string) =>
    process.argv.includes(`--${name}`) || process.env[env] === '1';
  await runDemo(console.log, {
    observe: flag('observe', 'TTA_OBSERVE'),
    serve: flag('serve', 'TTA_SERVE'),
  });
}
