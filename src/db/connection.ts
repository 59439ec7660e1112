import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseLockedError, UserError, errorMessage } from '../errors.ts';
import { isInterrupted, trackConnection } from '../util/interrupt.ts';

export interface DbOptions {
  /** Database file; ':memory:' for an in-memory database (tests). */
  path: string;
  readOnly?: boolean;
  /** The memory budget, e.g. '2GB' (DEFAULT_MEMORY_LIMIT when absent). */
  memoryLimit?: string;
  /** The share of the budget DuckDB's memory_limit gets (default 1; IMPORT_DUCKDB_SHARE for imports). */
  memoryShare?: number;
  threads?: number;
}

export const DEFAULT_DB = './forensics.duckdb';
/**
 * The memory budget when --memory-limit is not given. DuckDB's own default (80% of RAM) lets an
 * import of a few GB grow to several GB of RSS; with a budget of 1 GB everything still runs,
 * spilling to <db>.tmp/, and the process stays under 2 GB (README, performance).
 */
export const DEFAULT_MEMORY_LIMIT = '1GB';

/**
 * The share of the memory budget (--memory-limit) given to DuckDB's own memory_limit by `import`
 * (and `demo`, and the benchmark's raw-DuckDB loads, which must run with the import's settings).
 * DuckDB's limit covers its buffer manager only, and an import also holds per-file state in
 * JavaScript: measured here, importing 100,000 small CloudTrail files with DuckDB at 1 GB peaked at
 * 2.2-2.4 GB of RSS, and at 70% of the budget under 2 GB. Queries and analyzers hold little in
 * JavaScript and need DuckDB's memory (at 70%, new-connections ran out of memory on 50M flow
 * records), so the other commands give DuckDB the whole budget.
 */
export const IMPORT_DUCKDB_SHARE = 0.7;

const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** DuckDB's memory_limit for `share` of a memory budget such as '1GB' or '512MiB' (units as DuckDB reads them). */
export function duckdbMemoryLimit(budget: string, share = 1): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(budget);
  if (!m) {
    throw new UserError(`--memory-limit '${budget}' is not a size.`, { hint: "Write it like 1GB, 4GB or 512MB." });
  }
  const bytes = Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!;
  return `${Math.max(64, Math.floor(Math.round(bytes * share) / 1e6))}MB`;
}

/**
 * The storage format of a database this tool creates (an existing file keeps its own). DuckDB's
 * default writes the v0.10.2 format; the v1.3.0 format (DuckDB 1.3 and later can open it) compresses
 * strings differently (its dictionary and FSST methods in one), which made the CloudTrail insert
 * 12% faster and its database 24% smaller (bench/HISTORY.md, ninth session).
 */
export const STORAGE_VERSION = 'v1.3.0';

/**
 * Settings every instance gets. Extension auto-install/auto-load is off so that an http(s):// or
 * s3:// path fails at once instead of trying the network; the json and parquet extensions are
 * built in.
 */
function instanceConfig(opts: DbOptions): Record<string, string> {
  const cfg: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    preserve_insertion_order: 'false',
    storage_compatibility_version: STORAGE_VERSION,
  };
  if (opts.readOnly) cfg.access_mode = 'READ_ONLY';
  cfg.memory_limit = duckdbMemoryLimit(opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT, opts.memoryShare);
  if (opts.threads) cfg.threads = String(opts.threads);
  if (opts.path !== ':memory:') {
    cfg.temp_directory = `${path.resolve(opts.path)}.tmp`;
  }
  return cfg;
}

export class Db {
  private readonly untrack: () => void;
  private constructor(
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly options: DbOptions,
  ) {
    this.untrack = trackConnection(conn);
  }

  static async open(opts: DbOptions): Promise<Db> {
    if (opts.path !== ':memory:') {
      if (opts.readOnly && !fs.existsSync(opts.path)) {
        throw new UserError(`No database at ${opts.path}.`, {
          hint: 'Run `lambda-forensics import <paths>` first, or pass --db to point at an existing database.',
        });
      }
      const dir = path.dirname(path.resolve(opts.path));
      fs.mkdirSync(dir, { recursive: true });
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(opts.path, instanceConfig(opts));
    } catch (e) {
      const msg = errorMessage(e);
      if (/Could not set lock on file|Conflicting lock/i.test(msg)) {
        const holder = /Conflicting lock is held in (.*?)(?:\.\s|$|\n| See also)/.exec(msg)?.[1]?.trim();
        throw new DatabaseLockedError(opts.path, holder);
      }
      if (/not a valid DuckDB database|Unable to open database/i.test(msg)) {
        throw new UserError(`Cannot open ${opts.path} as a DuckDB database: ${firstLine(msg)}`, {
          exitCode: 3,
          hint: 'Pass --db with a new or existing lambda-forensics database file.',
        });
      }
      throw e;
    }
    const conn = await instance.connect();
    // Times are stored and shown in UTC whatever the machine's zone (icu is built in, but the
    // setting can only be changed once the instance exists).
    await conn.run("SET TimeZone = 'UTC'");
    return new Db(instance, conn, opts);
  }

  /** After Ctrl-C no statement starts (one that is running is interrupted: util/interrupt.ts). */
  private checkInterrupted(): void {
    if (isInterrupted()) throw new Error('Interrupted (Ctrl-C)');
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    this.checkInterrupted();
    await this.conn.run(sql, params as never);
  }

  /** Rows as plain JS objects (BIGINT becomes bigint, timestamps become DuckDB value objects). */
  async all<T = Record<string, unknown>>(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T[]> {
    this.checkInterrupted();
    const reader = await this.conn.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows converted to JSON-friendly values (bigints as numbers where safe, timestamps as ISO). */
  async json<T = Record<string, unknown>>(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T[]> {
    this.checkInterrupted();
    const reader = await this.conn.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJson() as T[];
  }

  async scalar<T = unknown>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T> {
    const rows = await this.all(sql, params);
    const first = rows[0];
    return (first ? Object.values(first)[0] : undefined) as T;
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (e) {
      try {
        await this.conn.run('ROLLBACK');
      } catch {
        /* the transaction may already be aborted */
      }
      throw e;
    }
  }

  close(): void {
    this.untrack();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export async function withDb<T>(opts: DbOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await Db.open(opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export function firstLine(msg: string): string {
  return msg.split('\n')[0]!.trim();
}
