import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { functionFromStatisticsPath } from '../../src/importers/metrics/attribution.ts';
import { FIXTURES, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const DIR = path.join(FIXTURES, 'metrics');
const DATA = path.join(DIR, 'get-metric-data_2026-03-12.json');
const OVERLAP = path.join(DIR, 'get-metric-data_overlap.json');
const STATS_BY_NAME = path.join(DIR, 'statistics', 'orders-api_Invocations.json');
const STATS_BY_FOLDER = path.join(DIR, 'statistics', 'orders-api', 'Duration.json');
const EC2 = path.join(DIR, 'statistics', 'ec2-cpu.json');
const NO_FUNCTION = path.join(DIR, 'unattributable', 'export.json');

const POINTS = `SELECT function_name, metric, strftime(time, '%H:%M') AS t, value, stat, unit, period_seconds::INTEGER AS period
                FROM lambda_metrics`;

describe('function of a get-metric-statistics file, from its path', () => {
  it.each([
    ['/e/orders-api_Invocations.json', 'Invocations', 'orders-api', 'file name'],
    ['/e/orders-api.Duration.p99.json', 'Duration', 'orders-api', 'file name'],
    ['/e/orders-api-Errors-20260312T0900Z.json.gz', 'Errors', 'orders-api', 'file name'],
    ['/e/errors-processor_errors.json', 'Errors', 'errors-processor', 'file name'],
    ['/e/orders_api_Throttles_Sum.txt', 'Throttles', 'orders_api', 'file name'],
    ['/e/metrics/orders-api/Invocations.json', 'Invocations', 'orders-api', 'folder name'],
    ['/e/metrics/billing/Duration_Maximum.json', 'Duration', 'billing', 'folder name'],
  ])('%s (%s) -> %s', (p, metric, functionName, rule) => {
    expect(functionFromStatisticsPath(p, metric)).toEqual({ functionName, rule });
  });

  it.each([
    ['/e/unattributable/export.json', 'Errors'], // the name says nothing
    ['/e/Invocations_orders-api.json', 'Invocations'], // metric first: not a documented form
    ['/e/orders-api_Invocations_then-more.json', 'Invocations'], // trailing text that is neither a stat nor a time
    ['/e/my folder/Invocations.json', 'Invocations'], // a folder name that is no function name
  ])('%s (%s) names no function', (p, metric) => {
    expect(functionFromStatisticsPath(p, metric)).toBeUndefined();
  });
});

describe('CloudWatch metrics importer', () => {
  it('get-metric-data: results attributed by Label or Id, unattributable ones reported, bad points skipped', async () => {
    const s = await importPaths(db, [DATA]);
    expect(s.files[0]).toMatchObject({
      status: 'loaded',
      format: 'metrics-data',
      rows: 6,
      duplicates: 0,
      issues: 4,
      reason: '4 results: 2 attributed by Label, 1 by Id, 1 not attributed',
    });
    expect(await db.json(`${POINTS} ORDER BY function_name, metric, t`)).toEqual([
      // Id "throttles_billing", Label "Throttles": function and metric from the Id, stat unknown
      { function_name: 'billing', metric: 'Throttles', t: '09:00', value: 0, stat: null, unit: 'Count', period: null },
      { function_name: 'billing', metric: 'Throttles', t: '09:01', value: 4, stat: null, unit: 'Count', period: null },
      // Label "<function ARN> Duration p99"; its second timestamp is not a time
      { function_name: 'orders-api', metric: 'Duration', t: '09:01', value: 2900.25, stat: 'p99', unit: 'Milliseconds', period: null },
      // Label "orders-api Invocations Sum 60"
      { function_name: 'orders-api', metric: 'Invocations', t: '09:00', value: 30, stat: 'Sum', unit: 'Count', period: 60 },
      { function_name: 'orders-api', metric: 'Invocations', t: '09:01', value: 35, stat: 'Sum', unit: 'Count', period: 60 },
      { function_name: 'orders-api', metric: 'Invocations', t: '09:02', value: 1200, stat: 'Sum', unit: 'Count', period: 60 },
    ]);
    expect(await db.json(`SELECT DISTINCT query_id, label FROM lambda_metrics ORDER BY 1`)).toEqual([
      { query_id: 'dur', label: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api Duration p99' },
      { query_id: 'inv', label: 'orders-api Invocations Sum 60' },
      { query_id: 'throttles_billing', label: 'Throttles' },
    ]);
    expect(await db.json('SELECT location, code, message FROM import_issues')).toEqual([
      {
        location: 'record 2',
        code: 'metric-stat-unknown',
        message:
          'the statistic is not stated (put it in the Label: "<function> <metric> <stat>") (Id throttles_billing, Label "Throttles"); values kept with stat NULL',
      },
      {
        location: 'record 3',
        code: 'metric-unattributed',
        message:
          'cannot tell which function and metric this result is: the Label is not "<function> <metric> [<stat> [<period>]]" ' +
          'and the Id is not "<metric>_<function>" (Id m3, Label "Duration"); its values were skipped',
      },
      {
        location: 'record 4',
        code: 'metric-status',
        message:
          'CloudWatch did not return complete data for this result (StatusCode PartialData; MaxDatapointsExceeded: ' +
          'The maximum datapoints limit was exceeded); values kept',
      },
      { location: 'record 4 value 2', code: 'bad-timestamp', message: 'timestamp is not a time (not-a-time); value skipped' },
    ]);
    // 2 values of the unattributed result + 1 bad timestamp
    expect(await db.json('SELECT rows_loaded::INTEGER AS l, rows_duplicate::INTEGER AS d, rows_rejected::INTEGER AS r FROM import_files')).toEqual([
      { l: 6, d: 0, r: 3 },
    ]);
  });

  it('points already stored, or repeated in the same import, are duplicates', async () => {
    await importPaths(db, [DATA]);
    const later = await importPaths(db, [OVERLAP]);
    expect(later.files[0]).toMatchObject({ status: 'loaded', rows: 1, duplicates: 2, issues: 1 });
    expect(await db.json(`SELECT location, code, message FROM import_issues WHERE code = 'more-pages'`)).toEqual([
      { location: null, code: 'more-pages', message: 'the output has a NextToken: more data points exist than this file holds' },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_metrics WHERE metric = 'Invocations'`)).toBe(4);

    const db2 = await memoryDb();
    try {
      const together = await importPaths(db2, [DATA, OVERLAP]);
      expect(together.files.map((f) => [f.rows, f.duplicates])).toEqual([
        [6, 0],
        [1, 2],
      ]);
      expect(await count(db2, 'SELECT count(*) FROM lambda_metrics')).toBe(7);
    } finally {
      db2.close();
    }
  });

  it('get-metric-statistics: function from the file or folder name, one row per statistic, other metrics skipped', async () => {
    const s = await importPaths(db, [path.join(DIR, 'statistics')]);
    const byName = Object.fromEntries(s.files.map((f) => [path.relative(DIR, f.path), f]));
    expect(byName['statistics/orders-api_Invocations.json']).toMatchObject({
      status: 'loaded',
      format: 'metrics-statistics',
      rows: 6,
      issues: 0,
      reason: 'function orders-api from the file name, metric Invocations from the Label',
    });
    expect(byName['statistics/orders-api/Duration.json']).toMatchObject({
      status: 'loaded',
      rows: 3,
      issues: 1,
      reason: 'function orders-api from the folder name, metric Duration from the Label',
    });
    expect(byName['statistics/ec2-cpu.json']).toMatchObject({
      status: 'skipped',
      rows: 0,
      reason: 'get-metric-statistics of "CPUUtilization": not an AWS/Lambda metric this tool loads',
    });
    expect(await db.json(`${POINTS} WHERE metric = 'Duration' ORDER BY t, stat`)).toEqual([
      { function_name: 'orders-api', metric: 'Duration', t: '09:00', value: 101.5, stat: 'Average', unit: 'Milliseconds', period: null },
      { function_name: 'orders-api', metric: 'Duration', t: '09:00', value: 240, stat: 'Maximum', unit: 'Milliseconds', period: null },
      { function_name: 'orders-api', metric: 'Duration', t: '09:00', value: 230.5, stat: 'p99', unit: 'Milliseconds', period: null },
    ]);
    expect(await db.json(`${POINTS} WHERE metric = 'Invocations' AND stat = 'Sum' ORDER BY t`)).toEqual([
      { function_name: 'orders-api', metric: 'Invocations', t: '09:00', value: 30, stat: 'Sum', unit: 'Count', period: null },
      { function_name: 'orders-api', metric: 'Invocations', t: '09:05', value: 1250, stat: 'Sum', unit: 'Count', period: null },
      { function_name: 'orders-api', metric: 'Invocations', t: '09:10', value: 41, stat: 'Sum', unit: 'Count', period: null },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_metrics WHERE stat = 'SampleCount'`)).toBe(3);
    expect(await db.json('SELECT location, code, message FROM import_issues')).toEqual([
      {
        location: 'datapoint 2',
        code: 'no-statistic',
        message: 'datapoint holds no statistic (Sum, Average, ...); datapoint skipped',
      },
    ]);
  });

  it('a get-metric-statistics file whose path names no function fails alone and can be retried once renamed', async () => {
    const dir = tempDir();
    const unnamed = path.join(dir, 'export.json');
    fs.copyFileSync(NO_FUNCTION, unnamed);
    fs.copyFileSync(STATS_BY_NAME, path.join(dir, 'orders-api_Invocations.json'));
    const s = await importPaths(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['export.json', 'failed', 0],
      ['orders-api_Invocations.json', 'loaded', 6],
    ]);
    expect(await db.json('SELECT path, code, message FROM import_issues')).toEqual([
      {
        path: unnamed,
        code: 'load-failed',
        message:
          "metrics-statistics: get-metric-statistics output names the metric (Errors) but not the function, and the file's path does not " +
          'either: name the file <function>_Errors.json or put it in a folder named after the function, then import it again with --retry; ' +
          'the file was not loaded (nothing from it is in the database)',
      },
    ]);
    fs.renameSync(unnamed, path.join(dir, 'billing_Errors.json'));
    const retried = await importPaths(db, [path.join(dir, 'billing_Errors.json')], { retry: true });
    expect(retried.files[0]).toMatchObject({ status: 'loaded', rows: 1, reason: 'function billing from the file name, metric Errors from the Label' });
    expect(await db.json(`${POINTS} WHERE function_name = 'billing'`)).toEqual([
      { function_name: 'billing', metric: 'Errors', t: '09:00', value: 3, stat: 'Sum', unit: 'Count', period: null },
    ]);
  });

  it('accepts labels in any case and epoch-second timestamps (raw API output)', async () => {
    const dir = tempDir();
    const epoch = Date.UTC(2026, 2, 12, 9, 0, 0) / 1000;
    fs.writeFileSync(
      path.join(dir, 'raw.json'),
      JSON.stringify({
        MetricDataResults: [
          { Id: 'a', Label: 'orders-api   invocations  SUM', Timestamps: [epoch], Values: [7], StatusCode: 'Complete' },
          { Id: 'b', Label: 'orders-api Errors Median', Timestamps: [epoch], Values: [1], StatusCode: 'Complete' },
        ],
      }),
    );
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 1, issues: 1 });
    expect(await db.json(`SELECT function_name, metric, stat, strftime(time, '%Y-%m-%dT%H:%M:%SZ') AS t, value FROM lambda_metrics`)).toEqual([
      { function_name: 'orders-api', metric: 'Invocations', stat: 'Sum', t: '2026-03-12T09:00:00Z', value: 7 },
    ]);
    // "Median" is not a CloudWatch statistic, so the label is not of the documented form
    expect(await db.json('SELECT location, code FROM import_issues')).toEqual([{ location: 'record 2', code: 'metric-unattributed' }]);
  });

  it('a file forced as get-metric-data without MetricDataResults fails with a clear message', async () => {
    const s = await importPaths(db, [STATS_BY_NAME], { source: 'metrics-data' });
    expect(s.files[0]).toMatchObject({ status: 'failed', rows: 0 });
    expect(await db.scalar('SELECT message FROM import_issues')).toBe(
      'metrics-data: not aws cloudwatch get-metric-data output: the file has no "MetricDataResults" array ' +
        '(top-level keys: Label, Datapoints); the file was not loaded (nothing from it is in the database)',
    );
    expect(await count(db, 'SELECT count(*) FROM lambda_metrics')).toBe(0);
  });

  it('importing the same files again changes nothing', async () => {
    await importPaths(db, [DIR]);
    const snapshot = async () =>
      db.json(
        `SELECT (SELECT count(*) FROM lambda_metrics)::INTEGER AS m, (SELECT count(*) FROM import_files)::INTEGER AS l,
                (SELECT count(*) FROM import_issues)::INTEGER AS i`,
      );
    const before = await snapshot();
    expect(before).toEqual([{ m: 7 + 9, l: 6, i: 4 + 1 + 1 + 1 }]);
    const again = await importPaths(db, [DIR]);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await snapshot()).toEqual(before);
  });
});
