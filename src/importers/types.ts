import type { Db } from '../db/connection.ts';

/** A file that passed detection and is about to be loaded. */
export interface FileEntry {
  fileId: number;
  path: string; // absolute
  displayPath: string; // as given on the command line
  size: number;
  contentBytes: number;
  sha256: string;
  gzip: boolean;
  /** Whether a gzip stream was decompressed whole before loading (see sniff.ts). */
  verified: boolean;
  mtimeMs: number;
  format: string;
  /** FileFacts.oneLineHead: the file may be one JSON value per line (a hint; see sniff.ts). */
  oneLine?: boolean;
  /** A decompressed copy of this gzip file to read instead of `path` (spool.ts); it exists while the batch loads. */
  readPath?: string;
}

export interface IssueInput {
  /** "line 12", "record 4"; undefined when the whole file is concerned */
  location?: string;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

/** What loading did with one file. */
export interface FileOutcome {
  rowsLoaded: number;
  rowsDuplicate: number;
  rowsRejected: number;
  issues: IssueInput[];
  /** Set to mark a file that held nothing to load (for example Insights-only CloudTrail). */
  skippedReason?: string;
  /**
   * Set to mark a file that could not be loaded at all (nothing from it stays in the database);
   * its one issue says why. The rest of the batch loads.
   */
  failedReason?: string;
  logGroup?: string;
  logGroupMethod?: string;
  /** Free-text note for the ledger's reason column (e.g. how snapshot_time was chosen). */
  note?: string;
}

export function emptyOutcome(): FileOutcome {
  return { rowsLoaded: 0, rowsDuplicate: 0, rowsRejected: 0, issues: [] };
}

export interface ImportOptions {
  /** --log-group: the log group of CloudWatch Logs exports that do not carry one. */
  logGroup?: string;
  /** --snapshot-time for ENI snapshots (ISO). */
  snapshotTime?: string;
}

export interface LoadContext {
  db: Db;
  options: ImportOptions;
  /** The batch's files are also in temp table `batch_files(file_id BIGINT, path VARCHAR, display_path VARCHAR)`. */
  files: FileEntry[];
  /** Set when the runner retries a file alone after `load` failed, for importers with `lenientRetry`. */
  lenient?: boolean;
  /** What the importer's `stage` returned for this batch: the outcomes of its files so far. */
  staged?: Map<number, FileOutcome>;
}

/**
 * One importer per format family. `load` runs inside a transaction opened by the caller; it
 * either returns an outcome for every file of the batch or throws, in which case the caller
 * rolls back and retries the batch in halves until the bad file stands alone.
 */
export interface Importer {
  /** Format ids (from detect.ts) this importer loads. */
  formats: string[];
  /** Table family written to, e.g. 'cloudtrail'. */
  source: string;
  /** Short text for --help and the README. */
  description: string;
  /** Files per DuckDB scan; 1 for importers that parse in JS. */
  maxBatchFiles: number;
  /** Uncompressed bytes per DuckDB scan (default 512 MiB). */
  maxBatchBytes?: number;
  load(ctx: LoadContext): Promise<Map<number, FileOutcome>>;
  /**
   * Work on temporary tables only, run before the batch's transaction opens (with batch_files
   * made): DuckDB scans a table filled inside the open transaction with one thread, and a table
   * committed before it with all of them. `load`, in the transaction, then finds what `stage` made,
   * and gets the outcomes it returned (issues found while reading, files failed) as `ctx.staged`;
   * undefined leaves the staging to `load`. A failure here fails the batch as one in `load` does.
   */
  stage?(ctx: LoadContext): Promise<Map<number, FileOutcome> | undefined>;
  /**
   * Two-transaction importers: `load` only inserts, and is committed with the batch's files
   * recorded in import_pending for `pendingTable`; `settle` then runs in a second transaction,
   * gets what `load` returned (issues found while reading), deletes what is not kept and returns
   * the final outcomes, which are written to the ledger in that transaction. Deleting rows inserted in the same transaction makes DuckDB's
   * commit rewrite them (6 s per million CloudTrail records), deleting committed rows does not.
   */
  settle?(ctx: LoadContext, loaded: Map<number, FileOutcome>): Promise<Map<number, FileOutcome>>;
  /** The table `load` writes when `settle` is defined (one of db/recover.ts PENDING_TABLES). */
  pendingTable?: string;
  /**
   * `load` reads with a fast reader that refuses a whole file for one bad record. A file that fails
   * alone is then retried once with `ctx.lenient`, where `load` reads it record by record and reports
   * the bad records as issues; it is recorded as failed only if that fails too.
   */
  lenientRetry?: boolean;
  /**
   * Formats read line by line whose gzip files are decompressed to a plain copy just before their
   * batch loads (spool.ts): the decompression proves the stream whole, in place of the check run.ts
   * makes before loading, and `load` reads `readPath` (batch_files.read_path) without decompressing.
   */
  spoolGzipFormats?: readonly string[];
  /**
   * Formats whose `load` decompresses each gzip file in JS as it reads it, and on a damaged stream
   * drops what it staged of that file and marks it failed (FileOutcome.failedReason): run.ts then
   * does not decompress such files whole beforehand to check them (they would be read twice).
   */
  checksGzipFormats?: readonly string[];
  /** Runs once at the end of an import that loaded any file of this importer (e.g. to rebuild derived tables). */
  finalize?(db: Db): Promise<void>;
}
