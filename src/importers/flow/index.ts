import { sqlFile } from '../../db/sql.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';
import { insertCwl, stageCwl } from './cwl.ts';
import { loadParquet } from './parquet.ts';
import { loadText } from './text.ts';

const CWL_FORMATS = new Set(['flow-cwl-events', 'flow-cwl-subscription', 'flow-cwl-export']);

/** The batch's files' outcomes, with its records through CloudWatch Logs staged (cwl.ts, stageCwl). */
async function stageCwlFiles(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
  const outcomes = new Map<number, FileOutcome>(ctx.files.map((f) => [f.fileId, emptyOutcome()]));
  const cwl = ctx.files.filter((f) => CWL_FORMATS.has(f.format));
  if (cwl.length) await stageCwl(ctx.db, cwl, outcomes);
  return outcomes;
}

/**
 * VPC Flow Logs into flow_records. Text files (S3 delivery) are read by DuckDB's CSV reader, one
 * scan per header; Parquet by read_parquet; records through CloudWatch Logs are staged and split in
 * SQL. Records have no id, so nothing is de-duplicated: the ledger keeps a file from loading twice.
 */
export const flowImporter: Importer = {
  formats: ['flow-text', 'flow-parquet', 'flow-cwl-events', 'flow-cwl-subscription', 'flow-cwl-export'],
  source: 'flow',
  description:
    'VPC Flow Logs: S3 text delivery (any v2-v8 log format, with header; headerless default format; .gz), Parquet, and flow logs through CloudWatch Logs',
  maxBatchFiles: 2000,
  spoolGzipFormats: ['flow-text'],
  checksGzipFormats: ['flow-cwl-export'],

  // Records through CloudWatch Logs are staged and split before the batch's transaction, so that
  // DuckDB scans the staged tables with all its threads (inside the transaction, with one).
  stage: stageCwlFiles,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const outcomes = ctx.staged ?? (await stageCwlFiles(ctx));
    const text = files.filter((f) => f.format === 'flow-text');
    const parquet = files.filter((f) => f.format === 'flow-parquet');
    const cwl = files.filter((f) => CWL_FORMATS.has(f.format));
    const other = files.find((f) => !['flow-text', 'flow-parquet'].includes(f.format) && !CWL_FORMATS.has(f.format));
    if (other) throw new Error(`the flow importer does not read format ${other.format}`);

    if (text.length) await loadText(db, text, outcomes);
    if (parquet.length) await loadParquet(db, parquet, outcomes);
    if (cwl.length) await insertCwl(db, cwl, outcomes);

    const ids = files.map((f) => f.fileId);
    const counts = await db.all<{ file_id: bigint; n: bigint }>(sqlFile('staging/flow_counts.sql'), {
      lo: Math.min(...ids),
      hi: Math.max(...ids),
    });
    for (const c of counts) outcomes.get(Number(c.file_id))!.rowsLoaded = Number(c.n);
    for (const f of files) {
      const o = outcomes.get(f.fileId)!;
      if (o.rowsLoaded === 0 && o.rowsRejected === 0 && !o.note) {
        o.note =
          f.format === 'flow-text'
            ? 'no flow records (header line only)'
            : f.format === 'flow-parquet'
              ? 'no flow records (the Parquet file has no rows)'
              : 'no flow records (no log events)';
      }
    }
    await db.run('DROP TABLE IF EXISTS flow_text_files');
    return outcomes;
  },
};
