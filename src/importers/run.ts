import fs from 'node:fs';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { Db } from '../db/connection.ts';
import { writeLedger, type LedgerRow } from '../db/ledger.ts';
import { recoverInterruptedImport } from '../db/recover.ts';
import { UserError, errorMessage } from '../errors.ts';
import { isInterrupted } from '../util/interrupt.ts';
import { Progress } from '../util/progress.ts';
import { traced, tracer } from '../util/trace.ts';
import { cleanReaderError, notLoaded, readerErrorLocation } from './common.ts';
import { SELF_DELIMITING_FORMATS, detect, type Detection } from './detect.ts';
import { locateJsonProblem } from './locate.ts';
import { allFormats, importerFor } from './registry.ts';
import { collectGarbage } from '../util/gc.ts';
import { readAndDetect } from './readPool/pool.ts';
import { Spooler, closeSpool, openSpool } from './spool.ts';
import { checkGzip, verifyGzip, type FileFacts } from './sniff.ts';
import type { FileEntry, FileOutcome, ImportOptions, Importer, IssueInput, LoadContext } from './types.ts';


export interface RunImportOptions extends ImportOptions {
  /** Force this format id for every file (skips detection). */
  source?: string;
  /** Try again files whose earlier import was skipped or failed. */
  retry?: boolean;
  /** Show progress on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Largest batch of uncompressed bytes read by one DuckDB scan. */
  batchBytes?: number;
  /** Called after each batch commits, with its importer's source and its number of files. */
  onBatch?: (source: string, files: number) => void;
}

export interface FileReport {
  path: string;
  status: 'loaded' | 'skipped' | 'failed' | 'already-imported';
  format?: string;
  reason?: string;
  rows: number;
  duplicates: number;
  issues: number;
}

export interface ImportSummary {
  files: FileReport[];
  rowsBySource: Record<string, number>;
  duplicates: number;
  issues: number;
  seconds: number;
}

const READ_CONCURRENCY = 8;
const DEFAULT_BATCH_BYTES = 512 * 1024 * 1024;
/** Tuning and test knobs (undocumented): files per batch cap, and a line on stderr per committed batch. */
const BATCH_FILES_CAP = Number(process.env.LAMBDA_FORENSICS_BATCH_FILES) || Infinity;
const TRACE_BATCHES = process.env.LAMBDA_FORENSICS_TRACE_BATCHES === '1';
/** Formats read as one JSON value per line. */
const JSON_LINES_FORMATS = new Set(['cloudtrail-jsonl', 'cloudtrail-lookup-jsonl']);

/** Lists the files under the given paths (directories walked recursively, sorted). */
export function collectFiles(paths: string[], exclude: Set<string>): Array<{ abs: string; display: string }> {
  const out: Array<{ abs: string; display: string }> = [];
  const seen = new Set<string>();
  const visit = (p: string, display: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UserError(`No such file or directory: ${display}`, { hint: 'Check the path you passed to import.' });
    }
    if (st.isDirectory()) {
      const real = fs.realpathSync(p);
      if (seen.has(real)) return;
      seen.add(real);
      // a plain file's entry says what it is; only links and other entries are stat'ed
      // (20,000 files: 0.22 -> 0.13 s)
      const entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // path.join(dir, name) for an entry's name is the joined, normalized dir with the name
      // appended: normalize each dir once, not each file (20,000 files: 0.15 -> 0.03 s)
      const under = (dir: string) => path.join(dir, 'x').slice(0, -1);
      const [pDir, displayDir, absDir] = [under(p), under(display), under(path.resolve(p))];
      for (const e of entries) {
        if (e.isFile()) addFile(absDir + e.name, displayDir + e.name);
        else visit(pDir + e.name, displayDir + e.name);
      }
    } else if (st.isFile()) addFile(path.resolve(p), display);
  };
  const addFile = (abs: string, display: string) => {
    if (exclude.has(abs) || seen.has(abs)) return;
    seen.add(abs);
    out.push({ abs, display });
  };
  for (const p of paths) visit(p, p);
  return out;
}

