import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { section } from '../../src/db/sql.ts';
import { FIXTURES, REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const r = (...p: string[]) => path.join(REAL, ...p);
const LL = path.join(FIXTURES, 'lambda-logs');

interface Invocation {
  function_name: string | null;
  request_id: string;
  start_time: string | null;
  end_time: string | null;
  duration_ms: number | null;
  billed_duration_ms: number | null;
  memory_size_mb: number | null;
  max_memory_used_mb: number | null;
  init_duration_ms: number | null;
  status: string | null;
}

async function invocations(): Promise<Invocation[]> {
  return db.json<Invocation>(
    `SELECT function_name, request_id,
            strftime(start_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS start_time,
            strftime(end_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS end_time,
            duration_ms, billed_duration_ms, memory_size_mb, max_memory_used_mb, init_duration_ms, status
     FROM lambda_invocations ORDER BY request_id`,
  );
}

async function kinds(): Promise<Record<string, number>> {
  const rows = await db.all<{ kind: string; n: bigint }>('SELECT kind, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY kind');
  return Object.fromEntries(rows.map((x) => [x.kind, Number(x.n)]));
}

/** An S3 export object: gzip of the given text, at <root>/<rel>. */
function writeGz(root: string, rel: string, content: string | Buffer): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, zlib.gzipSync(content));
  return p;
}

