// Runs, journals and signals in PostgreSQL through `pg` (an optional peer, loaded when a store is
// opened): the store for many processes on many machines. The tables are created by an explicit
// `migrate()`, in a schema of your choosing. Recording a step is one round trip: the fence check
// and the insert are one statement. One file for the whole store: the schema, its statements and
// the row checks belong together.
import type {
  DurableStore,
  RunClaim,
  RunQuery,
  RunRecord,
  RunUpdate,
  StepRecord,
} from './durable-store.js';
import { loadPeer } from './optional-peer.js';
import { type RunRow, runFromRow, type StepRow, stepFromRow } from './rows.js';

/**
 * The part of a `pg` `Pool` (or `Client`) the store uses (so its types need no `@types` package).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PostgresQueryable = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * Options of {@link PostgresDurableStore.open}.
 *
 * @example
 * ```ts
 * const store = await PostgresDurableStore.open({ connectionString: process.env.DATABASE_URL, schema: 'workflows' });
 * await store.migrate();
 * ```
 */
export interface PostgresDurableStoreOptions {
  /** A PostgreSQL URL; the store opens (and on `close()` ends) a pool. Required unless `pool`. */
  connectionString?: string | undefined;
  /** A `pg` Pool you own (the store never ends it). Default: none. */
  pool?: PostgresQueryable | undefined;
  /** The schema of the tables. Default: `'tta_durable'`. */
  schema?: string | undefined;
}

/**
 * Durable runs in PostgreSQL: every process and machine using the same database and schema shares
 * the runs, their leases and their signals.
 *
 * @example
 * ```ts
 * const store = await PostgresDurableStore.open({ connectionString: process.env.DATABASE_URL });
 * await store.migrate(); // once, at deploy time
 * const flow = durable(workflow, { name: 'expense', store });
 * ```
 */
export class PostgresDurableStore implements DurableStore {
  readonly #db: PostgresQueryable;
  readonly #end: (() => Promise<void>) | undefined;
  readonly #runs: string;
  readonly #steps: string;
  readonly #signals: string;
  readonly #schema: string;

  private constructor(
    db: PostgresQueryable,
    end: (() => Promise<void>) | undefined,
    schema: string,
  ) {
    this.#db = db;
    this.#end = end;
    this.#schema = `"${schema}"`;
    this.#runs = `${this.#schema}.runs`;
    this.#steps = `${this.#schema}.steps`;
    this.#signals = `${this.#schema}.signals`;
  }

