// Runs, journals and signals in one SQLite file through better-sqlite3 (an optional peer: loaded when a
// store is opened). WAL journaling with synchronous=NORMAL: a commit survives the process being
// killed (not a power cut, which would need synchronous=FULL). One statement per step record.
// Write transactions are IMMEDIATE: they take the write lock first (waiting up to busy_timeout),
// so a read-then-write never fails with SQLITE_BUSY when another process wrote in between.
// One file for the whole store: the schema, its statements and the row checks belong together.
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
 * The part of a better-sqlite3 `Database` the store uses (so its types need no `@types` package).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const database: SqliteDatabase = new Database('./runs.db');
 * ```
 */
export interface SqliteDatabase {
  readonly open: boolean;
  exec(sql: string): unknown;
  pragma(sql: string): unknown;
  transaction<T>(fn: () => T): { (): T; immediate(): T };
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

/**
 * A prepared statement of {@link SqliteDatabase}.
 *
 * @example
 * ```ts
 * const row = database.prepare('SELECT 1 AS one').get();
 * ```
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * Options of {@link SqliteDurableStore.open}.
 *
 * @example
 * ```ts
 * const store = await SqliteDurableStore.open({ path: './data/runs.db' });
 * ```
 */
export interface SqliteDurableStoreOptions {
  /** The database file (created if missing). `':memory:'` for a throwaway one. Required unless `database`. */
  path?: string | undefined;
  /** A better-sqlite3 `Database` you opened (the store never closes it). Default: none. */
  database?: SqliteDatabase | undefined;
  /** Prefix of the tables' names. Default: `'tta_durable_'`. */
  tablePrefix?: string | undefined;
}

/**
 * Durable runs in SQLite: the embedded store for one machine (processes on it may share the file).
 *
 * @example
 * ```ts
 * const store = await SqliteDurableStore.open({ path: './runs.db' });
 * const flow = durable(workflow, { name: 'expense', store });
 * // on shutdown: store.close()
 * ```
 */
export class SqliteDurableStore implements DurableStore {
  readonly #db: SqliteDatabase;
  readonly #owned: boolean;
  readonly #runs: string;
  readonly #steps: string;
  readonly #signals: string;
  readonly #statements: ReturnType<SqliteDurableStore['prepare']>;

  private constructor(db: SqliteDatabase, owned: boolean, prefix: string) {
    this.#db = db;
    this.#owned = owned;
    this.#runs = `${prefix}runs`;
    this.#steps = `${prefix}steps`;
    this.#signals = `${prefix}signals`;
    this.#migrate();
    this.#statements = this.prepare();
  }

  /** Opens (and creates the tables of) a store. Loads `better-sqlite3`, which must be installed. */
  static async open(options: SqliteDurableStoreOptions): Promise<SqliteDurableStore> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('SqliteDurableStore: options are required');
    const prefix = options.tablePrefix ?? 'tta_durable_';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(prefix))
      throw new TypeError('SqliteDurableStore: tablePrefix must be letters, digits and _');
    if (options.database !== undefined)
      return new SqliteDurableStore(options.database, false, prefix);
    if (typeof options.path !== 'string' || options.path.length === 0)
      throw new TypeError('SqliteDurableStore: pass { path } or { database }');
    const Database = await loadPeer<new (path: string) => SqliteDatabase>(
      'SqliteDurableStore',
      'better-sqlite3@12',
      () => import('better-sqlite3'),
    );
    const db = new Database(options.path);
    // First: another process holding the lock (even while switching the file to WAL) makes us
    // wait (up to 5 s) rather than fail.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return new SqliteDurableStore(db, true, prefix);
  }

  #migrate(): void {
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS ${this.#runs} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
        wait_started_at INTEGER,
        wake_at INTEGER,
        owner TEXT,
        lease_until INTEGER,
        fence INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${this.#runs}_by_status ON ${this.#runs} (workflow, status, seq);
      CREATE INDEX IF NOT EXISTS ${this.#runs}_by_wake ON ${this.#runs} (status, wake_at);
      CREATE TABLE IF NOT EXISTS ${this.#signals} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${this.#signals}_by_run ON ${this.#signals} (run_id, name, id);
      CREATE INDEX IF NOT EXISTS ${this.#runs}_by_end ON ${this.#runs} (workflow, status, updated_at);
      CREATE TABLE IF NOT EXISTS ${this.#steps} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        path TEXT NOT NULL,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        value TEXT NOT NULL,
        effects TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        UNIQUE (run_id, path, seq)
      );
    `);
  }

  private prepare() {
    const db = this.#db;
    return {
      insertRun: db.prepare(
        `INSERT INTO ${this.#runs} (run_id, workflow, version, fingerprint, status, input, context, output, error, owner, lease_until, fence, created_at, updated_at)
         VALUES (@runId, @workflow, @version, @fingerprint, @status, @input, @context, @output, @error, @owner, @leaseUntil, @fence, @createdAt, @updatedAt)
         ON CONFLICT (run_id) DO NOTHING`,
      ),
      getRun: db.prepare(`SELECT * FROM ${this.#runs} WHERE run_id = ?`),
      finishRun: db.prepare(
        `UPDATE ${this.#runs} SET status = @status, output = @output, error = @error,
           waiting_for = @waitingFor, wait_started_at = @waitStartedAt, wake_at = @wakeAt,
           owner = NULL, lease_until = NULL, fence = fence + 1, updated_at = @updatedAt
         WHERE run_id = @runId AND (@fence IS NULL OR fence = @fence)`,
      ),
      claimRun: db.prepare(
        `UPDATE ${this.#runs} SET status = 'running', owner = @owner, lease_until = @until, fence = fence + 1
         WHERE run_id = @runId AND status IN ('running', 'suspended')
           AND (owner IS NULL OR owner = @owner OR lease_until < @now)
         RETURNING fence`,
      ),
      renewLease: db.prepare(
        `UPDATE ${this.#runs} SET lease_until = ? WHERE run_id = ? AND owner = ? AND fence = ?`,
      ),
      fenceOf: db.prepare(`SELECT fence FROM ${this.#runs} WHERE run_id = ?`),
      insertSignal: db.prepare(
        `INSERT INTO ${this.#signals} (run_id, name, payload, at) VALUES (?, ?, ?, ?)`,
      ),
      countSignals: db.prepare(
        `SELECT COUNT(*) AS n FROM ${this.#signals} WHERE run_id = ? AND name = ?`,
      ),
      getSignals: db.prepare(
        `SELECT payload FROM ${this.#signals} WHERE run_id = ? AND name = ? ORDER BY id`,
      ),
      insertStep: db.prepare(
        `INSERT INTO ${this.#steps} (run_id, path, seq, status, value, effects, started_at, ended_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, path, seq) DO NOTHING`,
      ),
      getSteps: db.prepare(
        `SELECT path, seq, status, value, effects, started_at, ended_at FROM ${this.#steps} WHERE run_id = ? ORDER BY id`,
      ),
    };
  }

  async createRun(run: RunRecord): Promise<{ created: boolean; run: RunRecord }> {
    const info = this.#statements.insertRun.run({
      runId: run.runId,
      workflow: run.workflow,
      version: run.version,
      fingerprint: run.fingerprint,
      status: run.status,
      input: run.input,
      context: run.context,
      output: run.output ?? null,
      error: run.error ?? null,
      owner: run.owner ?? null,
      leaseUntil: run.leaseUntil ?? null,
      fence: run.fence ?? 0,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    });
    if (info.changes === 1) return { created: true, run: { ...run, fence: run.fence ?? 0 } };
    return { created: false, run: (await this.getRun(run.runId)) as RunRecord };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#statements.getRun.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  async listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; cursor: string | undefined }> {
    const limit = query.limit ?? 100;
    const where = ['seq > ?'];
    const params: (string | number)[] = [query.cursor === undefined ? 0 : Number(query.cursor)];
    if (query.workflow !== undefined) {
      where.push('workflow = ?');
      params.push(query.workflow);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.staleBy !== undefined) {
      where.push("status = 'running' AND (owner IS NULL OR lease_until < ?)");
      params.push(query.staleBy);
    }
    if (query.owner !== undefined) {
      where.push('owner = ?');
      params.push(query.owner);
    }
    if (query.dueBy !== undefined) {
      where.push("status = 'suspended' AND wake_at IS NOT NULL AND wake_at <= ?");
      params.push(query.dueBy);
    }
    const rows = this.#db
      .prepare(`SELECT * FROM ${this.#runs} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params, limit + 1) as RunRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map(runFromRow),
      cursor: rows.length > limit && last !== undefined ? String(last.seq) : undefined,
    };
  }

  async finishRun(runId: string, update: RunUpdate, fence?: number): Promise<boolean> {
    const info = this.#statements.finishRun.run({
      fence: fence ?? null,
      runId,
      status: update.status,
      output: update.output ?? null,
      error: update.error ?? null,
      waitingFor: update.waitingFor ?? null,
      waitStartedAt: update.waitStartedAt ?? null,
      wakeAt: update.wakeAt ?? null,
      updatedAt: update.updatedAt,
    });
    return info.changes === 1;
  }

  async claimRun(runId: string, claim: RunClaim): Promise<number | undefined> {
    const row = this.#statements.claimRun.get({
      runId,
      owner: claim.owner,
      now: claim.now,
      until: claim.now + claim.leaseMs,
    }) as { fence: number } | undefined;
    return row?.fence;
  }

  async renewLease(runId: string, owner: string, fence: number, until: number): Promise<boolean> {
    return this.#statements.renewLease.run(until, runId, owner, fence).changes === 1;
  }

  async appendSignal(runId: string, name: string, payload: string, at: number): Promise<number> {
    // One transaction: the index is the count before this signal, even with other writers.
    const add = this.#db.transaction(() => {
      const { n } = this.#statements.countSignals.get(runId, name) as { n: number };
      this.#statements.insertSignal.run(runId, name, payload, at);
      return n;
    });
    return add.immediate();
  }

  async deleteRuns(workflow: string, endedBefore: number): Promise<number> {
    const runs = this.#runs;
    const ended = `workflow = ? AND status IN ('completed', 'failed', 'cancelled') AND updated_at < ?`;
    return this.#db
      .transaction(() => {
        for (const table of [this.#steps, this.#signals])
          this.#db
            .prepare(
              `DELETE FROM ${table} WHERE run_id IN (SELECT run_id FROM ${runs} WHERE ${ended})`,
            )
            .run(workflow, endedBefore);
        return this.#db.prepare(`DELETE FROM ${runs} WHERE ${ended}`).run(workflow, endedBefore)
          .changes;
      })
      .immediate();
  }

  async getSignals(runId: string, name: string): Promise<string[]> {
    return (this.#statements.getSignals.all(runId, name) as { payload: string }[]).map(
      (r) => r.payload,
    );
  }

  async appendStep(runId: string, step: StepRecord, fence?: number): Promise<boolean> {
    // Check and write in one transaction: no claim can slip between them.
    return this.#db
      .transaction(() => {
        if (fence !== undefined) {
          const row = this.#statements.fenceOf.get(runId) as { fence: number } | undefined;
          if (row?.fence !== fence) return false;
        }
        this.#statements.insertStep.run(
          runId,
          step.path,
          step.seq,
          step.status,
          step.value,
          step.effects ?? null,
          step.startedAt,
          step.endedAt,
        );
        return true;
      })
      .immediate();
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    return (this.#statements.getSteps.all(runId) as StepRow[]).map((row) =>
      stepFromRow(runId, row),
    );
  }

  /** Closes the database if this store opened it. */
  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}
