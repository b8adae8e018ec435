import { registerHooks, WorkflowContext } from '@tta/primitives';
import { createRecordingHooks } from '@tta/primitives/testing';
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

/** Runs the support-triage demo, printing through `print`. Returns the results. */
export async function runDemo(print: (line: string) => void = console.log) {
  const workflow = buildTriageWorkflow();
  const recorder = createRecordingHooks();
  const unregister = registerHooks(recorder);
  const results = [];
  print(
    'Support triage: normalize -> (intent | sentiment | orders) -> route by intent -> escalate if upset -> format',
  );
  try {
    for (const ticket of DEMO_TICKETS) {
      recorder.clear();
      const ctx = WorkflowContext.create({
        workflowId: 'support-triage',
        sessionId: ticket.id,
        userId: ticket.customer,
        state: { usage: { tokens: 0 } },
      });
      const result = await workflow.execute(ticket, ctx);
      results.push(result);
      print(`\n== ${ticket.id} (${ticket.customer}): "${ticket.text.trim()}"`);
      for (const e of recorder.executions) {
        const ms = (e.durationMs ?? 0).toFixed(1).padStart(6);
        print(`${ms} ms  ${'  '.repeat(e.depth)}${e.type} ${e.name} ${e.status}`);
      }
      for (const event of recorder.events) {
        if (event.type === 'route') print(`         route taken: ${event.route}`);
      }
      print(
        `  intent=${result.intent} sentiment=${result.sentiment} orders=[${result.orderIds.join(', ')}]`,
      );
      print(`  escalated=${result.escalated} tokens=${result.tokens}`);
      print(`  reply: ${result.reply}`);
    }
  } finally {
    unregister();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDemo();
}