  /** Opens a store (no query yet). Loads `pg`, which must be installed, unless you pass `pool`. */
  static async open(options: PostgresDurableStoreOptions): Promise<PostgresDurableStore> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('PostgresDurableStore: options are required');
    const schema = options.schema ?? 'tta_durable';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
      throw new TypeError('PostgresDurableStore: schema must be letters, digits and _');
    if (options.pool !== undefined)
      return new PostgresDurableStore(options.pool, undefined, schema);
    if (typeof options.connectionString !== 'string' || options.connectionString.length === 0)
      throw new TypeError('PostgresDurableStore: pass { connectionString } or { pool }');
    const { Pool } = await loadPeer<{
      Pool: new (config: {
        connectionString: string;
      }) => PostgresQueryable & { end(): Promise<void> };
    }>('PostgresDurableStore', 'pg@8', () => import('pg'));
    const pool = new Pool({ connectionString: options.connectionString });
    return new PostgresDurableStore(pool, () => pool.end(), schema);
  }

  /** Creates the schema, tables and indexes if missing. Run it once (at deploy); it is idempotent. */
  async migrate(): Promise<void> {
    await this.#db.query(`
      CREATE SCHEMA IF NOT EXISTS ${this.#schema};
      CREATE TABLE IF NOT EXISTS ${this.#runs} (
        seq BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        workflow TEXT NOT NULL,
        version TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        context TEXT NOT NULL,
        output TEXT,
        error TEXT,
        waiting_for TEXT,
        wait_started_at BIGINT,
        wake_at BIGINT,
        owner TEXT,
        lease_until BIGINT,
        fence BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS runs_by_status ON ${this.#runs} (workflow, status, seq);
      CREATE INDEX IF NOT EXISTS runs_by_wake ON ${this.#runs} (status, wake_at);
      CREATE INDEX IF NOT EXISTS runs_by_end ON ${this.#runs} (workflow, status, updated_at);
      CREATE TABLE IF NOT EXISTS ${this.#steps} (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL,
        path TEXT NOT NULL,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        value TEXT NOT NULL,
        effects TEXT,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        UNIQUE (run_id, path, seq)
      );
      CREATE TABLE IF NOT EXISTS ${this.#signals} (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS signals_by_run ON ${this.#signals} (run_id, name, id);
    `);
  }

  async createRun(run: RunRecord): Promise<{ created: boolean; run: RunRecord }> {
    const { rowCount } = await this.#db.query(
      `INSERT INTO ${this.#runs} (run_id, workflow, version, fingerprint, status, input, context, output, error, owner, lease_until, fence, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (run_id) DO NOTHING`,
      [
        run.runId,
        run.workflow,
        run.version,
        run.fingerprint,
        run.status,
        run.input,
        run.context,
        run.output ?? null,
        run.error ?? null,
        run.owner ?? null,
        run.leaseUntil ?? null,
        run.fence ?? 0,
        run.createdAt,
        run.updatedAt,
      ],
    );
    if (rowCount === 1) return { created: true, run: { ...run, fence: run.fence ?? 0 } };
    return { created: false, run: (await this.getRun(run.runId)) as RunRecord };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.#db.query(`SELECT * FROM ${this.#runs} WHERE run_id = $1`, [runId]);
    const row = rows[0] as RunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  async listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; cursor: string | undefined }> {
    const limit = query.limit ?? 100;
    const values: unknown[] = [query.cursor === undefined ? 0 : Number(query.cursor)];
    const where = ['seq > $1'];
    const add = (clause: (n: string) => string, value: unknown) => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (query.workflow !== undefined) add((n) => `workflow = ${n}`, query.workflow);
    if (query.status !== undefined) add((n) => `status = ${n}`, query.status);
    if (query.staleBy !== undefined)
      add((n) => `status = 'running' AND (owner IS NULL OR lease_until < ${n})`, query.staleBy);
    if (query.owner !== undefined) add((n) => `owner = ${n}`, query.owner);
    if (query.dueBy !== undefined)
      add((n) => `status = 'suspended' AND wake_at IS NOT NULL AND wake_at <= ${n}`, query.dueBy);
    values.push(limit + 1);
    const { rows } = await this.#db.query(
      `SELECT * FROM ${this.#runs} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${values.length}`,
      values,
    );
    const page = (rows as RunRow[]).slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map(runFromRow),
      cursor: rows.length > limit && last !== undefined ? String(last.seq) : undefined,
    };
  }

  async finishRun(runId: string, update: RunUpdate, fence?: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE ${this.#runs} SET status = $2, output = $3, error = $4, waiting_for = $5,
         wait_started_at = $6, wake_at = $7, owner = NULL, lease_until = NULL, fence = fence + 1,
         updated_at = $8
       WHERE run_id = $1 AND ($9::bigint IS NULL OR fence = $9)`,
      [
        runId,
        update.status,
        update.output ?? null,
        update.error ?? null,
        update.waitingFor ?? null,
        update.waitStartedAt ?? null,
        update.wakeAt ?? null,
        update.updatedAt,
        fence ?? null,
      ],
    );
    return rowCount === 1;
  }

  async claimRun(runId: string, claim: RunClaim): Promise<number | undefined> {
    const { rows } = await this.#db.query(
      `UPDATE ${this.#runs} SET status = 'running', owner = $2, lease_until = $4, fence = fence + 1
       WHERE run_id = $1 AND status IN ('running', 'suspended')
         AND (owner IS NULL OR owner = $2 OR lease_until < $3)
       RETURNING fence`,
      [runId, claim.owner, claim.now, claim.now + claim.leaseMs],
    );
    const row = rows[0] as { fence: string } | undefined;
    return row === undefined ? undefined : Number(row.fence);
  }

  async renewLease(runId: string, owner: string, fence: number, until: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE ${this.#runs} SET lease_until = $4 WHERE run_id = $1 AND owner = $2 AND fence = $3`,
      [runId, owner, fence, until],
    );
    return rowCount === 1;
  }

  async appendStep(runId: string, step: StepRecord, fence?: number): Promise<boolean> {
    // One round trip: the fence check and the insert are one statement. `written` is 1 for a
    // new record, 0 for a duplicate (the first record stands); no row means it was fenced out.
    const { rows } = await this.#db.query(
      `WITH run AS (
         SELECT 1 FROM ${this.#runs} WHERE run_id = $1 AND ($8::bigint IS NULL OR fence = $8)
       ), ins AS (
         INSERT INTO ${this.#steps} (run_id, path, seq, status, value, started_at, ended_at, effects)
         SELECT $1, $2, $3, $4, $5, $6, $7, $9 FROM run
         ON CONFLICT (run_id, path, seq) DO NOTHING RETURNING 1
       )
       SELECT (SELECT count(*) FROM ins) AS written FROM run`,
      [
        runId,
        step.path,
        step.seq,
        step.status,
        step.value,
        step.startedAt,
        step.endedAt,
        fence ?? null,
        step.effects ?? null,
      ],
    );
    return rows.length === 1;
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    const { rows } = await this.#db.query(
      `SELECT path, seq, status, value, effects, started_at, ended_at FROM ${this.#steps} WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return (rows as StepRow[]).map((row) => stepFromRow(runId, row));
  }

  async appendSignal(runId: string, name: string, payload: string, at: number): Promise<number> {
    // The index is the number of earlier signals of this name; ids are in commit order per run
    // because a run's signals are numbered after the insert, under a per-run advisory lock.
    const { rows } = await this.#db.query(
      `WITH lock AS (SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))),
       ins AS (
         INSERT INTO ${this.#signals} (run_id, name, payload, at) SELECT $1, $2, $3, $4 FROM lock RETURNING id
       )
       SELECT (SELECT count(*) FROM ${this.#signals} WHERE run_id = $1 AND name = $2) AS before FROM ins`,
      [runId, name, payload, at],
    );
    return Number((rows[0] as { before: string }).before);
  }

  async getSignals(runId: string, name: string): Promise<string[]> {
    const { rows } = await this.#db.query(
      `SELECT payload FROM ${this.#signals} WHERE run_id = $1 AND name = $2 ORDER BY id`,
      [runId, name],
    );
    return (rows as { payload: string }[]).map((r) => r.payload);
  }

  async deleteRuns(workflow: string, endedBefore: number): Promise<number> {
    const { rows } = await this.#db.query(
      `WITH gone AS (
         DELETE FROM ${this.#runs}
         WHERE workflow = $1 AND status IN ('completed', 'failed', 'cancelled') AND updated_at < $2
         RETURNING run_id
       ), steps AS (
         DELETE FROM ${this.#steps} WHERE run_id IN (SELECT run_id FROM gone)
       ), signals AS (
         DELETE FROM ${this.#signals} WHERE run_id IN (SELECT run_id FROM gone)
       )
       SELECT count(*) AS n FROM gone`,
      [workflow, endedBefore],
    );
    return Number((rows[0] as { n: string }).n);
  }

  /** Ends the pool if this store opened it. */
  async close(): Promise<void> {
    await this.#end?.();
  }
}
