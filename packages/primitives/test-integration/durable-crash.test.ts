import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { durable, SqliteDurableStore } from '../src/durable/index.js';
import { expenseWorkflow } from './fixtures/durable-expense.js';

// Issue 14 (first part): a durable run killed with SIGKILL inside each of its steps, resumed by
// another process, ends with the same output; completed steps never run again (counted by their
// side effects), the interrupted one runs at most twice.

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/durable-expense.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tta-durable-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STEPS = ['draft', 'review', 'approve', 'pay'];
const EXPECTED = ((1 + 1) * 2 + 100) * 10; // what an uninterrupted run returns

describe('a durable run on SQLite survives SIGKILL', () => {
  it('uninterrupted: every step once', async () => {
    const db = join(dir, 'clean.db');
    const effects = join(dir, 'clean.log');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', fixture, db, effects, 'clean'],
      { cwd },
    );
    expect(JSON.parse(stdout)).toBe(EXPECTED);
    expect(readFileSync(effects, 'utf8').trim().split('\n')).toEqual(STEPS);
  });

  it.each(STEPS)('killed inside %s, resumed by another process', async (crashIn) => {
    const db = join(dir, `${crashIn}.db`);
    const effects = join(dir, `${crashIn}.log`);
    const killed = await run(
      process.execPath,
      ['--import', 'tsx', fixture, db, effects, crashIn, crashIn],
      {
        cwd,
      },
    ).catch((error: { signal?: string }) => error);
    expect((killed as { signal?: string }).signal).toBe('SIGKILL');
    const store = await SqliteDurableStore.open({ path: db });
    try {
      const flow = durable(expenseWorkflow(effects), { name: 'expense', store });
      expect((await flow.get(crashIn)).status).toBe('running');
      expect(await (await flow.resume(crashIn)).result()).toBe(EXPECTED);
      expect((await flow.get(crashIn)).status).toBe('completed');
    } finally {
      await store.close();
    }
    const ran = readFileSync(effects, 'utf8').trim().split('\n');
    const at = STEPS.indexOf(crashIn);
    // Steps before the crash once, the interrupted one twice (it never finished), the rest once.
    expect(ran).toEqual([...STEPS.slice(0, at + 1), ...STEPS.slice(at)]);
  });
});
