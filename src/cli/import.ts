import type { Argv } from 'yargs';
import { IMPORT_DUCKDB_SHARE, withDb } from '../db/connection.ts';
import { TRACE, traceLine } from '../util/trace.ts';
import { UserError } from '../errors.ts';
import { ensureSchema } from '../db/schema.ts';
import { allFormats } from '../importers/registry.ts';
import { runImport, type ImportSummary } from '../importers/run.ts';
import { print, terminalSafe, type OutputFormat } from '../output/printer.ts';
import { dbOptions, say, withFormat, type GlobalArgs } from './common.ts';

export interface ImportArgs extends GlobalArgs {
  paths: string[];
  source?: string;
  strict?: boolean;
  retry?: boolean;
  'log-group'?: string;
  'snapshot-time'?: string;
  format: OutputFormat;
  'show-files'?: boolean;
}

export function importBuilder(y: Argv) {
  return withFormat(
    y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'Files or directories (walked recursively; .gz accepted)' })
      .option('source', { type: 'string', describe: `Force a format instead of detecting it: ${allFormats().join(', ')}` })
      .option('log-group', { type: 'string', describe: 'Log group of CloudWatch Logs exports that do not carry one, e.g. /aws/lambda/my-fn' })
      .option('snapshot-time', { type: 'string', describe: 'Time (ISO 8601) at which ENI snapshots were taken' })
      .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 if any import issue was recorded' })
      .option('retry', { type: 'boolean', default: false, describe: 'Try again files whose earlier import was skipped or failed' })
      .option('show-files', { type: 'boolean', default: false, describe: 'List every file in the summary, not only problems' }),
  );
}

export async function importCommand(a: ImportArgs): Promise<number> {
  const snap = a['snapshot-time'];
  if (snap !== undefined && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(snap) || Number.isNaN(Date.parse(snap)))) {
    throw new UserError(`--snapshot-time '${snap}' is not an ISO 8601 time with a zone.`, { hint: 'Write it like 2026-03-11T18:00:00Z.' });
  }
  return withDb({ ...dbOptions(a), memoryShare: IMPORT_DUCKDB_SHARE }, async (db) => {
    if (TRACE) traceLine(0, `DuckDB memory_limit ${await db.scalar<string>("SELECT current_setting('memory_limit')")}`);
    await ensureSchema(db);
    const summary = await runImport(db, a.paths, {
      source: a.source,
      retry: a.retry,
      logGroup: a['log-group'],
      snapshotTime: a['snapshot-time'],
    });
    printSummary(summary, a.format, Boolean(a['show-files']));
    return a.strict && summary.issues > 0 ? 1 : summary.files.some((f) => f.status === 'failed') ? 1 : 0;
  });
}

export function printSummary(s: ImportSummary, format: OutputFormat, showAll: boolean): void {
  const rows = s.files
    .filter((f) => showAll || format !== 'table' || f.status === 'failed' || f.status === 'skipped' || f.issues > 0)
    .map((f) => ({
      path: f.path,
      status: f.status,
      format: f.format ?? null,
      rows: f.rows,
      duplicates: f.duplicates,
      issues: f.issues,
      reason: f.reason ?? null,
    }));
  if (format !== 'table') {
    print({ columns: ['path', 'status', 'format', 'rows', 'duplicates', 'issues', 'reason'], rows }, format);
    return;
  }
  const count = (st: string) => s.files.filter((f) => f.status === st).length;
  if (rows.length) print({ columns: ['path', 'status', 'format', 'rows', 'duplicates', 'issues', 'reason'], rows }, 'table', { maxWidth: 70 });
  const bySource = Object.entries(s.rowsBySource)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  say(
    terminalSafe(
      `${s.files.length} files: ${count('loaded')} loaded, ${count('already-imported')} already imported, ` +
        `${count('skipped')} skipped, ${count('failed')} failed. Rows: ${bySource || 'none'}. ` +
        `Duplicates dropped: ${s.duplicates}. Issues: ${s.issues}${s.issues ? ' (see table import_issues)' : ''}. ${s.seconds.toFixed(1)}s.`,
    ),
  );
}
