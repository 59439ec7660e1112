import { timestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import type { Db } from './connection.ts';
import type { FileOutcome, IssueInput } from '../importers/types.ts';

/** One file's row in import_files. */
export interface LedgerRow {
  fileId: number;
  displayPath: string;
  size: number;
  sha256: string;
  format: string | null;
  source: string | null;
  status: 'loaded' | 'skipped' | 'failed';
  reason: string | null;
  outcome: FileOutcome;
  ms: number;
}

const str = (a: DuckDBAppender, v: string | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendVarchar(v));

/**
 * Writes ledger and issue rows with appenders, inside the caller's transaction, so that a batch
 * of thousands of small files costs two appends, not thousands of INSERT statements.
 */
export async function writeLedger(db: Db, rows: LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const now = timestampTZValue(BigInt(Date.now()) * 1000n);
  const files = await db.conn.createAppender('import_files');
  try {
    for (const r of rows) {
      files.appendBigInt(BigInt(r.fileId));
      files.appendVarchar(r.displayPath);
      files.appendBigInt(BigInt(r.size));
      files.appendVarchar(r.sha256);
      str(files, r.format);
      str(files, r.source);
      files.appendVarchar(r.status);
      str(files, r.reason);
      files.appendBigInt(BigInt(r.outcome.rowsLoaded));
      files.appendBigInt(BigInt(r.outcome.rowsDuplicate));
      files.appendBigInt(BigInt(r.outcome.rowsRejected));
      files.appendBigInt(BigInt(r.outcome.issues.length));
      str(files, r.outcome.logGroup);
      str(files, r.outcome.logGroupMethod);
      files.appendTimestampTZ(now);
      files.appendDouble(r.ms);
      files.endRow();
    }
    files.flushSync();
  } finally {
    files.closeSync();
  }
  await writeIssues(
    db,
    rows.flatMap((r) => r.outcome.issues.map((issue) => ({ fileId: r.fileId, path: r.displayPath, issue }))),
  );
}

export async function writeIssues(db: Db, items: Array<{ fileId: number | null; path: string; issue: IssueInput }>): Promise<void> {
  if (items.length === 0) return;
  const now = timestampTZValue(BigInt(Date.now()) * 1000n);
  const a = await db.conn.createAppender('import_issues');
  try {
    for (const { fileId, path, issue } of items) {
      if (fileId === null) a.appendNull();
      else a.appendBigInt(BigInt(fileId));
      a.appendVarchar(path);
      str(a, issue.location);
      a.appendVarchar(issue.severity);
      a.appendVarchar(issue.code);
      a.appendVarchar(issue.message);
      a.appendTimestampTZ(now);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}
