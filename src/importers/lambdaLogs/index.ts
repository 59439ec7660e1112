import type { Db } from '../../db/connection.ts';
import { section, sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { stageExportFiles, type ExportLineSink } from '../exportStage.ts';
import { emptyOutcome, type FileEntry, type FileOutcome, type Importer, type LoadContext } from '../types.ts';
import { resolveLogGroup, type ResolvedLogGroup } from './logGroup.ts';

const STAGE = 'staging/lambda_logs_stage.sql';
const DERIVE = 'staging/lambda_logs_derive.sql';
const TASKS = 'staging/lambda_logs_tasks.sql';
const FINALIZE = 'staging/lambda_logs_finalize.sql';

const LOG_FORMATS = ['lambda-logs-subscription', 'lambda-logs-events', 'lambda-logs-export'] as const;
const TASKS_FORMAT = 'log-export-tasks';

const PROBLEM_TEXT: Record<string, (given: string | null) => string> = {
  'missing-message': () => 'log event has no message',
  'missing-timestamp': () => 'log event has no timestamp',
  'bad-timestamp': (given) => `log event timestamp ${JSON.stringify(given)} is not a valid time`,
};

const TASK_PROBLEM_TEXT: Record<string, string> = {
  'missing-task-id': 'export task has no taskId',
  'missing-log-group': 'export task has no logGroupName',
};

function addNote(o: FileOutcome, note: string): void {
  o.note = o.note ? `${o.note}; ${note}` : note;
}

/** describe-export-tasks listings -> ll_tasks, each task with what to do with it (temporary tables only). */
async function stageTasks(db: Db, files: FileEntry[]): Promise<void> {
  const sql = sqlSections(TASKS);
  await db.run(sql.get('stage')!, { files: fileListParam(files), max_object: maxObjectSize(files) });
  await db.run(sql.get('classify')!);
}

/** ll_tasks -> log_export_tasks, and each listing's counts and issues. */
async function finishTasks(db: Db, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  const sql = sqlSections(TASKS);
  await db.run(sql.get('insert')!);
  const seen = new Set<number>();
  for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; total: bigint }>(sql.get('counts')!)) {
    const o = outcomes.get(Number(r.file_id))!;
    seen.add(Number(r.file_id));
    o.rowsLoaded = Number(r.loaded);
    o.rowsDuplicate = Number(r.duplicate);
    o.rowsRejected = Number(r.total) - o.rowsLoaded - o.rowsDuplicate;
  }
  for (const p of await db.all<{ file_id: bigint; record_index: bigint; disposition: string }>(sql.get('problems')!)) {
    outcomes.get(Number(p.file_id))!.issues.push({
      location: `record ${p.record_index}`,
      severity: 'warning',
      code: p.disposition,
      message: `${TASK_PROBLEM_TEXT[p.disposition] ?? p.disposition}; export task skipped`,
    });
  }
  for (const f of files) if (!seen.has(f.fileId)) addNote(outcomes.get(f.fileId)!, 'no export tasks ({"exportTasks":[]})');
  await db.run('DROP TABLE IF EXISTS ll_tasks');
}

/** Lambda S3 export lines go to ll_stage (exportStage.ts). */
const EXPORT_SINK: ExportLineSink = {
  table: 'll_stage',
  appendLine(a, fileId, lineNo, ts, message) {
    a.appendBigInt(BigInt(fileId));
    a.appendBigInt(BigInt(lineNo));
    a.appendNull(); // message_type
    a.appendNull(); // log_group: from ll_file_meta
    a.appendNull(); // log_stream: from ll_file_meta
    a.appendNull(); // ts_ms
    a.appendVarchar(ts);
    a.appendVarchar(message);
    a.appendNull(); // event_id: exports carry none
    a.endRow();
  },
  insertLines: section(STAGE, 'export-lines'),
};

/**
 * Log groups of exported tasks known so far: those loaded, and with `staged` the batch's own
 * listings staged in ll_tasks but not inserted yet.
 */
