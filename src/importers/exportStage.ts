import type { DuckDBAppender } from '@duckdb/node-api';
import type { Db } from '../db/connection.ts';
import { fillMarker, sqlSections } from '../db/sql.ts';
import { errorMessage } from '../errors.ts';
import { notLoaded } from './common.ts';
import { isZlibError, readExportLines, readSimpleExport } from './exportLines.ts';
import type { FileEntry, FileOutcome } from './types.ts';

const TEXT = 'staging/export_text.sql';

/**
 * S3 export files up to `maxFileBytes` (content) are read whole when every line starts an event
 * (readSimpleExport; while it is read, a file holds about 3× its size in JavaScript: the inflated
 * bytes and the text; larger files are streamed). Their texts are moved to the importer's staging
 * table, and dropped, each time `flushBytes` of them have been collected. Measured on the
 * benchmark's Lambda logs (5M lines): moving every 64 MB took 24.5–25.3 s with peak RSS
 * 1.31–1.57 GB, every 16 MB 25.6–26.6 s at 1.25–1.30 GB, every file 28 s at 1.13–1.16 GB. Tests
 * lower both to drive each path.
 */
export const exportStaging = { maxFileBytes: 16 * 1024 * 1024, flushBytes: 16 * 1024 * 1024 };

/** Where an importer stages the lines of CloudWatch Logs S3 export files. */
export interface ExportLineSink {
  /** The temporary table lines are appended to, line by line. */
  table: string;
  /** Appends one event: the 1-based line where it starts, its timestamp and its message. */
  appendLine(a: DuckDBAppender, fileId: number, lineNo: number, ts: string, message: string): void;
  /**
   * Inserts into `table` the lines of whole files: a statement with a `{{lines}}` marker, which
   * becomes a query of (file_id, line_no, ts, message) (export_text.sql, `lines`).
   */
  insertLines: string;
}

/**
 * The sink of a table whose rows are (file_id, line_no, message), then `trailingNulls` columns left
 * NULL: how CloudTrail and flow logs stage an export's lines (each line's message; the record has
 * its own time).
 */
export function messageSink(table: string, insertLines: string, trailingNulls = 0): ExportLineSink {
  return {
    table,
    appendLine(a, fileId, lineNo, _ts, message) {
      a.appendBigInt(BigInt(fileId));
      a.appendBigInt(BigInt(lineNo));
      a.appendVarchar(message);
      for (let i = 0; i < trailingNulls; i++) a.appendNull();
      a.endRow();
    },
    insertLines,
  };
}

/**
 * Stages the lines of CloudWatch Logs S3 export files (`<ISO timestamp> <message>` per line) into
 * the sink's table. A line with no timestamp that follows no event is skipped: a rejected row of
 * its file's outcome, with its issue. A file whose every line starts an event, as CloudWatch Logs writes them, goes
 * to DuckDB whole and SQL splits it: reading takes about 0.3 µs a line instead of 1.8 µs, 1.3 of
 * which were the appender's calls per row. Any other file is streamed line by line
 * (readExportLines), which joins continuation lines and reports the lines it cannot use, into
 * the file's outcome. A file whose gzip stream breaks while it is read is failed alone
 * (failDamaged), with nothing of it staged, and the rest load: the runner does not check these files
 * whole beforehand (Importer.checksGzipFormats), which would inflate each twice.
 */
export async function stageExportFiles(
  db: Db,
  files: FileEntry[],
  outcomes: Map<number, FileOutcome>,
  sink: ExportLineSink,
): Promise<void> {
  const sql = sqlSections(TEXT);
  const moveTexts = fillMarker(sink.insertLines, 'lines', sql.get('lines')!);
  let texts: DuckDBAppender | undefined;
  let collected = 0;
  // The texts collected so far move to the stage while the next files are read and inflated
  // (JavaScript on this thread, DuckDB on its own), and their texts wait here, up to flushBytes,
  // until the move is done: only then is the connection used again (settled).
  let moving: Promise<void> | undefined;
  let moved = true;
  let waiting: Array<[fileId: number, text: string]> = [];
  let waitingBytes = 0;
  const settled = async () => {
    const m = moving;
    moving = undefined;
    await m;
  };
  const appendWaiting = async () => {
    await settled();
    for (const [fileId, text] of waiting) {
      if (!texts) {
        await db.run(sql.get('text-table')!);
        texts = await db.conn.createAppender('export_text', 'main', 'temp');
      }
      texts.appendBigInt(BigInt(fileId));
      texts.appendVarchar(text);
      texts.endRow();
      collected += text.length;
    }
    waiting = [];
    waitingBytes = 0;
  };
  const startMove = () => {
    texts!.flushSync();
    texts!.closeSync();
    texts = undefined;
    collected = 0;
    moved = false;
    moving = db.run(moveTexts).then(() => db.run(sql.get('text-table')!)).finally(() => (moved = true));
    moving.catch(() => undefined); // awaited by settled(); a failure before that is not unhandled
  };
  try {
    for (const f of files) {
      const path = f.readPath ?? f.path;
      let text: string | undefined;
      try {
        text = f.contentBytes <= exportStaging.maxFileBytes ? await readSimpleExport(path, exportStaging.maxFileBytes) : undefined;
      } catch (e) {
        if (!isZlibError(e)) throw e;
        failDamaged(outcomes.get(f.fileId)!, e);
        continue;
      }
      if (text !== undefined) {
        waiting.push([f.fileId, text]);
        waitingBytes += text.length;
        if (!moved && waitingBytes < exportStaging.flushBytes) continue;
        await appendWaiting();
        if (collected >= exportStaging.flushBytes) startMove();
        continue;
      }
      await settled();
      try {
        await streamExportFile(db, f, path, outcomes.get(f.fileId)!, sink);
      } catch (e) {
        if (!isZlibError(e)) throw e;
        // the lines read before the break are staged (the appender flushes as it closes); the
        // table is one of the importers' own names, never input
        await db.run(`DELETE FROM ${sink.table} WHERE file_id = $id`, { id: f.fileId });
        failDamaged(outcomes.get(f.fileId)!, e);
      }
    }
    await appendWaiting();
    if (texts) startMove();
    await settled();
  } finally {
    texts?.closeSync();
    await moving?.catch(() => undefined);
    await db.run('DROP TABLE IF EXISTS export_text');
  }
}

/** Streams one export file into the sink's table line by line; a line it skips is a rejected row. */
async function streamExportFile(db: Db, f: FileEntry, path: string, outcome: FileOutcome, sink: ExportLineSink): Promise<void> {
  const appender = await db.conn.createAppender(sink.table, 'main', 'temp');
  let skipped = 0;
  try {
    await readExportLines(
      path,
      (lineNo, ts, message) => sink.appendLine(appender, f.fileId, lineNo, ts, message),
      (issue) => {
        if (issue.code === 'no-timestamp') skipped++;
        outcome.issues.push(issue);
      },
    );
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  // counted once the whole file is read: a file whose gzip stream breaks loads nothing (failDamaged)
  outcome.rowsRejected += skipped;
}

/**
 * A gzip file whose stream breaks while it is read: nothing of it is loaded, and its one issue is
 * the break (the issues its lines gave before it are dropped with them).
 */
export function failDamaged(o: FileOutcome, e: unknown): void {
  const why = `gzip stream is damaged: ${errorMessage(e)}`;
  o.issues = [{ severity: 'error', code: 'corrupt-gzip', message: notLoaded(why) }];
  o.failedReason = why; // the ledger's reason, as for a file found damaged before loading
}