describe('Lambda logs on the real samples (MANIFEST.md counts)', () => {
  it('datadog lambda_invocation: 19 events, 1 invocation whose REPORT shares its message with the XRAY line', async () => {
    const s = await importPaths(db, [r('datadog-forwarder', 'cwl-subscription_cloudwatch_log_lambda_invocation.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-subscription', rows: 19, duplicates: 0, issues: 0 });
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(19);
    expect(await count(db, 'SELECT count(DISTINCT event_id) FROM lambda_log_events')).toBe(19);
    expect(await kinds()).toEqual({ app: 17, end: 1, report: 1 });
    // three Datadog metric/trace JSON lines carry no request id
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events WHERE request_id IS NULL')).toBe(3);
    expect(
      await db.json(`SELECT function_name, log_group, log_stream FROM lambda_log_events GROUP BY ALL`),
    ).toEqual([
      {
        function_name: 'hello-dog-node-dev-hello12x',
        log_group: '/aws/lambda/hello-dog-node-dev-hello12x',
        log_stream: '2020/03/05/[$LATEST]20bddfd5a2dc4c6b97ac02800eae90d0',
      },
    ]);
    const report = await db.json<{ message: string; t: string }>(
      `SELECT message, strftime(time, '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM lambda_log_events WHERE kind = 'report'`,
    );
    expect(report[0]!.message).toContain('\nXRAY TraceId: 1-5e61292c-cc1229a4dfbeae1043928548');
    expect(report[0]!.t).toBe('2020-03-05T16:30:36.750Z');
    expect(await invocations()).toEqual([
      {
        function_name: 'hello-dog-node-dev-hello12x',
        request_id: 'f08bb4c8-d6b2-4f05-ac17-af7e2ba005fb',
        start_time: null, // this capture has no START line
        end_time: '2020-03-05T16:30:36.750Z',
        duration_ms: 619.31,
        billed_duration_ms: 700,
        memory_size_mb: 128,
        max_memory_used_mb: 118,
        init_duration_ms: null,
        status: 'success',
      },
    ]);
    expect(await db.json(`SELECT log_group, log_group_method, source FROM import_files`)).toEqual([
      { log_group: '/aws/lambda/hello-dog-node-dev-hello12x', log_group_method: 'in-file', source: 'lambda-logs' },
    ]);
  });

  it('datadog coldstart: 3 events with literal \\t and \\n sequences, 1 cold start with Init Duration 120.96 ms', async () => {
    const s = await importPaths(db, [r('datadog-forwarder', 'cwl-subscription_cloudwatch_log_coldstart.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-subscription', rows: 3, issues: 0 });
    expect(await kinds()).toEqual({ start: 1, end: 1, report: 1 });
    // messages are kept as given (literal backslash sequences included)
    expect(await db.scalar(`SELECT message FROM lambda_log_events WHERE kind = 'end'`)).toBe(
      'END RequestId: db275f87-a934-471a-8980-b63bf4dc1beb\\n',
    );
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE request_id = 'db275f87-a934-471a-8980-b63bf4dc1beb'`)).toBe(3);
    expect(await invocations()).toEqual([
      {
        function_name: 'storms-cloudwatch-event',
        request_id: 'db275f87-a934-471a-8980-b63bf4dc1beb',
        start_time: '2020-06-04T15:29:19.098Z',
        end_time: '2020-06-04T15:29:19.101Z',
        duration_ms: 1.76,
        billed_duration_ms: 100,
        memory_size_mb: 128,
        max_memory_used_mb: 48,
        init_duration_ms: 120.96,
        status: 'success',
      },
    ]);
  });

  it('datadog timeout: 4 events, "Task timed out" is a platform line, the invocation has status timeout', async () => {
    const s = await importPaths(db, [r('datadog-forwarder', 'cwl-subscription_cloudwatch_log_timeout.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 4, issues: 0 });
    expect(await kinds()).toEqual({ start: 1, end: 1, report: 1, platform: 1 });
    expect(await db.scalar(`SELECT request_id FROM lambda_log_events WHERE kind = 'platform'`)).toBe(
      '7c9567b5-107b-4a6c-8798-0157ac21db52',
    );
    expect(await invocations()).toEqual([
      {
        function_name: 'storms-cloudwatch-event',
        request_id: '7c9567b5-107b-4a6c-8798-0157ac21db52',
        start_time: '2020-06-09T15:02:23.146Z',
        end_time: '2020-06-09T15:02:26.151Z',
        duration_ms: 3003.16,
        billed_duration_ms: 3000,
        memory_size_mb: 128,
        max_memory_used_mb: 48,
        init_duration_ms: 127.02,
        status: 'timeout',
      },
    ]);
  });

  it('aws-cli get-log-events: 3 events, log group unknown and said so in the ledger', async () => {
    const s = await importPaths(db, [r('aws-cli-doc-examples', 'logs_get-log-events_output.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-events', rows: 3, issues: 0 });
    // two events share timestamp and text (different ingestionTime): both are kept
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE message = 'Example Event 1'`)).toBe(2);
    expect(
      await db.json(`SELECT function_name, log_group, log_stream, event_id, kind, request_id FROM lambda_log_events GROUP BY ALL`),
    ).toEqual([{ function_name: null, log_group: null, log_stream: null, event_id: null, kind: 'app', request_id: null }]);
    expect(await db.scalar(`SELECT strftime(min(time), '%Y-%m-%dT%H:%M:%S.%gZ') FROM lambda_log_events`)).toBe(
      '2015-06-01T20:23:04.356Z',
    );
    const ledger = await db.json<{ log_group: string | null; log_group_method: string; reason: string }>(
      'SELECT log_group, log_group_method, reason FROM import_files',
    );
    expect(ledger).toEqual([
      {
        log_group: null,
        log_group_method: 'unknown',
        reason:
          'log group unknown: the file does not name it; pass --log-group, import the describe-export-tasks output, ' +
          'or keep the files under an aws/lambda/<function>/ folder',
      },
    ]);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(0);
  });

  it('aws-cli get-log-events with --log-group: the group and function come from the command line', async () => {
    await importPaths(db, [r('aws-cli-doc-examples', 'logs_get-log-events_output.json')], { logGroup: '/aws/lambda/my-fn' });
    expect(await db.json(`SELECT function_name, log_group, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY ALL`)).toEqual([
      { function_name: 'my-fn', log_group: '/aws/lambda/my-fn', n: 3 },
    ]);
    expect(await db.json('SELECT log_group, log_group_method, reason FROM import_files')).toEqual([
      { log_group: '/aws/lambda/my-fn', log_group_method: 'cli', reason: 'log group /aws/lambda/my-fn from --log-group' },
    ]);
  });

  it('the whole real-samples folder: 29 Lambda log events and 3 invocations; importing it again changes nothing', async () => {
    await importPaths(db, [REAL]);
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(29);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(3);
    expect(await count(db, `SELECT count(*) FROM import_files WHERE source = 'lambda-logs' AND status <> 'loaded'`)).toBe(0);
    expect(await count(db, `SELECT sum(rows_loaded) FROM import_files WHERE source = 'lambda-logs'`)).toBe(29);
    // CloudTrail through a subscription is not Lambda output
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE source_file LIKE '%cloudtrail%'`)).toBe(0);
    const again = await importPaths(db, [REAL]);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(29);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(3);
  });
});

describe('Lambda JSON log format', () => {
  it('platform.start/runtimeDone/report give start/end/report, JSON app lines give their requestId, metrics come from record.metrics', async () => {
    const s = await importPaths(db, [path.join(LL, 'aws', 'lambda', 'orders-api')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-events', rows: 14, issues: 0 });
    expect(await kinds()).toEqual({ platform: 1, start: 3, end: 3, report: 3, app: 4 });
    // platform.initStart has no request id; the EMF line names none either
    expect(await db.json(`SELECT kind, left(message, 40) AS m FROM lambda_log_events WHERE request_id IS NULL ORDER BY record_index`)).toEqual([
      { kind: 'platform', m: '{"time":"2024-05-01T10:00:00.000Z","type' },
      { kind: 'app', m: '{"_aws":{"Timestamp":1714557720020,"Clou' },
    ]);
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE function_name = 'orders-api' AND log_group = '/aws/lambda/orders-api'`)).toBe(14);
    const inv = await invocations();
    expect(inv).toEqual([
      {
        function_name: 'orders-api',
        request_id: 'a1b2c3d4-0001-4e5f-8a9b-000000000001',
        start_time: '2024-05-01T10:00:00.400Z',
        end_time: '2024-05-01T10:00:00.452Z',
        duration_ms: 52.31,
        billed_duration_ms: 53,
        memory_size_mb: 256,
        max_memory_used_mb: 71,
        init_duration_ms: 398.2,
        status: 'success',
      },
      {
        function_name: 'orders-api',
        request_id: 'a1b2c3d4-0002-4e5f-8a9b-000000000002',
        start_time: '2024-05-01T10:01:00.000Z',
        end_time: '2024-05-01T10:01:03.001Z',
        duration_ms: 3000,
        billed_duration_ms: 3000,
        memory_size_mb: 256,
        max_memory_used_mb: 80,
        init_duration_ms: null,
        status: 'timeout',
      },
      {
        function_name: 'orders-api',
        request_id: 'a1b2c3d4-0003-4e5f-8a9b-000000000003',
        start_time: '2024-05-01T10:02:00.000Z',
        end_time: '2024-05-01T10:02:00.012Z',
        duration_ms: 12.5,
        billed_duration_ms: 13,
        memory_size_mb: 256,
        max_memory_used_mb: 72,
        init_duration_ms: null,
        status: 'error',
      },
    ]);
  });
});

