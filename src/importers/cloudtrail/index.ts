import type { Db } from '../../db/connection.ts';
import { fillMarker, section, sqlSections, withSource } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { messageSink, stageExportFiles } from '../exportStage.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';
import { recordParams } from './record.ts';

const STAGE = 'staging/cloudtrail_stage.sql';
const NORMALIZE = 'staging/cloudtrail_normalize.sql';

const PROBLEM_TEXT: Record<string, string> = {
  'not-an-object': 'record is not a JSON object',
  'missing-event-id': 'record has no eventID',
  'missing-event-time': 'record has no eventTime',
  'bad-event-time': 'record has an eventTime that is not a timestamp',
};

/** A reader that yields records as JSON text, wrapped to yield the record STRUCT (cloudtrail_stage.sql). */
function fromJson(reader: string): string {
  return fillMarker(section(STAGE, 'from-json'), 'json_source', reader.trim());
}

/** CloudTrail records through CloudWatch Logs S3 exports: each line's message goes to ct_stage (exportStage.ts). */
const EXPORT_SINK = messageSink('ct_stage', section(STAGE, 'export-lines'), 1); // outer_time stays NULL

/**
 * Stages the batch's CloudWatch Logs export files into ct_stage and returns the outcomes of the
 * batch's files: a file whose gzip stream broke is failed, a line with no timestamp that follows
 * no event is a rejected record with its issue.
 */
async function stageExports(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
  const outcomes = new Map<number, FileOutcome>(ctx.files.map((f) => [f.fileId, emptyOutcome()]));
  const exports = ctx.files.filter((f) => cloudTrailRead(f, false).reader === 'staged');
  if (!exports.length) return outcomes;
  await ctx.db.run(section(STAGE, 'stage-table'));
  await stageExportFiles(ctx.db, exports, outcomes, EXPORT_SINK);
  return outcomes;
}

/** How one file of a batch is read: a section of cloudtrail_stage.sql, and for S3 delivery files the JSON format. */
export interface CloudTrailRead {
  reader: string;
  jsonFormat?: 'newline_delimited' | 'auto';
}

/**
 * The reader for a file. S3 delivery files are read straight into the record STRUCT; those whose
 * head shows one line (AWS writes them so) as JSON lines, which DuckDB parses with about 10% less
 * work than when it must find where each object ends. A file with a line break further on then
 * fails its batch, and the runner's retry reads it alone the general way. A file DuckDB refuses
 * either way (a record that is not an object) comes back alone with `lenient`, to be read record
 * by record. CloudWatch Logs export lines are staged in JS first.
 */
export function cloudTrailRead(f: { format: string; oneLine?: boolean }, lenient: boolean): CloudTrailRead {
  if (f.format === 'cloudtrail-cwl-export') return { reader: 'staged' };
  if (f.format !== 'cloudtrail-records') return { reader: f.format };
  if (lenient) return { reader: 'cloudtrail-records-lenient' };
  return { reader: 'cloudtrail-records', jsonFormat: f.oneLine ? 'newline_delimited' : 'auto' };
}

