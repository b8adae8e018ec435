import {
  ConditionalPrimitive,
  lambda,
  parallel,
  RouterPrimitive,
  reportLlmCall,
  sequential,
  type WorkflowContext,
} from '@tta/primitives';
import { FakeModel } from './fake-model.js';

/** A customer message arriving at the support desk. */
export interface Ticket {
  id: string;
  customer: string;
  text: string;
}

/** What the triage workflow produces for one ticket. */
export interface TriageResult {
  ticketId: string;
  intent: Intent;
  sentiment: Sentiment;
  orderIds: string[];
  reply: string;
  escalated: boolean;
  tokens: number;
}

type Intent = 'billing' | 'technical' | 'general';
type Sentiment = 'negative' | 'neutral' | 'positive';

interface Analysed {
  ticket: Ticket;
  intent: Intent;
  sentiment: Sentiment;
  orderIds: string[];
}

interface Drafted extends Analysed {
  reply: string;
  escalated: boolean;
}

/** Deterministic models: a small classifier and a larger writer, as a real deployment would use. */
function createModels() {
  const classifier = new FakeModel({
    name: 'fake-small',
    rules: [
      { match: /intent:.*(refund|charged|invoice|bill)/i, reply: 'billing' },
      { match: /intent:.*(error|crash|login|password|bug)/i, reply: 'technical' },
      { match: /sentiment:.*(angry|terrible|unacceptable|worst|!!)/i, reply: 'negative' },
      { match: /sentiment:.*(thanks|great|love)/i, reply: 'positive' },
      { match: /sentiment:/i, reply: 'neutral' },
    ],
    fallback: 'general',
  });
  const writer = new FakeModel({
    name: 'fake-large',
    latencyMs: 15,
    rules: [
      {
        match: /billing/i,
        reply: 'I have opened a refund request for order {orders}; you will see it in 3-5 days.',
      },
      {
        match: /technical/i,
        reply:
          'Please reset your password from the sign-in page; the fix for this error ships today.',
      },
    ],
    fallback: 'Thanks for reaching out! A teammate will follow up shortly.',
  });
  return { classifier, writer };
}

/** Token usage shared by every step of one run (children copy `state` shallowly, so they share it). */
interface Usage {
  tokens: number;
}

/** Records token usage for the run's total, and reports the call to observability (GenAI conventions). */
function addTokens(
  ctx: WorkflowContext,
  out: { model: string; inputTokens: number; outputTokens: number },
): void {
  const usage = ctx.state.usage as Usage | undefined;
  if (usage !== undefined) usage.tokens += out.inputTokens + out.outputTokens;
  reportLlmCall({
    provider: 'fake',
    model: out.model,
    inputTokens: out.inputTokens,
    outputTokens: out.outputTokens,
  });
}

/**
 * normalize → (classify ‖ sentiment ‖ extract orders) → route by intent to a drafting agent →
 * escalate if negative → format.
 */
export function buildTriageWorkflow(models = createModels()) {
  const { classifier, writer } = models;

  const normalize = lambda(
    (ticket: Ticket) => ({ ...ticket, text: ticket.text.trim().replace(/\s+/g, ' ') }),
    {
      name: 'normalize',
    },
  );

  const classify = lambda(
    async (ticket: Ticket, ctx: WorkflowContext): Promise<Intent> => {
      const out = await classifier.complete(`intent: ${ticket.text}`, ctx.signal);
      addTokens(ctx, out);
      return out.text as Intent;
    },
    { name: 'classify-intent' },
  );

  const sentiment = lambda(
    async (ticket: Ticket, ctx: WorkflowContext): Promise<Sentiment> => {
      const out = await classifier.complete(`sentiment: ${ticket.text}`, ctx.signal);
      addTokens(ctx, out);
      return out.text as Sentiment;
    },
    { name: 'sentiment' },
  );

  const extractOrders = lambda((ticket: Ticket) => ticket.text.match(/#\d{4,}/g) ?? [], {
    name: 'extract-orders',
  });

  const analyse = parallel(
    {
      ticket: lambda((t: Ticket) => t, { name: 'keep-ticket' }),
      intent: classify,
      sentiment,
      orderIds: extractOrders,
    },
    { name: 'analyse' },
  );

  const draftWith = (topic: Intent) =>
    lambda(
      async (a: Analysed, ctx: WorkflowContext): Promise<Drafted> => {
        const out = await writer.complete(`${topic}: ${a.ticket.text}`, ctx.signal);
        addTokens(ctx, out);
        const reply = out.text.replace('{orders}', a.orderIds.join(', ') || '(none given)');
        return { ...a, reply, escalated: false };
      },
      { name: `draft-${topic}` },
    );

  const route = new RouterPrimitive({
    name: 'route-by-intent',
    routes: {
      billing: draftWith('billing'),
      technical: draftWith('technical'),
      general: draftWith('general'),
    },
    select: (a: Analysed) => a.intent,
    default: 'general',
  });

  const escalate = new ConditionalPrimitive(
    (d: Drafted) => d.sentiment === 'negative',
    lambda(
      (d: Drafted) => ({ ...d, escalated: true, reply: `I am sorry for the trouble. ${d.reply}` }),
      {
        name: 'escalate',
      },
    ),
    undefined,
    { name: 'escalate-if-upset' },
  );

  const format = lambda(
    (d: Drafted, ctx: WorkflowContext): TriageResult => ({
      ticketId: d.ticket.id,
      intent: d.intent,
      sentiment: d.sentiment,
      orderIds: d.orderIds,
      reply: `Hi ${d.ticket.customer}, ${d.reply}`,
      escalated: d.escalated,
      tokens: (ctx.state.usage as Usage | undefined)?.tokens ?? 0,
    }),
    { name: 'format' },
  );

  return sequential({ name: 'support-triage' }, normalize, analyse, route, escalate, format);
}