describe('Lambda text log format', () => {
  it('Node.js in a custom log group: the function comes from the stream name; Invoke Error and Status: error give error', async () => {
    const s = await importPaths(db, [path.join(LL, 'node-text_custom-group_filter-log-events.json')], { logGroup: '/app/shared-logs' });
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-events', rows: 16, issues: 0 });
    expect(await kinds()).toEqual({ platform: 3, start: 3, end: 3, report: 3, app: 4 });
    expect(await db.json(`SELECT function_name, log_group, count(*)::INTEGER AS n FROM lambda_log_events GROUP BY ALL`)).toEqual([
      { function_name: 'payments-fn', log_group: '/app/shared-logs', n: 16 },
    ]);
    expect(
      await db.json(`SELECT left(message, 16) AS m, request_id FROM lambda_log_events WHERE kind = 'platform' ORDER BY record_index`),
    ).toEqual([
      { m: 'INIT_START Runti', request_id: null },
      { m: 'EXTENSION\tName: ', request_id: null },
      { m: 'RequestId: b0000', request_id: 'b0000000-0000-4000-8000-000000000002' },
    ]);
    const inv = await invocations();
    expect(inv.map((i) => [i.request_id, i.status, i.duration_ms, i.init_duration_ms, i.max_memory_used_mb])).toEqual([
      ['b0000000-0000-4000-8000-000000000001', 'error', 15.02, 160.11, 70],
      ['b0000000-0000-4000-8000-000000000002', 'error', 99, null, 128],
      ['b0000000-0000-4000-8000-000000000003', 'success', 8.5, null, 71],
    ]);
    expect(inv.every((i) => i.function_name === 'payments-fn')).toBe(true);
  });

  it('Python S3 export: split on \\n only, a traceback with \\r stays one event, [LEVEL]\\t<ts>\\t<id> lines give the request id', async () => {
    const root = tempDir();
    const text = fs.readFileSync(path.join(LL, 'python-text-export.log'));
    expect(text.includes(0x0d)).toBe(true);
    writeGz(root, 'aws/lambda/orders-py/2024/05/03/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0/000000.gz', text);
    const s = await importPaths(db, [root]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-export', rows: 12, issues: 0 });
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(12);
    expect(await kinds()).toEqual({ platform: 2, start: 2, end: 2, report: 2, app: 4 });
    const tb = await db.json<{ record_index: number; request_id: string; message: string }>(
      `SELECT record_index::INTEGER AS record_index, request_id, message FROM lambda_log_events WHERE message LIKE '%Traceback%'`,
    );
    expect(tb).toHaveLength(1);
    expect(tb[0]!.record_index).toBe(5);
    expect(tb[0]!.request_id).toBe('c0000000-0000-4000-8000-000000000001');
    expect(tb[0]!.message.split('\r')).toEqual([
      '[ERROR]\t2024-05-03T12:00:00.371Z\tc0000000-0000-4000-8000-000000000001\tpayment failed',
      'Traceback (most recent call last):',
      '  File "/var/task/app.py", line 7, in handler',
      "    oid = event['order_id']",
      "KeyError: 'order_id'",
    ]);
    expect(await db.scalar(`SELECT request_id FROM lambda_log_events WHERE message LIKE 'print()%'`)).toBeNull();
    // the S3 export's folders give the stream; the aws/lambda/<name> folder gives the group
    expect(await db.json(`SELECT function_name, log_group, log_stream FROM lambda_log_events GROUP BY ALL`)).toEqual([
      {
        function_name: 'orders-py',
        log_group: '/aws/lambda/orders-py',
        log_stream: '2024/05/03/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      },
    ]);
    expect(await db.scalar(`SELECT strftime(time, '%Y-%m-%dT%H:%M:%S.%gZ') FROM lambda_log_events WHERE record_index = 1`)).toBe(
      '2024-05-03T12:00:00.000Z',
    );
    const inv = await invocations();
    expect(inv.map((i) => [i.request_id, i.status, i.start_time, i.end_time, i.duration_ms, i.billed_duration_ms, i.memory_size_mb, i.max_memory_used_mb, i.init_duration_ms])).toEqual([
      ['c0000000-0000-4000-8000-000000000001', 'success', '2024-05-03T12:00:00.350Z', '2024-05-03T12:00:00.380Z', 30.12, 31, 256, 64, 350.4],
      ['c0000000-0000-4000-8000-000000000002', 'timeout', '2024-05-03T12:00:05.000Z', '2024-05-03T12:00:08.011Z', 3000, 3000, 256, 66, null],
    ]);
  });
});

describe('lambda_invocations is rebuilt from every event', () => {
  it('START in one file and END/REPORT in another make one invocation; a file without group inherits the function by request id', async () => {
    const root = tempDir();
    const id = 'd0000000-0000-4000-8000-000000000001';
    writeGz(root, 'part1/000000.gz', `2024-05-04T09:00:00.000Z START RequestId: ${id} Version: $LATEST\n2024-05-04T09:00:00.010Z 2024-05-04T09:00:00.010Z\t${id}\tINFO\thello\n`);
    const sub = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/lambda/split-fn',
      logStream: '2024/05/04/[$LATEST]aaaa',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '1', timestamp: Date.parse('2024-05-04T09:00:00.020Z'), message: `END RequestId: ${id}\n` },
        { id: '2', timestamp: Date.parse('2024-05-04T09:00:00.021Z'), message: `REPORT RequestId: ${id}\tDuration: 20.00 ms\tBilled Duration: 21 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n` },
      ],
    };
    fs.writeFileSync(path.join(root, 'part2.json'), JSON.stringify(sub));
    await importPaths(db, [path.join(root, 'part1')]);
    expect(await invocations()).toEqual([
      expect.objectContaining({ function_name: null, request_id: id, start_time: '2024-05-04T09:00:00.000Z', end_time: null, status: null }),
    ]);
    await importPaths(db, [path.join(root, 'part2.json')]);
    expect(await invocations()).toEqual([
      {
        function_name: 'split-fn',
        request_id: id,
        start_time: '2024-05-04T09:00:00.000Z',
        end_time: '2024-05-04T09:00:00.020Z',
        duration_ms: 20,
        billed_duration_ms: 21,
        memory_size_mb: 128,
        max_memory_used_mb: 60,
        init_duration_ms: null,
        status: 'success',
      },
    ]);
    // the events themselves keep what their file said
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events WHERE function_name IS NULL')).toBe(2);
  });

  it('REPORT fields are read whatever their order (the usual order is read by one expression, any other field by field)', async () => {
    const root = tempDir();
    const ids = ['d0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004'];
    const report = [
      // as the runtime writes it, with a cold start and a SnapStart restore after the four fields
      `REPORT RequestId: ${ids[0]}\tDuration: 5.50 ms\tBilled Duration: 6 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\tInit Duration: 120.96 ms\tRestore Duration: 355.21 ms\t\n`,
      // another order: each field found by its own expression
      `REPORT RequestId: ${ids[1]}\tDuration: 7.25 ms\tMemory Size: 512 MB\tBilled Duration: 8 ms\tMax Memory Used: 90 MB\t\n`,
    ];
    fs.writeFileSync(path.join(root, 'sub.json'), JSON.stringify({
      messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/aws/lambda/fields-fn', logStream: '2024/05/04/[$LATEST]aaaa', subscriptionFilters: ['f'],
      logEvents: report.map((message, i) => ({ id: `r${i}`, timestamp: Date.parse('2024-05-04T09:00:01.000Z') + i, message })),
    }));
    await importPaths(db, [root]);
    expect((await invocations()).map((i) => [i.request_id, i.duration_ms, i.billed_duration_ms, i.memory_size_mb, i.max_memory_used_mb, i.init_duration_ms, i.status])).toEqual([
      [ids[0], 5.5, 6, 256, 70, 120.96, 'success'],
      [ids[1], 7.25, 8, 512, 90, null, 'success'],
    ]);
  });

  it('an event without a function name is not given one when its request id was seen in two functions', async () => {
    const root = tempDir();
    const id = 'd0000000-0000-4000-8000-000000000002';
    writeGz(root, 'part1/000000.gz', `2024-05-04T09:00:00.000Z START RequestId: ${id} Version: $LATEST\n`);
    for (const fn of ['fn-a', 'fn-b']) {
      fs.writeFileSync(path.join(root, `${fn}.json`), JSON.stringify({
        messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: `/aws/lambda/${fn}`, logStream: '2024/05/04/[$LATEST]aaaa', subscriptionFilters: ['f'],
        logEvents: [
          { id: `${fn}-1`, timestamp: Date.parse('2024-05-04T09:00:00.020Z'), message: `END RequestId: ${id}\n` },
          { id: `${fn}-2`, timestamp: Date.parse('2024-05-04T09:00:00.021Z'), message: `REPORT RequestId: ${id}\tDuration: 20.00 ms\tBilled Duration: 21 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n` },
        ],
      }));
    }
    await importPaths(db, [root]);
    const key = (i: Invocation) => (i.function_name === null ? 'z' : `a ${i.function_name}`); // no function last
    const byName = (await invocations()).sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(byName.map((i) => [i.function_name, i.start_time, i.status])).toEqual([
      ['fn-a', null, 'success'],
      ['fn-b', null, 'success'],
      [null, '2024-05-04T09:00:00.000Z', null],
    ]);
  });
});