export const cloudtrailImporter: Importer = {
  formats: [
    'cloudtrail-records',
    'cloudtrail-array',
    'cloudtrail-jsonl',
    'cloudtrail-lookup',
    'cloudtrail-lookup-jsonl',
    'cloudtrail-lookup-array',
    'cloudtrail-cwl-subscription',
    'cloudtrail-cwl-events',
    'cloudtrail-cwl-export',
  ],
  source: 'cloudtrail',
  description: 'CloudTrail: S3 delivery, JSON arrays, JSON Lines, lookup-events, and CloudTrail through CloudWatch Logs',
  // Few, large batches: DuckDB writes a batch's rows to the file as it inserts them, and keeps
  // those blocks only for a table's first transaction; later ones are compressed and written again
  // at the next checkpoint (README, performance). A failing batch is still split until the bad
  // file stands alone.
  maxBatchFiles: 50_000,
  maxBatchBytes: 4 * 1024 ** 3,
  pendingTable: 'cloudtrail_records',
  lenientRetry: true,
  checksGzipFormats: ['cloudtrail-cwl-export'],

  // CloudWatch Logs export files are read in JS and staged before the batch's transaction, so that
  // DuckDB reads the staged lines with all its threads (inside the transaction, with one).
  stage: stageExports,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const outcomes = ctx.staged ?? (await stageExports(ctx));
    const sql = sqlSections(NORMALIZE);
    const insert = sql.get('insert')!;
    const groups = new Map<string, { read: CloudTrailRead; files: typeof files }>();
    for (const f of files) {
      const read = cloudTrailRead(f, ctx.lenient ?? false);
      const key = `${read.reader} ${read.jsonFormat ?? ''}`;
      const group = groups.get(key);
      if (group) group.files.push(f);
      else groups.set(key, { read, files: [f] });
    }
    const { record_spec, records_type } = recordParams();
    for (const { read, files: group } of groups.values()) {
      if (read.reader === 'staged') {
        await db.run(withSource(insert, fromJson(section(STAGE, 'staged'))), { record_spec });
        await db.run('DROP TABLE ct_stage');
        continue;
      }
      const direct = read.reader === 'cloudtrail-records';
      await db.run(withSource(insert, direct ? section(STAGE, read.reader) : fromJson(section(STAGE, read.reader))), {
        files: fileListParam(group),
        max_object: maxObjectSize(group),
        ...(direct ? { records_type, json_format: read.jsonFormat! } : { record_spec }),
      });
    }
    return outcomes;
  },

  async settle(ctx: LoadContext, outcomes: Map<number, FileOutcome>): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(NORMALIZE);
    const formatOf = new Map(files.map((f) => [f.fileId, f.format]));
    const range = { min_file: Math.min(...files.map((f) => f.fileId)), max_file: Math.max(...files.map((f) => f.fileId)) };
    await db.run(sql.get('classify')!, range);
    await db.run(sql.get('delete')!);
    await db.run(sql.get('identities')!, range);
    for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; insight: bigint; rejected: bigint }>(
      sql.get('counts')!,
      range,
    )) {
      const o = outcomes.get(Number(r.file_id))!;
      o.rowsLoaded = Number(r.loaded);
      o.rowsDuplicate = Number(r.duplicate);
      o.rowsRejected += Number(r.rejected); // lines the export's staging skipped, and the records dropped here
      const insight = Number(r.insight);
      if (insight > 0 && o.rowsLoaded + o.rowsDuplicate + o.rowsRejected === 0) {
        o.skippedReason = 'CloudTrail Insights records only (not API activity)';
      } else if (insight > 0) o.note = `${insight} CloudTrail Insights records skipped`;
    }
    for (const p of await db.all<{ file_id: bigint; record_index: bigint; disposition: string; event_id: string | null }>(
      sql.get('problems')!,
    )) {
      const o = outcomes.get(Number(p.file_id))!;
      const unit = formatOf.get(Number(p.file_id)) === 'cloudtrail-cwl-export' ? 'line' : 'record';
      o.issues.push({
        location: `${unit} ${p.record_index}`,
        severity: 'warning',
        code: p.disposition,
        message: `${PROBLEM_TEXT[p.disposition] ?? p.disposition}${p.event_id ? ` (eventID ${p.event_id})` : ''}; record skipped`,
      });
    }
    for (const [fileId, o] of outcomes) {
      const total = o.rowsLoaded + o.rowsDuplicate + o.rowsRejected;
      if (total === 0 && !o.skippedReason && o.issues.length === 0) {
        if (formatOf.get(fileId) === 'cloudtrail-records') o.note = 'no records ({"Records":[]})';
      }
    }
    await db.run('DROP TABLE IF EXISTS ct_drop');
    return outcomes;
  },
};
