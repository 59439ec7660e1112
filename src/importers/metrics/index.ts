import { listValue } from '@duckdb/node-api';
import { sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { emptyOutcome, type FileEntry, type FileOutcome, type Importer, type LoadContext } from '../types.ts';
import { functionFromStatisticsPath } from './attribution.ts';

const SQL = 'staging/metrics.sql';

/** What was wrong, and what was done about it. */
const PROBLEM_TEXT: Record<string, [string, string]> = {
  'not-an-object': ['result is not a JSON object', 'its values were skipped'],
  'metric-unattributed': [
    'cannot tell which function and metric this result is: the Label is not "<function> <metric> [<stat> [<period>]]" ' +
      'and the Id is not "<metric>_<function>"',
    'its values were skipped',
  ],
  'metric-length-mismatch': ['Timestamps and Values differ in length', 'its values were skipped'],
  'metric-stat-unknown': [
    'the statistic is not stated (put it in the Label: "<function> <metric> <stat>")',
    'values kept with stat NULL',
  ],
  'metric-status': ['CloudWatch did not return complete data for this result', 'values kept'],
  'bad-timestamp': ['timestamp is not a time', 'value skipped'],
  'bad-value': ['value is not a number', 'value skipped'],
  'no-statistic': ['datapoint holds no statistic (Sum, Average, ...)', 'datapoint skipped'],
};

/**
 * CloudWatch AWS/Lambda metrics into lambda_metrics (one row per data point and statistic).
 *
 * get-metric-data output does not repeat the queries, so each MetricDataResult is attributed by:
 *   1. its Label, when it reads "<function> <metric> [<stat> [<period seconds>]]" (whitespace-separated;
 *      the function may be a function ARN; the metric is an AWS/Lambda metric name). The dynamic label
 *      "${PROP('Dim.FunctionName')} ${PROP('MetricName')} ${PROP('Stat')} ${PROP('Period')}" gives exactly this.
 *   2. else its Id, when it reads "<metric>_<function>" (e.g. invocations_orders_api -> function
 *      orders_api). Ids allow only letters, digits and _, so a function whose name has a - can only be
 *      named by the Label. The statistic is then unknown (stat NULL, with a warning).
 *   Otherwise the result's values are skipped, with a 'metric-unattributed' issue.
 * get-metric-statistics output carries the metric (Label) and the statistics of each datapoint; the
 * function comes from the file's path (see attribution.ts). A file whose Label is not an AWS/Lambda
 * metric is skipped; one whose function cannot be told from its path fails, so that it can be
 * renamed and imported again with --retry.
 */
export const metricsImporter: Importer = {
  formats: ['metrics-data', 'metrics-statistics'],
  source: 'metrics',
  description: 'CloudWatch AWS/Lambda metrics: get-metric-data and get-metric-statistics output',
  maxBatchFiles: 500,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(SQL);
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));
    const byId = new Map(files.map((f) => [f.fileId, f]));

    await db.run(sql.get('setup')!);
    const byFormat = new Map<string, FileEntry[]>();
    for (const f of files) byFormat.set(f.format, [...(byFormat.get(f.format) ?? []), f]);
    for (const [format, group] of byFormat) {
      await db.run(sql.get(format)!, { files: fileListParam(group), max_object: maxObjectSize(group) });
    }

    const shape = await db.all<{ file_id: bigint; list_name: string | null; list_type: string }>(sql.get('shape-problems')!);
    if (shape.length) {
      const first = shape[0]!;
      const bad = byId.get(Number(first.file_id))!;
      const keys = await db.all<{ keys: string[] | null }>(sql.get('top-keys')!, {
        files: fileListParam([bad]),
        max_object: maxObjectSize([bad]),
      });
      const found = keys[0]?.keys?.length ? ` (top-level keys: ${keys[0].keys.slice(0, 8).join(', ')})` : '';
      const list = first.list_name ?? (bad.format === 'metrics-data' ? 'MetricDataResults' : 'Datapoints');
      const what = first.list_type === 'missing' || first.list_type === 'no-object'
        ? `has no "${list}" array`
        : `has "${list}" as ${first.list_type.toLowerCase()}, not an array`;
      const cmd = bad.format === 'metrics-data' ? 'get-metric-data' : 'get-metric-statistics';
      throw new Error(`not aws cloudwatch ${cmd} output: the file ${what}${found}`);
    }

    // get-metric-statistics: the metric from the Label, the function from the path.
    const statFiles: Array<{ id: number; fn: string }> = [];
    const seen = new Set<number>();
    for (const r of await db.all<{ file_id: bigint; label: string | null; metric: string | null }>(sql.get('stat-labels')!)) {
      const id = Number(r.file_id);
      if (seen.has(id)) continue; // one function per file: the path names one
      seen.add(id);
      const f = byId.get(id)!;
      const o = outcomes.get(id)!;
      if (r.metric === null) {
        o.skippedReason = `get-metric-statistics of ${r.label === null ? 'an unlabelled metric' : `"${r.label}"`}: not an AWS/Lambda metric this tool loads`;
        continue;
      }
      const fn = functionFromStatisticsPath(f.path, r.metric);
      if (!fn) {
        throw new Error(
          `get-metric-statistics output names the metric (${r.metric}) but not the function, and the file's path does not either: ` +
            `name the file <function>_${r.metric}.json or put it in a folder named after the function, then import it again with --retry`,
        );
      }
      statFiles.push({ id, fn: fn.functionName });
      o.note = `function ${fn.functionName} from the ${fn.rule}, metric ${r.metric} from the Label`;
    }
    if (statFiles.length) {
      await db.run('INSERT INTO m_stat_fn SELECT unnest($ids::BIGINT[]), unnest($fns::VARCHAR[])', {
        ids: listValue(statFiles.map((s) => s.id)),
        fns: listValue(statFiles.map((s) => s.fn)),
      });
    }

    await db.run(sql.get('normalize')!);
    await db.run(sql.get('insert')!);
    for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; rejected: bigint }>(sql.get('counts')!)) {
      const o = outcomes.get(Number(r.file_id))!;
      o.rowsLoaded = Number(r.loaded);
      o.rowsDuplicate = Number(r.duplicate);
      o.rowsRejected = Number(r.rejected);
    }
    for (const p of await db.all<{ file_id: bigint; location: string; code: string; detail: string | null; outcome: string }>(
      sql.get('problems')!,
    )) {
      const [what, done] = PROBLEM_TEXT[p.code] ?? [p.code, p.outcome === 'rejected' ? 'skipped' : 'kept'];
      outcomes.get(Number(p.file_id))!.issues.push({
        location: p.location,
        severity: 'warning',
        code: p.code,
        message: `${what}${p.detail ? ` (${p.detail})` : ''}; ${done}`,
      });
    }
    for (const r of await db.all<{ file_id: bigint }>(sql.get('paging')!)) {
      outcomes.get(Number(r.file_id))!.issues.push({
        severity: 'warning',
        code: 'more-pages',
        message: 'the output has a NextToken: more data points exist than this file holds',
      });
    }
    for (const r of await db.all<{ file_id: bigint; by_label: bigint; by_id: bigint; results: bigint }>(sql.get('attribution')!)) {
      const results = Number(r.results);
      outcomes.get(Number(r.file_id))!.note =
        `${results} ${results === 1 ? 'result' : 'results'}: ${r.by_label} attributed by Label, ${r.by_id} by Id, ` +
        `${results - Number(r.by_label) - Number(r.by_id)} not attributed`;
    }
    await db.run(sql.get('cleanup')!);
    return outcomes;
  },
};
