import { CorruptJournalError } from '../errors/durable-errors.js';
import type { RunRecord, RunStatus, StepRecord } from './durable-store.js';

// The SQL stores' rows and their checks, shared: SQLite hands numbers back as numbers, PostgreSQL
// BIGINTs as strings, so numbers are read with Number() either way.

type Num = number | string;

/** A row of the runs table (snake_case columns). */
export interface RunRow {
  seq: Num;
  run_id: string;
  workflow: string;
  version: string;
  fingerprint: string;
  status: string;
  input: string;
  context: string;
  output: string | null;
  error: string | null;
  waiting_for: string | null;
  wait_started_at: Num | null;
  wake_at: Num | null;
  owner: string | null;
  lease_until: Num | null;
  fence: Num;
  created_at: Num;
  updated_at: Num;
}

/** A row of the steps table. */
export interface StepRow {
  path: string;
  seq: Num;
  status: string;
  value: string;
  effects: string | null;
  started_at: Num;
  ended_at: Num;
}

const STATUSES = new Set<RunStatus>(['running', 'suspended', 'completed', 'failed', 'cancelled']);
const optional = (v: Num | null) => (v === null ? undefined : Number(v));

/** A run record from its row; an unknown status is a `CorruptJournalError`. */
export function runFromRow(row: RunRow): RunRecord {
  if (!STATUSES.has(row.status as RunStatus))
    throw new CorruptJournalError({
      runId: row.run_id,
      step: 'run',
      reason: `unknown status ${JSON.stringify(row.status)}`,
    });
  return {
    runId: row.run_id,
    workflow: row.workflow,
    version: row.version,
    fingerprint: row.fingerprint,
    status: row.status as RunStatus,
    input: row.input,
    context: row.context,
    output: row.output ?? undefined,
    error: row.error ?? undefined,
    waitingFor: row.waiting_for ?? undefined,
    waitStartedAt: optional(row.wait_started_at),
    wakeAt: optional(row.wake_at),
    owner: row.owner ?? undefined,
    leaseUntil: optional(row.lease_until),
    fence: Number(row.fence),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A step record from its row; an unknown status is a `CorruptJournalError`. */
export function stepFromRow(runId: string, row: StepRow): StepRecord {
  if (row.status !== 'completed' && row.status !== 'failed')
    throw new CorruptJournalError({
      runId,
      step: `${row.path}#${row.seq}`,
      reason: `unknown status ${JSON.stringify(row.status)}`,
    });
  return {
    path: row.path,
    seq: Number(row.seq),
    status: row.status,
    value: row.value,
    effects: row.effects ?? undefined,
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
  };
}
