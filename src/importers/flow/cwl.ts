import type { Db } from '../../db/connection.ts';
import { section } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { messageSink, stageExportFiles } from '../exportStage.ts';
import type { FileEntry, FileOutcome } from '../types.ts';
import { DEFAULT_FIELDS } from './fields.ts';
import { MAX_LISTED, addOverflowIssue } from './issues.ts';

const CWL = 'staging/flow_cwl.sql';

interface ProblemRow {
  file_id: bigint;
  record_index: bigint;
  problem: 'wrong-field-count' | 'not-default-format' | 'bad-number';
  n: bigint;
  bad_field: string | null;
  bad_value: string | null;
  raw_action: string | null;
  raw_status: string | null;
  nth: bigint;
  total: bigint;
}

function problemMessage(p: ProblemRow): string {
  switch (p.problem) {
    case 'wrong-field-count':
      return `record has ${p.n} fields, the default flow-log format has ${DEFAULT_FIELDS.length}; record skipped`;
    case 'not-default-format':
      return (
        `record is not in the default flow-log format (field 13 is "${p.raw_action ?? ''}", field 14 "${p.raw_status ?? ''}", ` +
        'where action and log-status belong); record skipped'
      );
    case 'bad-number':
      return /^-?\d+$/.test(p.bad_value ?? '')
        ? `${p.bad_field} is ${p.bad_value}, out of range for the field; record skipped`
        : `${p.bad_field} is "${p.bad_value}", not a number; record skipped`;
  }
}

/** Flow records through CloudWatch Logs S3 exports: each line's message goes to flow_msg_stage (exportStage.ts). */
const EXPORT_SINK = messageSink('flow_msg_stage', section(CWL, 'export-lines'));

/**
 * Flow records delivered through CloudWatch Logs (subscription payloads, filter-log-events /
 * get-log-events output, S3 exports), first half: the messages are staged and split in SQL into
 * flow_msg_parsed (temporary tables only, so the importer runs this before the batch's
 * transaction: DuckDB scans a table filled inside it with one thread). A line of an S3 export with
 * no timestamp that follows no event is a record lost (rowsRejected), and an export whose gzip
 * stream breaks fails alone (exportStage.ts).
 */
export async function stageCwl(db: Db, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  await db.run(section(CWL, 'stage-table'));
  const groups = new Map<string, FileEntry[]>();
  for (const f of files) {
    const key = `${f.format}|${f.gzip ? 'gzip' : 'uncompressed'}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [key, group] of groups) {
    const [format, compression] = key.split('|') as [string, string];
    if (format === 'flow-cwl-export') {
      await stageExportFiles(db, group, outcomes, EXPORT_SINK);
      continue;
    }
    await db.run(section(CWL, format), {
      files: fileListParam(group),
      max_object: maxObjectSize(group),
      compression,
    });
  }
  await db.run(section(CWL, 'parse'));
  await db.run('DROP TABLE IF EXISTS flow_msg_stage');

  // A file none of whose records has the default format is in a custom format: its field order
  // is not in the data, so the file fails as a whole rather than reporting every record.
  for (const c of await db.all<{ file_id: bigint; total: bigint; loaded: bigint; misshapen: bigint; usual_fields: bigint }>(
    section(CWL, 'counts'),
  )) {
    if (c.total > 0n && c.loaded === 0n && c.misshapen === c.total) {
      throw new Error(
        `none of the ${c.total} flow records is in the default format (14 version-2 fields; most records here have ${c.usual_fields}); ` +
          'flow records delivered through CloudWatch Logs carry no header line, so a custom log format cannot be read',
      );
    }
  }
}

/** Second half, in the batch's transaction: the records staged by stageCwl are inserted, and the others reported. */
export async function insertCwl(db: Db, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  await db.run(section(CWL, 'insert'));
  for (const p of await db.all<ProblemRow>(section(CWL, 'problems'), { max_listed: MAX_LISTED })) {
    const f = files.find((x) => x.fileId === Number(p.file_id))!;
    const o = outcomes.get(f.fileId)!;
    const unit = f.format === 'flow-cwl-export' ? 'line' : 'record';
    if (p.nth === 1n) {
      o.rowsRejected += Number(p.total);
      addOverflowIssue(o, p.problem, Number(p.total), unit === 'line' ? 'lines' : 'records');
    }
    o.issues.push({ location: `${unit} ${p.record_index}`, severity: 'warning', code: p.problem, message: problemMessage(p) });
  }
  await db.run('DROP TABLE IF EXISTS flow_msg_parsed');
}
