import { ConversationMemory, InMemoryStore, WorkflowContext } from '@tta/agent-context';
import { lambda, RouterPrimitive, sequential } from '@tta/primitives';
import {
  AgentCoordinationPrimitive,
  AgentHandoffPrimitive,
  AgentMemoryPrimitive,
  type HandoffRecord,
} from '@tta/primitives/agents';
import { OpenAIChatPrimitive } from '@tta/primitives/llm';
import { createFakeLLMServer } from '@tta/primitives/testing';

interface Request {
  customer: string;
  text: string;
}

/**
 * A support desk of agents: a router sends each request to a lane; billing requests are handed off
 * to the billing specialist (who checks what agent memory knows about the customer); research
 * questions go to a panel of three model agents that must agree; everything else to a generalist
 * that keeps the conversation in memory. Fake models unless OPENAI_BASE_URL is set.
 */
export async function runMultiAgent(print: (line: string) => void = console.log) {
  const server =
    process.env.OPENAI_BASE_URL === undefined
      ? await createFakeLLMServer({
          reply: ({ model, messages }) => {
            const last = messages.at(-1)?.content ?? '';
            if (model === 'expert-c') return 'Option B';
            if (model.startsWith('expert')) return 'Option A';
            if (model === 'billing')
              return `Refund issued for ${/#\d+/.exec(last)?.[0] ?? 'your order'}.`;
            const name = messages
              .map((m) => /my name is (\w+)/i.exec(m.content)?.[1])
              .find(Boolean);
            return name === undefined ? 'Happy to help!' : `Happy to help, ${name}!`;
          },
        })
      : undefined;
  const baseURL = server?.url;
  const chat = (
    model: string,
    extra: Partial<ConstructorParameters<typeof OpenAIChatPrimitive>[0]> = {},
  ) =>
    new OpenAIChatPrimitive({
      model: process.env.OPENAI_MODEL ?? model,
      ...(baseURL === undefined ? {} : { baseURL }),
      name: model,
      ...extra,
    });

  try {
    const store = new InMemoryStore();
    const memory = new AgentMemoryPrimitive({ store, scope: 'session' });
    const conversation = new ConversationMemory({ maxTokens: 2000 });

    // Billing specialist: looks up what is known about the customer, then answers.
    const billingAgent = sequential(
      { name: 'billing-agent' },
      lambda(async (req: Request, ctx: WorkflowContext) => {
        const known = await memory.execute({ op: 'query', tags: ['billing'] }, ctx);
        const facts =
          known.op === 'query'
            ? known.entries.map((e) => `${e.key}=${String(e.value)}`).join(', ')
            : '';
        return `${req.text}${facts === '' ? '' : ` (known: ${facts})`}`;
      }),
      chat('billing'),
      lambda((out: { text: string }) => out.text),
    );
    const handoff = new AgentHandoffPrimitive({
      agents: { billing: billingAgent },
      to: 'billing',
      reason: 'billing question',
    });
    const billingLane = sequential(
      { name: 'billing-lane' },
      handoff,
      lambda((r: Awaited<ReturnType<typeof handoff.execute>>) =>
        r.status === 'completed' ? r.output : `queued for ${r.agent}`,
      ),
    );

    // Research panel: three agents, the majority answer wins.
    const panel = new AgentCoordinationPrimitive({
      name: 'research-panel',
      agents: { a: chat('expert-a'), b: chat('expert-b'), c: chat('expert-c') },
      strategy: 'consensus',
      agreementKey: (out: { text: string }) => out.text.trim().toLowerCase(),
      timeoutMs: 10_000,
    });
    const researchLane = sequential(
      { name: 'research-lane' },
      lambda((req: Request) => req.text),
      panel,
      lambda(
        (r: Awaited<ReturnType<typeof panel.execute>>) =>
          `${r.output?.text} (agreed by ${r.agents.join(', ')})`,
      ),
    );

    // Generalist keeps the conversation, so it remembers the customer's name.
    const generalLane = sequential(
      { name: 'general-lane' },
      lambda((req: Request) => req.text),
      chat('general', { memory: conversation }),
      lambda((out: { text: string }) => out.text),
    );

    const desk = new RouterPrimitive({
      name: 'desk',
      routes: { billing: billingLane, research: researchLane, general: generalLane },
      select: (req: Request) =>
        /refund|invoice|charge/i.test(req.text)
          ? 'billing'
          : /which|compare|should/i.test(req.text)
            ? 'research'
            : 'general',
      default: 'general',
    });

    const ctx = WorkflowContext.create({
      sessionId: 'ana-1',
      agentId: 'desk',
      budget: { maxTokens: 50_000 },
    });
    await memory.execute({ op: 'store', key: 'plan', value: 'pro', tags: ['billing'] }, ctx);
    const requests: Request[] = [
      { customer: 'ana', text: 'Hi, my name is Ana.' },
      { customer: 'ana', text: 'Please refund order #4411.' },
      { customer: 'ana', text: 'Which plan should I pick?' },
      { customer: 'ana', text: 'Thanks again!' },
    ];
    const lines: string[] = [];
    for (const req of requests)
      lines.push(`${req.customer}: ${req.text}\n  → ${await desk.execute(req, ctx)}`);
    const history = (ctx.state.handoffHistory as HandoffRecord[] | undefined) ?? [];
    lines.push(`handoffs: ${history.map((h) => `${h.from}→${h.to} (${h.reason})`).join('; ')}`);
    lines.push(
      `conversation: ${conversation.messages().length} messages, ${conversation.tokenCount} tokens; budget spent: ${ctx.budget?.spent.tokens} tokens`,
    );
    for (const line of lines) print(line);
    return lines;
  } finally {
    await server?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runMultiAgent();
