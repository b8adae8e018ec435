import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PostgresServer,
  startPostgres,
} from '../../packages/primitives/test-integration/postgres-server.js';
import { runExpenseApproval } from '../src/expense-approval.js';

// The expense-approval example with DATABASE_URL: the same run, kept in a real PostgreSQL that
// this test starts (initdb + pg_ctl on a free port) and stops.
let server: PostgresServer | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tta-expense-pg-'));
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the expense-approval example on PostgreSQL', () => {
  it('drafts, waits for the manager, and pays once', async () => {
    const lines: string[] = [];
    const databaseUrl = (server as PostgresServer).url;
    const last = await runExpenseApproval({ dir, databaseUrl, log: (line) => lines.push(line) });
    expect(lines[0]).toBe('run expense-E-1001: suspended');
    expect(last).toBe('paid: 86.4 EUR to Ana (Reimburse a train ticket to Lyon as submitted.)');
    // Run again: the run id is an idempotency key, so nothing is paid twice.
    const again = await runExpenseApproval({ dir, databaseUrl, log: () => {} });
    expect(again).toBe(last);
    expect(readFileSync(join(dir, 'ledger.txt'), 'utf8')).toBe('expense-E-1001 86.4\n');
  });
});
