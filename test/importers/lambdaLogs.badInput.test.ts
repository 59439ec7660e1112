import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { exportStaging } from '../../src/importers/exportStage.ts';
import { FIXTURES, REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const LL = path.join(FIXTURES, 'lambda-logs');
const SUB_INVOCATION = path.join(REAL, 'datadog-forwarder', 'cwl-subscription_cloudwatch_log_lambda_invocation.json');

function writeGz(root: string, rel: string, content: Buffer | string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, zlib.gzipSync(content));
  return p;
}

function write(root: string, rel: string, content: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

async function issues(): Promise<Array<{ location: string | null; severity: string; code: string; message: string }>> {
  return db.json('SELECT location, severity, code, message FROM import_issues ORDER BY path, location');
}

describe('S3 export files', () => {
  it('a line of several MB loads whole', async () => {
    const root = tempDir();
    const id = 'e0000000-0000-4000-8000-000000000001';
    const messages = [
      `START RequestId: ${id} Version: $LATEST`,
      `2024-05-05T10:00:00.100Z\t${id}\tINFO\t${'x'.repeat(6 * 1024 * 1024)}`,
      `END RequestId: ${id}`,
    ];
    const times = ['2024-05-05T10:00:00.000Z', '2024-05-05T10:00:00.100Z', '2024-05-05T10:00:00.200Z'];
    writeGz(root, 'aws/lambda/big-fn/000000.gz', messages.map((m, i) => `${times[i]} ${m}\n`).join(''));
    const s = await importPaths(db, [root]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-export', rows: 3, issues: 0 });
    expect(
      await db.json(`SELECT record_index::INTEGER AS record_index, kind, request_id, length(message)::INTEGER AS len FROM lambda_log_events ORDER BY record_index`),
    ).toEqual([
      { record_index: 1, kind: 'start', request_id: id, len: messages[0]!.length },
      { record_index: 2, kind: 'app', request_id: id, len: messages[1]!.length },
      { record_index: 3, kind: 'end', request_id: id, len: messages[2]!.length },
    ]);
    expect(messages[1]!.length).toBeGreaterThan(6_000_000);
    expect(await db.scalar(`SELECT message = $m FROM lambda_log_events WHERE record_index = 2`, { m: messages[1]! })).toBe(true);
  });

  it('bytes that are not UTF-8: a warning names the line, the event loads with U+FFFD', async () => {
    const root = tempDir();
    const bytes = Buffer.concat([
      Buffer.from('2024-05-05T11:00:00.000Z first line\n2024-05-05T11:00:01.000Z caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(' latin-1 bytes\n2024-05-05T11:00:02.000Z third line\n'),
    ]);
    writeGz(root, 'aws/lambda/enc-fn/000000.gz', bytes);
    const s = await importPaths(db, [root]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 3, issues: 1 });
    expect(await issues()).toEqual([
      {
        location: 'line 2',
        severity: 'warning',
        code: 'invalid-utf8',
        message: 'line holds bytes that are not UTF-8; they were replaced with U+FFFD',
      },
    ]);
    expect(await db.scalar(`SELECT message FROM lambda_log_events WHERE record_index = 2`)).toBe('caf\uFFFD\uFFFD latin-1 bytes');
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files')).toEqual([{ rows_loaded: 3, rows_rejected: 0 }]);
  });

  it('a line before any timestamped line and a timestamp that is no time are skipped and reported; the rest loads', async () => {
    const root = tempDir();
    write(
      root,
      'aws/lambda/odd-fn/000000',
      '2024-05-05T12:00:00.000Z first\n2024-13-45T25:00:00.000Z not a time\n2024-05-05T12:00:02.000Z third\n',
    );
    // the no-timestamp line has to come first in the file: later ones continue the event before them
    const p2 = write(root, 'aws/lambda/odd-fn/000001', '2024-05-05T12:00:03.000Z a\ncontinued\n');
    const s = await importPaths(db, [root]);
    expect(s.files.map((f) => [f.status, f.rows, f.issues])).toEqual([
      ['loaded', 2, 1],
      ['loaded', 1, 0],
    ]);
    expect(await issues()).toEqual([
      {
        location: 'line 2',
        severity: 'warning',
        code: 'bad-timestamp',
        message: 'log event timestamp "2024-13-45T25:00:00.000Z" is not a valid time; event skipped',
      },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files ORDER BY file_id')).toEqual([
      { rows_loaded: 2, rows_rejected: 1 },
      { rows_loaded: 1, rows_rejected: 0 },
    ]);
    expect(await db.scalar(`SELECT message FROM lambda_log_events WHERE source_file = $p`, { p: p2 })).toBe('a\ncontinued');
  });

  for (const [way, maxFileBytes] of [['read whole', exportStaging.maxFileBytes], ['read line by line', 0]] as const) {
    it(`a gzip export cut short fails alone with corrupt-gzip (${way}), without failing its batch`, async () => {
      const saved = exportStaging.maxFileBytes;
      exportStaging.maxFileBytes = maxFileBytes;
      try {
        const root = tempDir();
        const lines = (word: string, n: number) =>
          Array.from({ length: n }, (_, i) => `2024-05-05T12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z ${word} ${i}\n`).join('');
        const cut = (rel: string, text: string) => {
          const gz = zlib.gzipSync(text);
          const p = path.join(root, rel);
          fs.mkdirSync(path.dirname(p), { recursive: true });
          fs.writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
        };
        writeGz(root, 'aws/lambda/fn/000000.gz', lines('good', 500));
        cut('aws/lambda/fn/000001.gz', lines('cut', 3000));
        cut('aws/lambda/fn/000002.gz', `2024-05-05T11:59:59.000Z a\ncontinued\n${lines('also', 3000)}`);
        writeGz(root, 'aws/lambda/fn/000003.gz', lines('after', 200));
        const batches: number[] = [];
        const s = await importPaths(db, [root], { onBatch: (_source, n) => batches.push(n) });
        expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows, f.issues])).toEqual([
          ['000000.gz', 'loaded', 500, 0],
          ['000001.gz', 'failed', 0, 1],
          ['000002.gz', 'failed', 0, 1],
          ['000003.gz', 'loaded', 200, 0],
        ]);
        // found while the batch was read: one batch, not split to find the bad files, and the
        // ledger knows their format (a file found damaged before loading has none)
        expect(batches).toEqual([4]);
        expect(await db.json(`SELECT status, format, reason FROM import_files ORDER BY path`)).toEqual([
          { status: 'loaded', format: 'lambda-logs-export', reason: expect.anything() },
          { status: 'failed', format: 'lambda-logs-export', reason: 'gzip stream is damaged: unexpected end of file' },
          { status: 'failed', format: 'lambda-logs-export', reason: 'gzip stream is damaged: unexpected end of file' },
          { status: 'loaded', format: 'lambda-logs-export', reason: expect.anything() },
        ]);
        const got = await issues();
        expect(got).toHaveLength(2);
        for (const i of got) {
          expect(i).toMatchObject({ location: null, severity: 'error', code: 'corrupt-gzip' });
          expect(i.message).toMatch(/^gzip stream is damaged: unexpected end of file; the file was not loaded \(nothing from it is in the database\)$/);
        }
        expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(700);
        expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE message LIKE 'cut%' OR message LIKE 'also%' OR message = 'a\ncontinued'`)).toBe(0);
      } finally {
        exportStaging.maxFileBytes = saved;
      }
    });
  }

  it('a leading line without timestamp is reported and counted as rejected', async () => {
    const root = tempDir();
    // detection reads the first line, so force the format
    write(root, 'aws/lambda/odd-fn/000000', 'garbage before the first event\n2024-05-05T12:00:00.000Z first\n');
    const s = await importPaths(db, [root], { source: 'lambda-logs-export' });
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 1, issues: 1 });
    expect(await issues()).toEqual([
      {
        location: 'line 1',
        severity: 'warning',
        code: 'no-timestamp',
        message: 'line does not start with an ISO timestamp and follows no event; skipped',
      },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files')).toEqual([{ rows_loaded: 1, rows_rejected: 1 }]);
  });
});

describe('JSON containers', () => {
  it('invalid JSON in the middle of a filter-log-events file fails that file alone; the other files keep their rows', async () => {
    const root = tempDir();
    write(
      root,
      'a-broken-filter-log-events.json',
      '{\n  "events": [\n    {"logStreamName": "s", "timestamp": 1714900000000, "message": "one", "eventId": "1"},\n' +
        '    {"logStreamName": "s", "timestamp": 1714900000001, "message": "two" "eventId": "2"},\n' +
        '    {"logStreamName": "s", "timestamp": 1714900000002, "message": "three", "eventId": "3"}\n  ],\n  "searchedLogStreams": []\n}\n',
    );
    fs.copyFileSync(SUB_INVOCATION, path.join(root, 'b-subscription.json'));
    fs.copyFileSync(path.join(LL, 'node-text_custom-group_filter-log-events.json'), path.join(root, 'c-filter-log-events.json'));
    writeGz(root, 'd/000000.gz', fs.readFileSync(path.join(LL, 'python-text-export.log')));
    const s = await importPaths(db, [root]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.format, f.rows])).toEqual([
      ['a-broken-filter-log-events.json', 'failed', 'lambda-logs-events', 0],
      ['b-subscription.json', 'loaded', 'lambda-logs-subscription', 19],
      ['c-filter-log-events.json', 'loaded', 'lambda-logs-events', 16],
      ['000000.gz', 'loaded', 'lambda-logs-export', 12],
    ]);
    const failed = await db.json<{ location: string | null; severity: string; code: string; message: string }>(
      `SELECT location, severity, code, message FROM import_issues WHERE path LIKE '%a-broken%'`,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ severity: 'error', code: 'load-failed' });
    expect(failed[0]!.location).not.toBeNull();
    expect(failed[0]!.message).toMatch(/^lambda-logs-events: .*; the file was not loaded \(nothing from it is in the database\)$/);
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(19 + 16 + 12);
    expect(await count(db, `SELECT count(*) FROM lambda_log_events WHERE source_file LIKE '%a-broken%'`)).toBe(0);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(1 + 3 + 2);
  });

  it('one bad event (no timestamp, a timestamp that is text, no message) is skipped with its record number', async () => {
    const root = tempDir();
    write(
      root,
      'filter-log-events.json',
      JSON.stringify({
        events: [
          { logStreamName: 's', timestamp: 1714900000000, message: 'ok 1', eventId: '11' },
          { logStreamName: 's', message: 'no time', eventId: '12' },
          { logStreamName: 's', timestamp: 'yesterday', message: 'text time', eventId: '13' },
          { logStreamName: 's', timestamp: 1714900000003, eventId: '14' },
          { logStreamName: 's', timestamp: 1714900000004, message: 'ok 2', eventId: '15' },
        ],
        searchedLogStreams: [],
      }),
    );
    const s = await importPaths(db, [root], { logGroup: '/aws/lambda/x' });
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 2, issues: 3 });
    expect(await issues()).toEqual([
      { location: 'record 2', severity: 'warning', code: 'missing-timestamp', message: 'log event has no timestamp; event skipped' },
      {
        location: 'record 3',
        severity: 'warning',
        code: 'bad-timestamp',
        message: 'log event timestamp "yesterday" is not a valid time; event skipped',
      },
      { location: 'record 4', severity: 'warning', code: 'missing-message', message: 'log event has no message; event skipped' },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_duplicate::INTEGER AS rows_duplicate, rows_rejected::INTEGER AS rows_rejected FROM import_files')).toEqual([
      { rows_loaded: 2, rows_duplicate: 0, rows_rejected: 3 },
    ]);
    expect(await db.json(`SELECT record_index::INTEGER AS record_index, message FROM lambda_log_events ORDER BY record_index`)).toEqual([
      { record_index: 1, message: 'ok 1' },
      { record_index: 5, message: 'ok 2' },
    ]);
  });

  it('the same events by event id from a subscription and a filter-log-events output are loaded once', async () => {
    const root = tempDir();
    const sub = JSON.parse(fs.readFileSync(SUB_INVOCATION, 'utf8')) as {
      logStream: string;
      logEvents: Array<{ id: string; timestamp: number; message: string }>;
    };
    const events = sub.logEvents.slice(10).map((e) => ({
      logStreamName: sub.logStream,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.timestamp + 500,
      eventId: e.id,
    }));
    events.push({ logStreamName: sub.logStream, timestamp: 1583425837000, message: 'new one\n', ingestionTime: 1583425837500, eventId: '42' });
    write(root, 'filter.json', JSON.stringify({ events, searchedLogStreams: [] }));
    await importPaths(db, [SUB_INVOCATION]);
    const s = await importPaths(db, [path.join(root, 'filter.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 1, duplicates: 9, issues: 0 });
    expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(20);
    expect(await count(db, 'SELECT count(DISTINCT event_id) FROM lambda_log_events')).toBe(20);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_duplicate::INTEGER AS rows_duplicate, rows_rejected::INTEGER AS rows_rejected FROM import_files ORDER BY file_id')).toEqual([
      { rows_loaded: 19, rows_duplicate: 0, rows_rejected: 0 },
      { rows_loaded: 1, rows_duplicate: 9, rows_rejected: 0 },
    ]);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(1);
    expect(await db.scalar('SELECT duration_ms FROM lambda_invocations')).toBe(619.31);
  });

  it('Firehose to S3: concatenated payloads (no separator, two log groups, a CONTROL_MESSAGE) in one .gz', async () => {
    const root = tempDir();
    const payload = (group: string, stream: string, ids: string[], start: number) => ({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: group,
      logStream: stream,
      subscriptionFilters: ['to-firehose'],
      logEvents: ids.map((id, i) => ({ id, timestamp: start + i, message: `line ${id}\n` })),
    });
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: 1714900000500, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    };
    const text =
      JSON.stringify(payload('/aws/lambda/alpha', '2024/05/05/[$LATEST]aa', ['a1', 'a2'], 1714900000000)) +
      JSON.stringify(control) +
      JSON.stringify(payload('/aws/lambda/beta', '2024/05/05/[$LATEST]bb', ['b1', 'b2', 'b3'], 1714900001000));
    writeGz(root, 'firehose/2024/05/05/10/delivery-stream-1-2024-05-05-10-00-00-abcd.gz', text);
    const s = await importPaths(db, [root]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-subscription', rows: 5, duplicates: 0, issues: 0 });
    expect(
      await db.json(`SELECT record_index::INTEGER AS record_index, function_name, log_stream, message FROM lambda_log_events ORDER BY record_index`),
    ).toEqual([
      { record_index: 1, function_name: 'alpha', log_stream: '2024/05/05/[$LATEST]aa', message: 'line a1\n' },
      { record_index: 2, function_name: 'alpha', log_stream: '2024/05/05/[$LATEST]aa', message: 'line a2\n' },
      { record_index: 4, function_name: 'beta', log_stream: '2024/05/05/[$LATEST]bb', message: 'line b1\n' },
      { record_index: 5, function_name: 'beta', log_stream: '2024/05/05/[$LATEST]bb', message: 'line b2\n' },
      { record_index: 6, function_name: 'beta', log_stream: '2024/05/05/[$LATEST]bb', message: 'line b3\n' },
    ]);
    expect(await db.json('SELECT log_group, log_group_method, reason, rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files')).toEqual([
      {
        log_group: null,
        log_group_method: 'in-file',
        reason:
          '2 log groups in the file: /aws/lambda/alpha, /aws/lambda/beta; 1 CONTROL_MESSAGE events skipped (subscription connectivity checks, not log events)',
        rows_loaded: 5,
        rows_rejected: 0,
      },
    ]);
  });

  it('an output with no events loads nothing and says so', async () => {
    const root = tempDir();
    write(root, 'empty.json', JSON.stringify({ events: [], searchedLogStreams: [] }));
    const s = await importPaths(db, [root], { logGroup: '/aws/lambda/x' });
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-logs-events', rows: 0, issues: 0 });
    expect(await db.scalar('SELECT reason FROM import_files')).toBe('log group /aws/lambda/x from --log-group; no log events in the file');
  });
});
