import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runExpenseApproval } from '../src/expense-approval.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../src/expense-approval.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tta-expense-'));
  dirs.push(dir);
  return dir;
}

describe('the expense-approval example', () => {
  it('drafts, suspends for the manager, and pays once approved, in one command', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const last = await runExpenseApproval({ dir, log: (line) => lines.push(line) });
    expect(lines).toEqual([
      'run expense-E-1001: suspended',
      'manager approves (a signal, from any process)',
      'journal: expense-approval/1 completed, expense-approval/2/decision completed, expense-approval/3 completed',
      last,
    ]);
    expect(last).toBe('paid: 86.4 EUR to Ana (Reimburse a train ticket to Lyon as submitted.)');
    expect(readFileSync(join(dir, 'ledger.txt'), 'utf8')).toBe('expense-E-1001 86.4\n');
  });

  it('killed right after paying, a second process finishes the run and the bank pays once', async () => {
    const dir = tempDir();
    const env = { ...process.env, EXPENSE_DIR: dir };
    const killed = await run(process.execPath, ['--import', 'tsx', script, '--crash-at', 'pay'], {
      cwd,
      env,
    }).catch((error: { signal?: string }) => error);
    expect((killed as { signal?: string }).signal).toBe('SIGKILL');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--resume'], {
      cwd,
      env,
    });
    expect(stdout).toContain('recovered: expense-E-1001');
    expect(stdout).toContain('run expense-E-1001: completed');
    expect(stdout).toContain('already paid: 86.4 EUR to Ana');
    expect(readFileSync(join(dir, 'ledger.txt'), 'utf8')).toBe('expense-E-1001 86.4\n');
  });
});