describe('function name and message normalisation macros (lambda_logs_derive.sql)', () => {
  it('name the function from its log group (Lambda@Edge included) or a custom group\'s stream, and turn \\t and \\n back into characters', async () => {
    await db.run(section('staging/lambda_logs_derive.sql', 'macros'));
    const cases: Array<[string | null, string | null, string | null]> = [
      ['/aws/lambda/orders-api', null, 'orders-api'],
      ['/aws/lambda/us-east-1.edge-auth', null, 'edge-auth'],
      ['/aws/lambda/eu-central-1.viewer_req', '2026/03/11/x[$LATEST]ab', 'viewer_req'],
      ['/aws/lambda/my.fn', null, 'my.fn'],
      ['/aws/lambda/', null, null],
      ['/aws/lambda/a/b', null, null],
      ['/custom/app-logs', '2026/03/11/billing-job[$LATEST]0123abcd', 'billing-job'],
      ['/custom/app-logs', 'not-a-lambda-stream', null],
      [null, null, null],
    ];
    for (const [group, stream, want] of cases) {
      expect(await db.scalar('SELECT ll_function_name($g::VARCHAR, $s::VARCHAR)', { g: group, s: stream }), `${group} ${stream}`).toBe(want);
    }
    expect(await db.scalar(`SELECT ll_norm('a\\tb\\nc')`)).toBe('a\tb\nc');
    expect(await db.scalar(`SELECT ll_norm('no backslash')`)).toBe('no backslash');
    expect(await db.scalar(`SELECT ll_norm('C:\\x')`)).toBe('C:\\x');
  });
});
