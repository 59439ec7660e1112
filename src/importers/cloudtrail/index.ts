import type { Db } from '../../db/connection.ts';
import { section, sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { readExportLines } from '../exportLines.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';

const STAGE = 'staging/cloudtrail_stage.sql';
const NORMALIZE = 'staging/cloudtrail_normalize.sql';

const PROBLEM_TEXT: Record<string, string> = {
  'not-an-object': 'record is not a JSON object',
  'missing-event-id': 'record has no eventID',
  'missing-event-time': 'record has no eventTime',
  'bad-event-time': 'record has an eventTime that is not a timestamp',
};

async function stageExportFile(db: Db, fileId: number, path: string, outcome: FileOutcome): Promise<void> {
  const appender = await db.conn.createAppender('ct_stage');
  try {
    await readExportLines(path, (lineNo, _ts, message) => {
      appender.appendBigInt(BigInt(fileId));
      appender.appendBigInt(BigInt(lineNo));
      appender.appendVarchar(message);
      appender.appendNull();
      appender.endRow();
    }, (issue) => outcome.issues.push(issue));
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
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
  maxBatchFiles: 2000,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));
    await db.run(
      'CREATE OR REPLACE TEMP TABLE ct_stage (file_id BIGINT, record_index BIGINT, rec JSON, outer_time VARCHAR)',
    );
    const byFormat = new Map<string, typeof files>();
    for (const f of files) byFormat.set(f.format, [...(byFormat.get(f.format) ?? []), f]);
    for (const [format, group] of byFormat) {
      if (format === 'cloudtrail-cwl-export') {
        for (const f of group) await stageExportFile(db, f.fileId, f.path, outcomes.get(f.fileId)!);
        continue;
      }
      await db.run(section(STAGE, format), { files: fileListParam(group), max_object: maxObjectSize(group) });
    }
    const sql = sqlSections(NORMALIZE);
    await db.run(sql.get('main')!);
    await db.run(sql.get('insert')!);
    for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; insight: bigint; total: bigint }>(
      sql.get('counts')!,
    )) {
      const o = outcomes.get(Number(r.file_id))!;
      o.rowsLoaded = Number(r.loaded);
      o.rowsDuplicate = Number(r.duplicate);
      const insight = Number(r.insight);
      o.rowsRejected = Number(r.total) - o.rowsLoaded - o.rowsDuplicate - insight;
      if (insight > 0 && insight === Number(r.total)) o.skippedReason = 'CloudTrail Insights records only (not API activity)';
      else if (insight > 0) o.note = `${insight} CloudTrail Insights records skipped`;
    }
    for (const p of await db.all<{ file_id: bigint; record_index: bigint; disposition: string; event_id: string | null }>(
      sql.get('problems')!,
    )) {
      const o = outcomes.get(Number(p.file_id))!;
      const unit = files.find((f) => f.fileId === Number(p.file_id))?.format === 'cloudtrail-cwl-export' ? 'line' : 'record';
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
        const f = files.find((x) => x.fileId === fileId)!;
        if (f.format === 'cloudtrail-records') o.note = 'no records ({"Records":[]})';
      }
    }
    await db.run('DROP TABLE IF EXISTS ct_stage');
    await db.run('DROP TABLE IF EXISTS ct_batch');
    return outcomes;
  },
};