async function knownTasks(db: Db, staged: boolean): Promise<Map<string, string>> {
  const rows = await db.all<{ task_id: string; log_group_name: string }>(
    staged
      ? `SELECT task_id, min(log_group_name) AS log_group_name
         FROM (SELECT task_id, log_group_name FROM log_export_tasks
               UNION ALL SELECT task_id, log_group_name FROM ll_tasks WHERE disposition = 'keep')
         GROUP BY task_id`
      : 'SELECT task_id, min(log_group_name) AS log_group_name FROM log_export_tasks GROUP BY task_id',
  );
  return new Map(rows.map((r) => [r.task_id, r.log_group_name]));
}

/**
 * Stages the batch's log files into ll_stage and derives ll_batch from it (temporary tables only);
 * the lines of S3 export files that were skipped count as rejected in their file's outcome.
 */
async function stageLogs(ctx: LoadContext, files: FileEntry[], outcomes: Map<number, FileOutcome>, stagedTasks: boolean): Promise<void> {
  const { db, options } = ctx;
  const stage = sqlSections(STAGE);
  await db.run(stage.get('create')!);

  // Where the file does not name its log group: --log-group, export task, path, or unknown.
  const tasks = await knownTasks(db, stagedTasks);
  const resolved = new Map<number, ResolvedLogGroup>();
  const meta = await db.conn.createAppender('ll_file_meta', 'main', 'temp');
  try {
    for (const f of files) {
      const r = resolveLogGroup(f.path, f.format, options.logGroup, tasks);
      resolved.set(f.fileId, r);
      meta.appendBigInt(BigInt(f.fileId));
      if (r.logGroup === undefined) meta.appendNull();
      else meta.appendVarchar(r.logGroup);
      if (r.logStream === undefined) meta.appendNull();
      else meta.appendVarchar(r.logStream);
      meta.endRow();
    }
    meta.flushSync();
  } finally {
    meta.closeSync();
  }

  for (const format of LOG_FORMATS) {
    const group = files.filter((f) => f.format === format);
    if (!group.length) continue;
    if (format === 'lambda-logs-export') {
      await stageExportFiles(db, group, outcomes, EXPORT_SINK);
    } else {
      await db.run(stage.get(format)!, { files: fileListParam(group), max_object: maxObjectSize(group) });
    }
  }

  // Ledger: which log group, and how it was found.
  const inFile = new Map<number, { groups: string[]; without: number }>();
  for (const r of await db.all<{ file_id: bigint; groups: string[] | null; without_group: bigint }>(stage.get('in-file-groups')!)) {
    inFile.set(Number(r.file_id), { groups: r.groups ?? [], without: Number(r.without_group) });
  }
  for (const f of files) {
    const o = outcomes.get(f.fileId)!;
    if (o.failedReason) continue;
    const r = resolved.get(f.fileId)!;
    const g = inFile.get(f.fileId);
    if (g && g.groups.length > 0) {
      o.logGroupMethod = 'in-file';
      if (g.groups.length === 1) o.logGroup = g.groups[0];
      else addNote(o, `${g.groups.length} log groups in the file: ${g.groups.join(', ')}`);
      if (g.without > 0) addNote(o, `${g.without} events name no log group; for them ${r.note}`);
      continue;
    }
    o.logGroup = r.logGroup;
    o.logGroupMethod = r.method;
    addNote(o, r.note);
    if (r.conflict) o.issues.push({ severity: 'warning', code: 'log-group-conflict', message: r.conflict });
  }

  const derive = sqlSections(DERIVE);
  await db.run(derive.get('macros')!);
  await db.run(derive.get('main')!);
}

