import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import {
  groupFromPath,
  lambdaStreamFromPath,
  pathSegments,
  resolveLogGroup,
  taskFromPath,
} from '../../src/importers/lambdaLogs/logGroup.ts';
import { FIXTURES, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const LL = path.join(FIXTURES, 'lambda-logs');
const TASKS_FILE = path.join(LL, 'describe-export-tasks.json');
const TASK_ID = '7f3c2a91-4b6e-4d8a-9c1f-2e5b8a7d6c40'; // /aws/lambda/orders-worker in describe-export-tasks.json
const STREAM = '2024/05/03/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const EXPORT_TEXT = fs.readFileSync(path.join(LL, 'python-text-export.log'));

function writeGz(root: string, rel: string, content: Buffer | string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, zlib.gzipSync(content));
  return p;
}

const tasks = new Map([[TASK_ID, '/aws/lambda/orders-worker']]);

describe('log group resolution rules (pure functions)', () => {
  it('a path segment equal to a known task id names the group; the folders below it are the stream', () => {
    const segs = pathSegments(`/cases/bucket/exports/${TASK_ID}/${STREAM}/000000.gz`);
    expect(taskFromPath(segs, tasks)).toEqual({ taskId: TASK_ID, logGroup: '/aws/lambda/orders-worker', logStream: STREAM });
    // the object itself is never taken for the task folder
    expect(taskFromPath(pathSegments(`/cases/${TASK_ID}`), tasks)).toBeUndefined();
  });

  it('path forms are strict: aws/lambda/<name>/ folders, or a file named _aws_lambda_<name>[_<digit or [>...]', () => {
    expect(groupFromPath(pathSegments('/x/aws/lambda/orders-api/2024/05/01/000000.gz'))).toEqual({
      logGroup: '/aws/lambda/orders-api',
      how: 'folder aws/lambda/orders-api',
    });
    // the name must be a folder, not the file
    expect(groupFromPath(pathSegments('/x/aws/lambda/orders-api.json'))).toBeUndefined();
    expect(groupFromPath(pathSegments('/x/_aws_lambda_orders-api_2024-05-01.json'))?.logGroup).toBe('/aws/lambda/orders-api');
    expect(groupFromPath(pathSegments('/x/_aws_lambda_my_func.json'))?.logGroup).toBe('/aws/lambda/my_func');
    expect(groupFromPath(pathSegments('/x/_aws_lambda_my_func_[$LATEST]ab.json'))?.logGroup).toBe('/aws/lambda/my_func');
    expect(groupFromPath(pathSegments('/x/_aws_lambda_orders-api'))?.logGroup).toBe('/aws/lambda/orders-api');
    // a folder merely named like a function is not enough
    expect(groupFromPath(pathSegments('/x/orders-api/events.json'))).toBeUndefined();
    expect(groupFromPath(pathSegments('/x/lambda/orders-api/events.json'))).toBeUndefined();
    expect(groupFromPath(pathSegments('/x/aws_lambda_orders-api.json'))).toBeUndefined();
  });

  it("Lambda's stream names are recognised right above an export object", () => {
    expect(lambdaStreamFromPath(pathSegments(`/e/${STREAM}/000001.gz`))).toBe(STREAM);
    expect(lambdaStreamFromPath(pathSegments('/e/2024/05/03/fn[$LATEST]abc/000000.gz'))).toBe('2024/05/03/fn[$LATEST]abc');
    expect(lambdaStreamFromPath(pathSegments('/e/2024/05/03/plain/000000.gz'))).toBeUndefined();
  });

  it('order: --log-group, then export task, then path, else unknown; a disagreement is reported', () => {
    const p = `/c/aws/lambda/guess/${TASK_ID}/${STREAM}/000000.gz`;
    const byTask = resolveLogGroup(p, 'lambda-logs-export', undefined, tasks);
    expect(byTask).toMatchObject({ method: 'export-task', logGroup: '/aws/lambda/orders-worker', logStream: STREAM });
    expect(byTask.conflict).toBeUndefined();
    expect(resolveLogGroup(p, 'lambda-logs-export', '/aws/lambda/cli', tasks)).toMatchObject({
      method: 'cli',
      logGroup: '/aws/lambda/cli',
      conflict: `--log-group /aws/lambda/cli differs from export task ${TASK_ID} in the path (log group /aws/lambda/orders-worker); --log-group was used`,
    });
    expect(resolveLogGroup(p, 'lambda-logs-export', undefined, new Map())).toMatchObject({
      method: 'path',
      logGroup: '/aws/lambda/guess',
      logStream: STREAM,
    });
    const none = resolveLogGroup('/c/export/000000.gz', 'lambda-logs-export', undefined, new Map());
    expect(none.method).toBe('unknown');
    expect(none.logGroup).toBeUndefined();
    expect(none.logStream).toBeUndefined();
    // filter-log-events output carries its streams: the path gives none
    expect(resolveLogGroup(`/c/${STREAM}/x.json`, 'lambda-logs-events', undefined, new Map()).logStream).toBeUndefined();
  });
});