/** The batch's files as temp table batch_files, which the importers' SQL joins to. */
async function createBatchFiles(db: Db, files: FileEntry[]): Promise<void> {
  await db.run('CREATE OR REPLACE TEMP TABLE batch_files (file_id BIGINT, path VARCHAR, display_path VARCHAR, format VARCHAR, read_path VARCHAR)');
  const app = await db.conn.createAppender('batch_files', 'main', 'temp');
  try {
    for (const f of files) {
      app.appendBigInt(BigInt(f.fileId));
      app.appendVarchar(f.path);
      app.appendVarchar(f.displayPath);
      app.appendVarchar(f.format);
      app.appendVarchar(f.readPath ?? f.path);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A loaded batch's verdict on one of its files. */
function outcomeStatus(o: FileOutcome | undefined): 'failed' | 'skipped' | 'loaded' {
  return o?.failedReason ? 'failed' : o?.skippedReason ? 'skipped' : 'loaded';
}

const GC_EVERY_FILES = 10_000;

export async function runImport(db: Db, inputs: string[], opts: RunImportOptions = {}): Promise<ImportSummary> {
  const t0 = Date.now();
  const trace = tracer();
  if (opts.source && !allFormats().includes(opts.source)) {
    throw new UserError(`Unknown --source '${opts.source}'.`, { hint: `Known formats: ${allFormats().join(', ')}` });
  }
  const dbPath = db.options.path === ':memory:' ? undefined : path.resolve(db.options.path);
  const exclude = new Set(dbPath ? [dbPath, `${dbPath}.wal`] : []);
  const listed = collectFiles(inputs, exclude).filter((f) => !(dbPath && f.abs.startsWith(`${dbPath}.tmp${path.sep}`)));

  const reports: FileReport[] = [];
  const readProgress = new Progress('reading and detecting', listed.length, 0, opts.progress);
  // Detection runs as each file is read, so that the head (and the compressed bytes kept to widen
  // it) can be dropped at once: for tens of thousands of small files they would hold hundreds of MB.
  // Large sets are read by worker threads (readPool/pool.ts).
  const detections: Detection[] = new Array(listed.length);
  const facts: FileFacts[] = new Array(listed.length);
  let read = 0;
  await readAndDetect(listed.map((f) => f.abs), (i, r, detected) => {
    facts[i] = r;
    detections[i] = opts.source && !r.readError ? { kind: 'load', format: opts.source, why: 'forced with --source' } : detected;
    readProgress.advance(1, 0);
    // dead read buffers pile up faster than V8 collects them; collect now and then (see gc.ts)
    if (++read % GC_EVERY_FILES === 0) collectGarbage();
  }, { concurrency: READ_CONCURRENCY });
  readProgress.done();
  collectGarbage();
  trace(`read ${listed.length} files (sha256, format)`);

  // Ledger: a file already seen (same sha256) is not imported again.
  const shas = [...new Set(facts.map((f) => f.sha256))];
  const known = new Map<string, { status: string; file_id: bigint }>();
  if (shas.length) {
    // the digests as one JSON text: binding 20,000 strings as a LIST took twice as long
    for (const r of await db.all<{ sha256: string; status: string; file_id: bigint }>(
      `SELECT sha256, status, file_id FROM import_files WHERE sha256 IN (SELECT unnest(json_transform($shas, '["VARCHAR"]')))`,
      { shas: JSON.stringify(shas) },
    ))
      known.set(r.sha256, r);
  }

  const retryable = (status: string) => status !== 'loaded' && (opts.retry || opts.source !== undefined);
  const pendingRetry: bigint[] = [];
  const todo: Array<{ facts: FileFacts; display: string; det: Detection }> = [];
  const seenSha = new Map<string, string>();
  for (let i = 0; i < listed.length; i++) {
    const f = facts[i]!;
    const display = listed[i]!.display;
    const prior = known.get(f.sha256);
    if (prior && !retryable(prior.status)) {
      reports.push({ path: display, status: 'already-imported', reason: `same content already in the ledger (${prior.status})`, rows: 0, duplicates: 0, issues: 0 });
      continue;
    }
    if (prior) pendingRetry.push(prior.file_id);
    const dupOf = seenSha.get(f.sha256);
    if (dupOf !== undefined) {
      reports.push({ path: display, status: 'already-imported', reason: `same content as ${dupOf}`, rows: 0, duplicates: 0, issues: 0 });
      continue;
    }
    seenSha.set(f.sha256, display);
    let det = detections[i]!;
    if (det.kind === 'load' && !importerFor(det.format)) {
      det = {
        kind: 'skip',
        why: `recognised as ${det.format} (${det.why}), but this version has no importer for it`,
        issue: { code: 'no-importer', message: `format ${det.format} is recognised but not loaded by this version` },
      };
    }
    todo.push({ facts: f, display, det });
  }

  // A gzip file was only decompressed as far as detection needed. Formats read line by line
  // would silently lose the lines after a break, so their files are checked whole first; a JSON
  // document cut short cannot parse, so those are checked only if loading fails (loadBatch).
  // Formats whose importer decompresses gzip files to a copy before loading them (spool.ts) are
  // checked then, by that decompression, and those whose importer reads them in JS check them as
  // they are read (checksGzipFormats).
  const toVerify = todo.filter(
    (t) =>
      t.det.kind === 'load' && t.facts.gzip && !t.facts.verified && !SELF_DELIMITING_FORMATS.has(t.det.format) &&
      !importerFor(t.det.format)?.spoolGzipFormats?.includes(t.det.format) &&
      !importerFor(t.det.format)?.checksGzipFormats?.includes(t.det.format),
  );
  if (toVerify.length) {
    const verifyProgress = new Progress('checking gzip', toVerify.length, 0, opts.progress);
    await mapLimit(toVerify, READ_CONCURRENCY, async (t) => {
      t.facts = await verifyGzip(t.facts);
      if (t.facts.readError) t.det = detect(t.facts);
      verifyProgress.advance(1, 0);
    });
    verifyProgress.done();
  }

  trace('checked gzip streams');
  if (pendingRetry.length) {
    await db.transaction(async () => {
      await db.run('DELETE FROM import_issues WHERE file_id IN (SELECT unnest($ids))', { ids: listValue(pendingRetry) });
      await db.run('DELETE FROM import_files WHERE file_id IN (SELECT unnest($ids))', { ids: listValue(pendingRetry) });
    });
  }

  // Allocate ledger ids up front, so staged rows can carry them.
  const ids = todo.length
    ? (await db.all<{ id: bigint }>(`SELECT nextval('import_files_seq') AS id FROM range($n)`, { n: todo.length })).map((r) => Number(r.id))
    : [];

  trace('ledger ids allocated');
  // Skipped files: one ledger row each.
  const skipped = todo.flatMap((t, i) => (t.det.kind === 'skip' ? [{ t, fileId: ids[i]! }] : []));
  if (skipped.length) {
    const rows: LedgerRow[] = [];
    for (const { t, fileId } of skipped) {
        const det = t.det as Extract<Detection, { kind: 'skip' }>;
        const outcome: FileOutcome = { rowsLoaded: 0, rowsDuplicate: 0, rowsRejected: 0, issues: [] };
        if (det.issue) outcome.issues.push({ severity: det.issue.code === 'corrupt-gzip' || det.issue.code === 'unreadable' ? 'error' : 'warning', ...det.issue });
        rows.push({
          fileId,
          displayPath: t.display,
          size: t.facts.size,
          sha256: t.facts.sha256,
          format: null,
          source: null,
          status: det.issue?.code === 'corrupt-gzip' || det.issue?.code === 'unreadable' ? 'failed' : 'skipped',
          reason: det.why,
          outcome,
          ms: 0,
        });
        reports.push({
          path: t.display,
          status: det.issue?.code === 'corrupt-gzip' || det.issue?.code === 'unreadable' ? 'failed' : 'skipped',
          reason: det.why,
          rows: 0,
          duplicates: 0,
          issues: outcome.issues.length,
        });
    }
    await db.transaction(() => writeLedger(db, rows));
  }

  trace('skipped files recorded');
  // Loadable files, grouped by importer.
  const entries: Array<FileEntry & { importer: Importer }> = [];
  todo.forEach((t, i) => {
    if (t.det.kind !== 'load') return;
    entries.push({
      fileId: ids[i]!,
      path: t.facts.path,
      displayPath: t.display,
      size: t.facts.size,
      contentBytes: t.facts.contentBytes ?? t.facts.size,
      sha256: t.facts.sha256,
      gzip: t.facts.gzip,
      verified: t.facts.verified,
      mtimeMs: t.facts.mtimeMs,
      format: t.det.format,
      oneLine: t.facts.oneLineHead,
      importer: importerFor(t.det.format)!,
    });
  });
  const totalBytes = entries.reduce((a, e) => a + e.size, 0);
  const progress = new Progress('importing', entries.length, totalBytes, opts.progress);
  const rowsBySource: Record<string, number> = {};
  const touched = new Set<Importer>();

  const ledgerRow = (importer: Importer, f: FileEntry, status: LedgerRow['status'], reason: string | null, outcome: FileOutcome, ms: number): LedgerRow => ({
    fileId: f.fileId, displayPath: f.displayPath, size: f.size, sha256: f.sha256, format: f.format, source: importer.source, status, reason, outcome, ms,
  });

  const loadBatch = async (importer: Importer, files: typeof entries, lenient = false): Promise<void> => {
    const started = Date.now();
    try {
      const ctx: LoadContext = { db, options: opts, files, lenient };
      const ledgerRows = (outcomes: Map<number, FileOutcome>): LedgerRow[] => {
        const ms = (Date.now() - started) / files.length;
        return files.map((f) => {
          const o = outcomes.get(f.fileId) ?? { rowsLoaded: 0, rowsDuplicate: 0, rowsRejected: 0, issues: [] };
          return ledgerRow(importer, f, outcomeStatus(o), o.failedReason ?? o.skippedReason ?? o.note ?? null, o, ms);
        });
      };
      let outcomes: Map<number, FileOutcome>;
      // batch_files (temporary) is made before the transaction, where `stage` can use it too
      await createBatchFiles(db, files);
      if (importer.stage) ctx.staged = await traced(`  ${importer.source} staged`, () => importer.stage!(ctx));
      if (!importer.settle) {
        outcomes = await db.transaction(async () => {
          const outcomes = await importer.load(ctx);
          await writeLedger(db, ledgerRows(outcomes));
          await db.run('DROP TABLE IF EXISTS batch_files');
          return outcomes;
        });
      } else {
        // First transaction: the rows, marked pending. Second: settle them and write the ledger.
        const loaded = await traced(`  ${importer.source} rows inserted (pending)`, () => db.transaction(async () => {
          const loaded = await importer.load(ctx);
          await db.run('INSERT INTO import_pending SELECT file_id, $t FROM batch_files', { t: importer.pendingTable! });
          return loaded;
        }));
        try {
          outcomes = await traced(`  ${importer.source} rows settled, ledger written`, () => db.transaction(async () => {
            const outcomes = await importer.settle!(ctx, loaded);
            await writeLedger(db, ledgerRows(outcomes));
            await db.run('DELETE FROM import_pending WHERE file_id IN (SELECT file_id FROM batch_files)');
            return outcomes;
          }));
        } catch (e) {
          await recoverInterruptedImport(db, files.map((f) => f.fileId));
          throw e;
        } finally {
          await db.run('DROP TABLE IF EXISTS batch_files');
        }
      }
      for (const f of files) {
        const o = outcomes.get(f.fileId)!;
        rowsBySource[importer.source] = (rowsBySource[importer.source] ?? 0) + (o?.rowsLoaded ?? 0);
        reports.push({
          path: f.displayPath,
          status: outcomeStatus(o),
          format: f.format,
          reason: o?.failedReason ?? o?.skippedReason ?? o?.note,
          rows: o?.rowsLoaded ?? 0,
          duplicates: o?.rowsDuplicate ?? 0,
          issues: o?.issues.length ?? 0,
        });
      }
      touched.add(importer);
      collectGarbage();
      trace(`batch of ${files.length} ${importer.source} files committed`);
      opts.onBatch?.(importer.source, files.length);
      if (TRACE_BATCHES) process.stderr.write(`batch committed: ${files.length} files, ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
      progress.advance(files.length, files.reduce((a, f) => a + f.size, 0), [...outcomes.values()].reduce((a, o) => a + o.rowsLoaded, 0));
    } catch (e) {
      // Ctrl-C: the batch is rolled back; neither split nor retried
      if (isInterrupted()) throw e;
      if (files.length > 1) {
        const mid = Math.ceil(files.length / 2);
        await loadBatch(importer, files.slice(0, mid));
        await loadBatch(importer, files.slice(mid));
        return;
      }
      if (importer.lenientRetry && !lenient) {
        await loadBatch(importer, files, true);
        return;
      }
      const f = files[0]!;
      const msg = errorMessage(e);
      // A gzip file that was not decompressed whole before loading: a damaged stream explains the failure.
      const gz = f.gzip && !f.verified ? (await checkGzip(f.path)).error : undefined;
      // DuckDB's JSON errors name a line near the problem, not always the line itself.
      const located = !gz && /Malformed JSON|invalid UTF-8|JSON/i.test(msg)
        ? await locateJsonProblem(f.path, JSON_LINES_FORMATS.has(f.format)).catch(() => undefined)
        : undefined;
      const issue: IssueInput = gz
        ? { severity: 'error', code: 'corrupt-gzip', message: notLoaded(gz) }
        : {
            location: located?.location ?? readerErrorLocation(msg),
            severity: 'error',
            code: 'load-failed',
            message: notLoaded(`${f.format}: ${located ? `${located.detail} at ${located.location}` : cleanReaderError(msg)}`),
          };
      await recordFailed(importer, f, issue, Date.now() - started);
    }
  };

  /** A file that could not be loaded: a ledger row with status failed and its one issue. */
  const recordFailed = async (importer: Importer, f: FileEntry, issue: IssueInput, ms: number): Promise<void> => {
    const outcome = { rowsLoaded: 0, rowsDuplicate: 0, rowsRejected: 0, issues: [issue] };
    await db.transaction(() => writeLedger(db, [ledgerRow(importer, f, 'failed', issue.message, outcome, ms)]));
    reports.push({ path: f.displayPath, status: 'failed', format: f.format, reason: issue.message, rows: 0, duplicates: 0, issues: 1 });
    progress.advance(1, f.size);
  };

  /**
   * loadBatch, after decompressing the batch's unchecked gzip files of the importer's
   * spoolGzipFormats to plain copies (spool.ts): a file whose stream is damaged fails alone, the
   * rest load from their copies, which are removed when the batch is done.
   */
  let spoolDir: string | undefined;
  const spooler = new Spooler(READ_CONCURRENCY);
  const loadSpooled = async (importer: Importer, files: typeof entries): Promise<void> => {
    const toSpool = files.filter((f) => f.gzip && !f.verified && importer.spoolGzipFormats?.includes(f.format));
    if (!toSpool.length) return loadBatch(importer, files);
    spoolDir ??= openSpool(dbPath);
    const started = Date.now();
    const spooled = new Map((await spooler.spool(spoolDir, toSpool)).map((r) => [r.file.fileId, r]));
    try {
      const ready: typeof entries = [];
      for (const f of files) {
        const r = spooled.get(f.fileId);
        if (!r) ready.push(f);
        else if ('error' in r) {
          await recordFailed(importer, f, { severity: 'error', code: 'corrupt-gzip', message: notLoaded(r.error) }, Date.now() - started);
        } else ready.push({ ...f, readPath: r.readPath, verified: true, contentBytes: r.contentBytes });
      }
      if (ready.length) await loadBatch(importer, ready);
    } finally {
      for (const r of spooled.values()) if ('readPath' in r) fs.rmSync(r.readPath, { force: true });
    }
  };

  const byImporter = new Map<Importer, typeof entries>();
  for (const e of entries) {
    const group = byImporter.get(e.importer);
    if (group) group.push(e);
    else byImporter.set(e.importer, [e]);
  }
  try {
    for (const [importer, files] of byImporter) {
      let batch: typeof entries = [];
      let bytes = 0;
      for (const f of files) {
        if (batch.length && (batch.length >= Math.min(importer.maxBatchFiles, BATCH_FILES_CAP) || bytes + f.contentBytes > (opts.batchBytes ?? importer.maxBatchBytes ?? DEFAULT_BATCH_BYTES))) {
          await loadSpooled(importer, batch);
          batch = [];
          bytes = 0;
        }
        batch.push(f);
        bytes += f.contentBytes;
      }
      if (batch.length) await loadSpooled(importer, batch);
    }
  } finally {
    spooler.close();
    if (spoolDir) closeSpool(spoolDir);
  }
  progress.done();

  for (const importer of touched) {
    if (importer.finalize) await db.transaction(() => importer.finalize!(db));
  }
  trace('finalized');
  await db.run('CHECKPOINT');
  trace('checkpointed');

  const order = new Map(listed.map((l, i) => [l.display, i]));
  reports.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  return {
    files: reports,
    rowsBySource,
    duplicates: reports.reduce((a, r) => a + r.duplicates, 0),
    issues: reports.reduce((a, r) => a + r.issues, 0),
    seconds: (Date.now() - t0) / 1000,
  };
}