/** Drops the duplicates from ll_batch, inserts the rest into lambda_log_events, and counts. */
async function finishLogs(ctx: LoadContext, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  const { db } = ctx;
  const derive = sqlSections(DERIVE);
  await db.run(derive.get('dedupe')!);
  await db.run(derive.get('insert')!);
  const counted = new Set<number>();
  for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; control: bigint; total: bigint }>(
    derive.get('counts')!,
  )) {
    const id = Number(r.file_id);
    counted.add(id);
    const o = outcomes.get(id)!;
    o.rowsLoaded = Number(r.loaded);
    o.rowsDuplicate = Number(r.duplicate);
    const control = Number(r.control);
    o.rowsRejected += Number(r.total) - o.rowsLoaded - o.rowsDuplicate - control; // added to the lines staging skipped
    if (control > 0) addNote(o, `${control} CONTROL_MESSAGE events skipped (subscription connectivity checks, not log events)`);
  }
  for (const f of files) {
    if (counted.has(f.fileId) || outcomes.get(f.fileId)!.failedReason) continue;
    const o = outcomes.get(f.fileId)!;
    addNote(o, 'no log events in the file');
  }
  for (const p of await db.all<{ file_id: bigint; record_index: bigint; disposition: string; ts_given: string | null }>(
    derive.get('problems')!,
  )) {
    const f = files.find((x) => x.fileId === Number(p.file_id))!;
    const unit = f.format === 'lambda-logs-export' ? 'line' : 'record';
    const text = PROBLEM_TEXT[p.disposition]?.(p.ts_given) ?? p.disposition;
    outcomes.get(f.fileId)!.issues.push({
      location: `${unit} ${p.record_index}`,
      severity: 'warning',
      code: p.disposition,
      message: `${text}; event skipped`,
    });
  }
  await db.run('DROP TABLE IF EXISTS ll_batch');
  await db.run('DROP TABLE IF EXISTS ll_stage');
  await db.run('DROP TABLE IF EXISTS ll_file_meta');
}

/** Test knob: off, every batch is staged inside its transaction (as before this was measured). */
export const stagingBeforeTransaction = { on: true };

export const lambdaLogsImporter: Importer = {
  formats: [...LOG_FORMATS, TASKS_FORMAT],
  source: 'lambda-logs',
  description:
    'Lambda logs from CloudWatch Logs: subscription payloads (also Firehose-concatenated), filter-log-events / get-log-events output, S3 exports; describe-export-tasks listings',
  maxBatchFiles: 1000,
  checksGzipFormats: ['lambda-logs-export'],

  // The batch is staged and derived before its transaction, so that DuckDB scans the staged tables
  // with all its threads (inside it, with one: the import at bench scale 1 took 25 s, now 17 s);
  // the transaction inserts what was staged.
  async stage(ctx: LoadContext): Promise<Map<number, FileOutcome> | undefined> {
    if (!stagingBeforeTransaction.on) return undefined;
    const outcomes = new Map<number, FileOutcome>(ctx.files.map((f) => [f.fileId, emptyOutcome()]));
    const taskFiles = ctx.files.filter((f) => f.format === TASKS_FORMAT);
    const logFiles = ctx.files.filter((f) => f.format !== TASKS_FORMAT);
    // export-task listings first, so that the batch's S3 export files find their task
    if (taskFiles.length) await stageTasks(ctx.db, taskFiles);
    if (logFiles.length) await stageLogs(ctx, logFiles, outcomes, taskFiles.length > 0);
    return outcomes;
  },

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const taskFiles = ctx.files.filter((f) => f.format === TASKS_FORMAT);
    const logFiles = ctx.files.filter((f) => f.format !== TASKS_FORMAT);
    const outcomes = ctx.staged ?? new Map<number, FileOutcome>(ctx.files.map((f) => [f.fileId, emptyOutcome()]));
    if (taskFiles.length) {
      if (!ctx.staged) await stageTasks(ctx.db, taskFiles);
      await finishTasks(ctx.db, taskFiles, outcomes);
    }
    if (logFiles.length) {
      if (!ctx.staged) await stageLogs(ctx, logFiles, outcomes, false);
      await finishLogs(ctx, logFiles, outcomes);
    }
    return outcomes;
  },

  async finalize(db: Db): Promise<void> {
    const fin = sqlSections(FINALIZE);
    await db.run(section(DERIVE, 'macros'));
    // S3 exports imported before (or in another batch than) their describe-export-tasks listing
    await db.run(fin.get('task-fix')!);
    await db.run(fin.get('task-fix-events')!);
    await db.run(fin.get('task-fix-ledger')!);
    await db.run('DROP TABLE IF EXISTS ll_fix');
    await db.run('DELETE FROM lambda_invocations');
    await db.run(fin.get('invocations')!);
  },
};