describe('describe-export-tasks and S3 exports', () => {
  it('the listing is loaded first even when it sorts after the exports in the same import', async () => {
    const root = tempDir();
    writeGz(root, `exports/${TASK_ID}/${STREAM}/000000.gz`, EXPORT_TEXT);
    fs.copyFileSync(TASKS_FILE, path.join(root, 'zz-describe-export-tasks.json'));
    const s = await importPaths(db, [root]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.format, f.rows, f.issues])).toEqual([
      ['000000.gz', 'loaded', 'lambda-logs-export', 12, 0],
      ['zz-describe-export-tasks.json', 'loaded', 'log-export-tasks', 2, 1],
    ]);
    expect(
      await db.json(`SELECT task_id, task_name, log_group_name, destination, destination_prefix,
                            strftime(from_time, '%Y-%m-%dT%H:%M:%SZ') AS from_time, strftime(to_time, '%Y-%m-%dT%H:%M:%SZ') AS to_time,
                            status_code
                     FROM log_export_tasks ORDER BY task_name`),
    ).toEqual([
      {
        task_id: '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
        task_name: 'api-gw',
        log_group_name: 'API-Gateway-Execution-Logs_abc123/prod',
        destination: 'ir-evidence-bucket',
        destination_prefix: 'exports',
        from_time: '2024-05-03T00:00:00Z',
        to_time: '2024-05-04T00:00:00Z',
        status_code: 'RUNNING',
      },
      {
        task_id: TASK_ID,
        task_name: 'orders-worker-incident',
        log_group_name: '/aws/lambda/orders-worker',
        destination: 'ir-evidence-bucket',
        destination_prefix: 'exports',
        from_time: '2024-05-03T00:00:00Z',
        to_time: '2024-05-04T00:00:00Z',
        status_code: 'COMPLETED',
      },
    ]);
    expect(await db.json(`SELECT location, severity, code, message FROM import_issues`)).toEqual([
      { location: 'record 3', severity: 'warning', code: 'missing-log-group', message: 'export task has no logGroupName; export task skipped' },
    ]);
    expect(await db.json(`SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files WHERE format = 'log-export-tasks'`)).toEqual([
      { rows_loaded: 2, rows_rejected: 1 },
    ]);
    expect(await db.json(`SELECT log_group, log_group_method, reason FROM import_files WHERE format = 'lambda-logs-export'`)).toEqual([
      {
        log_group: '/aws/lambda/orders-worker',
        log_group_method: 'export-task',
        reason: `log group /aws/lambda/orders-worker from export task ${TASK_ID} (describe-export-tasks)`,
      },
    ]);
    expect(await db.json(`SELECT function_name, log_group, log_stream, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY ALL`)).toEqual([
      { function_name: 'orders-worker', log_group: '/aws/lambda/orders-worker', log_stream: STREAM, n: 12 },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_invocations WHERE function_name = 'orders-worker'`)).toBe(2);
  });

  it('a listing imported later resolves exports imported before it, and upgrades a path guess', async () => {
    const root = tempDir();
    writeGz(root, `plain/${TASK_ID}/${STREAM}/000000.gz`, EXPORT_TEXT);
    writeGz(root, `aws/lambda/guess/${TASK_ID}/${STREAM}/000001.gz`, '2024-05-03T13:00:00.000Z later line\n');
    await importPaths(db, [path.join(root, 'plain'), path.join(root, 'aws')]);
    expect(await db.json(`SELECT log_group, log_group_method FROM import_files ORDER BY file_id`)).toEqual([
      { log_group: null, log_group_method: 'unknown' },
      { log_group: '/aws/lambda/guess', log_group_method: 'path' },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE log_group IS NULL AND log_stream = '${STREAM}'`)).toBe(12);
    expect(await count(db, `SELECT count(*) FROM lambda_invocations WHERE function_name IS NULL`)).toBe(2);

    await importPaths(db, [TASKS_FILE]);
    expect(await db.json(`SELECT log_group, log_group_method, reason FROM import_files WHERE format = 'lambda-logs-export' ORDER BY file_id`)).toEqual(
      [1, 2].map(() => ({
        log_group: '/aws/lambda/orders-worker',
        log_group_method: 'export-task',
        reason: `log group /aws/lambda/orders-worker from export task ${TASK_ID} (describe-export-tasks output imported after this file)`,
      })),
    );
    expect(await db.json(`SELECT function_name, log_group, log_stream, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY ALL`)).toEqual([
      { function_name: 'orders-worker', log_group: '/aws/lambda/orders-worker', log_stream: STREAM, n: 13 },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_invocations WHERE function_name = 'orders-worker'`)).toBe(2);
    expect(await count(db, `SELECT count(*) FROM lambda_invocations`)).toBe(2);
  });

  it('--log-group wins over the export task and the disagreement is a warning', async () => {
    const root = tempDir();
    writeGz(root, `exports/${TASK_ID}/${STREAM}/000000.gz`, EXPORT_TEXT);
    await importPaths(db, [TASKS_FILE]);
    await importPaths(db, [root], { logGroup: '/aws/lambda/other' });
    expect(await db.json(`SELECT log_group, log_group_method FROM import_files WHERE format = 'lambda-logs-export'`)).toEqual([
      { log_group: '/aws/lambda/other', log_group_method: 'cli' },
    ]);
    expect(await db.json(`SELECT severity, code, message FROM import_issues WHERE code = 'log-group-conflict'`)).toEqual([
      {
        severity: 'warning',
        code: 'log-group-conflict',
        message: `--log-group /aws/lambda/other differs from export task ${TASK_ID} in the path (log group /aws/lambda/orders-worker); --log-group was used`,
      },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE function_name = 'other'`)).toBe(12);
  });

  it('a file named _aws_lambda_<name>_... names the group; with no hint the group stays NULL and the ledger says so', async () => {
    const root = tempDir();
    const src = JSON.parse(fs.readFileSync(path.join(LL, 'node-text_custom-group_filter-log-events.json'), 'utf8')) as {
      events: Array<Record<string, unknown>>;
    };
    // default-group streams do not name the function
    for (const e of src.events) e.logStreamName = '2024/05/02/[$LATEST]9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    fs.writeFileSync(path.join(root, '_aws_lambda_payments_v2_2024-05-02.json'), JSON.stringify(src));
    writeGz(root, `loose/${STREAM}/000000.gz`, EXPORT_TEXT);
    const s = await importPaths(db, [root]);
    expect(s.files.map((f) => f.rows)).toEqual([16, 12]);
    expect(await db.json(`SELECT format, log_group, log_group_method FROM import_files ORDER BY path`)).toEqual([
      { format: 'lambda-logs-events', log_group: '/aws/lambda/payments_v2', log_group_method: 'path' },
      { format: 'lambda-logs-export', log_group: null, log_group_method: 'unknown' },
    ]);
    expect(await db.scalar(`SELECT reason FROM import_files WHERE log_group_method = 'path'`)).toBe(
      'log group /aws/lambda/payments_v2 from the path (file name _aws_lambda_payments_v2_2024-05-02.json)',
    );
    expect(await db.json(`SELECT function_name, log_group, log_stream, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY ALL ORDER BY n`)).toEqual([
      { function_name: null, log_group: null, log_stream: STREAM, n: 12 },
      { function_name: 'payments_v2', log_group: '/aws/lambda/payments_v2', log_stream: '2024/05/02/[$LATEST]9f8e7d6c5b4a39281706f5e4d3c2b1a0', n: 16 },
    ]);
  });

  it('the same listing twice: its tasks are counted as duplicates, not loaded again', async () => {
    const root = tempDir();
    const copy = JSON.parse(fs.readFileSync(TASKS_FILE, 'utf8')) as { exportTasks: unknown[] };
    copy.exportTasks = copy.exportTasks.slice(0, 1);
    fs.writeFileSync(path.join(root, 'tasks-again.json'), JSON.stringify(copy));
    await importPaths(db, [TASKS_FILE]);
    const s = await importPaths(db, [path.join(root, 'tasks-again.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'log-export-tasks', rows: 0, duplicates: 1, issues: 0 });
    expect(await count(db, 'SELECT count(*) FROM log_export_tasks')).toBe(2);
  });
});
