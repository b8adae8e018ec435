// An expense-approval agent on a durable run: a model drafts the reimbursement, the run suspends
// until a manager approves, then it pays (a saga step with an idempotency key). Everything is in
// one SQLite file, so the run survives the process:
//   pnpm expense-approval                      # draft → wait → approve → pay, in one go
//   pnpm expense-approval --crash-at pay       # the process kills itself inside `pay`
//   pnpm expense-approval --resume             # a new process finishes the run (pays once)
// With DATABASE_URL set (postgres://…) the runs live in PostgreSQL instead of SQLite.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambda, sequential, type WorkflowPrimitive } from '@tta/primitives';
import {
  approval,
  type DurableStore,
  durable,
  PostgresDurableStore,
  SqliteDurableStore,
} from '@tta/primitives/durable';
import { FakeModel } from './fake-model.js';

export interface Expense {
  id: string;
  employee: string;
  amount: number;
  purpose: string;
}

interface Draft extends Expense {
  memo: string;
}

const model = new FakeModel({
  name: 'fake-writer',
  rules: [
    {
      match: /reimburse/i,
      reply: (prompt) =>
        `Reimburse ${/for (.*)$/m.exec(prompt)?.[1] ?? 'the expense'} as submitted.`,
    },
  ],
  fallback: 'Reimburse as submitted.',
  latencyMs: 2,
});

/** Kills this process inside the named step (to show a crash), when asked. */
function crashPoint(step: string, crashAt: string | undefined): void {
  if (crashAt === step) process.kill(process.pid, 'SIGKILL');
}

/** The payments "bank": one line per payment; a repeated idempotency key is not paid again. */
export function payOnce(ledger: string, key: string, amount: number): 'paid' | 'already paid' {
  const lines = existsSync(ledger) ? readFileSync(ledger, 'utf8').split('\n') : [];
  if (lines.some((line) => line.startsWith(`${key} `))) return 'already paid';
  appendFileSync(ledger, `${key} ${amount}\n`);
  return 'paid';
}

export function expenseWorkflow(
  ledger: string,
  crashAt?: string,
): WorkflowPrimitive<Expense, string> {
  return sequential(
    { name: 'expense-approval' },
    lambda(
      async (expense: Expense, ctx): Promise<Draft> => {
        crashPoint('draft', crashAt);
        const reply = await model.complete(
          `Reimburse ${expense.employee} for ${expense.purpose}`,
          ctx.signal,
        );
        return { ...expense, memo: reply.text };
      },
      { name: 'draft' },
    ),
    approval<Draft>({ name: 'manager-approval' }),
    lambda(
      (draft: Draft) => {
        // The idempotency key makes a repeated payment (a crash after paying, before the journal
        // recorded it) a no-op at the bank.
        const outcome = payOnce(ledger, `expense-${draft.id}`, draft.amount);
        crashPoint('pay', crashAt); // the worst moment: paid, not yet recorded
        return `${outcome}: ${draft.amount} EUR to ${draft.employee} (${draft.memo})`;
      },
      { name: 'pay' },
    ),
  ) as WorkflowPrimitive<Expense, string>;
}

export interface Options {
  dir: string;
  crashAt?: string | undefined;
  resume?: boolean | undefined;
  log?: (line: string) => void;
  /** A PostgreSQL URL; default: the DATABASE_URL environment variable, else SQLite in `dir`. */
  databaseUrl?: string | undefined;
}

async function openStore(options: Options): Promise<DurableStore & { close(): Promise<void> }> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (url === undefined || url === '')
    return SqliteDurableStore.open({ path: join(options.dir, 'expenses.db') });
  const store = await PostgresDurableStore.open({ connectionString: url });
  await store.migrate();
  return store;
}

/** Runs (or resumes) the example's run and returns its final line. */
export async function runExpenseApproval(options: Options): Promise<string> {
  const log = options.log ?? console.log;
  mkdirSync(options.dir, { recursive: true });
  const store = await openStore(options);
  try {
    const flow = durable(expenseWorkflow(join(options.dir, 'ledger.txt'), options.crashAt), {
      name: 'expense-approval',
      store,
      workerId: 'expense-example', // stable: a restarted process takes its runs back at once
    });
    const expense: Expense = {
      id: 'E-1001',
      employee: 'Ana',
      amount: 86.4,
      purpose: 'a train ticket to Lyon',
    };
    const runId = `expense-${expense.id}`;
    if (options.resume === true) {
      const recovered = await flow.recover();
      log(`recovered: ${recovered.map((r) => r.runId).join(', ') || 'nothing to recover'}`);
      await Promise.all(recovered.map((r) => r.result().catch(() => undefined)));
    } else {
      const run = await flow.start(expense, { runId });
      await run.result().catch(() => undefined);
    }
    let info = await flow.get(runId);
    log(`run ${runId}: ${info.status}`);
    if (info.status === 'suspended') {
      log('manager approves (a signal, from any process)');
      const resumed = await flow.signal(runId, 'approval', { approved: true, by: 'maria' });
      await resumed.result().catch(() => undefined);
      info = await flow.get(runId);
    }
    log(`journal: ${info.steps.map((s) => `${s.path} ${s.status}`).join(', ')}`);
    const line = info.status === 'completed' ? String(info.output) : `run ${info.status}`;
    log(line);
    return line;
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--crash-at');
  await runExpenseApproval({
    dir: process.env.EXPENSE_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.data'),
    crashAt: at === -1 ? undefined : args[at + 1],
    resume: args.includes('--resume'),
  });
}
