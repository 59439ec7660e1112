import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { classifyMessage, detect } from '../../src/importers/detect.ts';
import { readFacts } from '../../src/importers/sniff.ts';
import { FIXTURES, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const fx = (name: string) => path.join(FIXTURES, 'flow', name);

async function rowsOf(file: string): Promise<number> {
  return count(db, 'SELECT count(*) FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f)', { f: file });
}
async function issues() {
  return db.json<{ location: string | null; severity: string; code: string; message: string }>(
    'SELECT location, severity, code, message FROM import_issues ORDER BY file_id, location',
  );
}
async function ledger() {
  return db.json<{ status: string; format: string; rows_loaded: number; rows_rejected: number; reason: string | null }>(
    `SELECT status, format, rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected, reason
     FROM import_files ORDER BY file_id`,
  );
}

const REC = {
  accept: '2 123456789012 eni-0a1b2c3d4e5f60004 10.0.1.25 52.216.8.10 43418 443 6 12 5220 1700000000 1700000060 ACCEPT OK',
  reject: '2 123456789012 eni-0a1b2c3d4e5f60004 198.51.100.7 10.0.1.25 51515 22 6 1 40 1700000000 1700000060 REJECT OK',
  nodata: '2 123456789012 eni-0a1b2c3d4e5f60004 - - - - - - - 1700000000 1700000060 - NODATA',
};

describe('flow records through CloudWatch Logs', () => {
  it('subscription payload: records in the default format load, a bad port and a short record are skipped with their record number', async () => {
    const f = fx('cwl-subscription.json');
    const s = await importPaths(db, [f]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-cwl-subscription', rows: 3, issues: 2 });
    expect(await issues()).toEqual([
      { location: 'record 3', severity: 'warning', code: 'bad-number', message: 'srcport is "x22", not a number; record skipped' },
      { location: 'record 5', severity: 'warning', code: 'wrong-field-count', message: 'record has 6 fields, the default flow-log format has 14; record skipped' },
    ]);
    expect(await ledger()).toEqual([{ status: 'loaded', format: 'flow-cwl-subscription', rows_loaded: 3, rows_rejected: 2, reason: null }]);
    expect(
      await db.json(
        `SELECT account_id, interface_id, srcaddr, srcport, dstport, protocol, packets::INTEGER AS packets, bytes::INTEGER AS bytes,
                strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, action, log_status, (SELECT path FROM import_files i WHERE i.file_id = flow_records.file_id) AS source_file
         FROM flow_records ORDER BY log_status DESC, action`,
      ),
    ).toEqual([
      { account_id: '123456789012', interface_id: 'eni-0a1b2c3d4e5f60004', srcaddr: '10.0.1.25', srcport: 43418, dstport: 443, protocol: 6, packets: 12, bytes: 5220, start_time: '2023-11-14T22:13:20Z', action: 'ACCEPT', log_status: 'OK', source_file: f },
      { account_id: '123456789012', interface_id: 'eni-0a1b2c3d4e5f60004', srcaddr: '198.51.100.7', srcport: 51515, dstport: 22, protocol: 6, packets: 1, bytes: 40, start_time: '2023-11-14T22:13:20Z', action: 'REJECT', log_status: 'OK', source_file: f },
      { account_id: '123456789012', interface_id: 'eni-0a1b2c3d4e5f60004', srcaddr: null, srcport: null, dstport: null, protocol: null, packets: null, bytes: null, start_time: '2023-11-14T22:13:20Z', action: null, log_status: 'NODATA', source_file: f },
    ]);
  });

  it('filter-log-events output and a CloudWatch Logs S3 export (line numbers) load alongside', async () => {
    const events = fx('cwl-filter-log-events.json');
    const exp = fx('cwl-export.txt');
    const s = await importPaths(db, [events, exp]);
    expect(s.files.map((f) => [f.format, f.status, f.rows, f.issues])).toEqual([
      ['flow-cwl-events', 'loaded', 3, 0],
      ['flow-cwl-export', 'loaded', 3, 1],
    ]);
    expect(await issues()).toEqual([
      { location: 'line 3', severity: 'warning', code: 'bad-number', message: 'srcport is "x22", not a number; record skipped' },
    ]);
    expect(await db.json(`SELECT log_status, count(*)::INTEGER AS n FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) GROUP BY 1 ORDER BY 1`, { f: events })).toEqual([
      { log_status: 'NODATA', n: 1 },
      { log_status: 'OK', n: 2 },
    ]);
    expect(await rowsOf(exp)).toBe(3);
  });

  it('gzip Firehose object with several payloads, a CONTROL_MESSAGE among them: records numbered across the payloads', async () => {
    const dir = tempDir();
    const payload = (events: string[]) =>
      JSON.stringify({
        messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'vpc-flow-logs', logStream: 'eni-0a1b2c3d4e5f60004-all',
        subscriptionFilters: ['to-firehose'],
        logEvents: events.map((m, i) => ({ id: String(i), timestamp: 1700000100000 + i, message: m })),
      });
    const control = JSON.stringify({
      messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: 1700000100000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    });
    const body = payload([REC.accept, REC.reject]) + control + payload([REC.nodata, `${REC.accept} extra`]);
    const p = path.join(dir, 'firehose-object');
    fs.writeFileSync(p, zlib.gzipSync(body));
    const s = await importPaths(db, [p]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-cwl-subscription', rows: 3, issues: 1 });
    expect(await issues()).toEqual([
      { location: 'record 4', severity: 'warning', code: 'wrong-field-count', message: 'record has 15 fields, the default flow-log format has 14; record skipped' },
    ]);
  });

  it('records in a custom format (no header through CloudWatch Logs): the file fails as a whole; other files lose nothing', async () => {
    const dir = tempDir();
    const custom = ['vpc-0a 10.0.0.1 10.0.0.2 443 ACCEPT egress', 'vpc-0a 10.0.0.3 10.0.0.4 22 REJECT ingress'];
    const events = custom.map((m, i) => ({ logStreamName: 'eni-0a-all', timestamp: 1700000100000 + i, message: m, ingestionTime: 1700000160000, eventId: String(i) }));
    // detection needs a default-format first record to call it flow; force the format as a user would
    const p = path.join(dir, 'custom.json');
    fs.writeFileSync(p, JSON.stringify({ events, searchedLogStreams: [] }));
    await importPaths(db, [p], { source: 'flow-cwl-events' });
    await importPaths(db, [fx('cwl-subscription.json')]);
    expect(await ledger()).toEqual([
      {
        status: 'failed',
        format: 'flow-cwl-events',
        rows_loaded: 0,
        rows_rejected: 0,
        reason:
          'flow-cwl-events: none of the 2 flow records is in the default format (14 version-2 fields; most records here have 6); ' +
          'flow records delivered through CloudWatch Logs carry no header line, so a custom log format cannot be read; ' +
          'the file was not loaded (nothing from it is in the database)',
      },
      { status: 'loaded', format: 'flow-cwl-subscription', rows_loaded: 3, rows_rejected: 2, reason: null },
    ]);
    expect(await rowsOf(p)).toBe(0);
  });

  it('14 fields in another order are not taken for the default format', async () => {
    const dir = tempDir();
    const shuffled = '2 123456789012 eni-0a 10.0.0.1 10.0.0.2 443 43418 6 12 5220 1700000000 1700000060 OK ACCEPT';
    const lines = [`2023-11-14T22:15:00.000Z ${REC.accept}`, `2023-11-14T22:15:00.000Z ${shuffled}`];
    const p = path.join(dir, 'export.txt');
    fs.writeFileSync(p, lines.join('\n') + '\n');
    const s = await importPaths(db, [p]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-cwl-export', rows: 1, issues: 1 });
    expect(await issues()).toEqual([
      {
        location: 'line 2',
        severity: 'warning',
        code: 'not-default-format',
        message: 'record is not in the default flow-log format (field 13 is "OK", field 14 "ACCEPT", where action and log-status belong); record skipped',
      },
    ]);
  });
});

describe('flow detection of CloudWatch Logs messages', () => {
  it('a Lambda message that starts with a flow-log field name is not a flow record; a default-format record is', () => {
    expect(classifyMessage('start processing order 42')).toBe('lambda');
    expect(classifyMessage('type error in handler')).toBe('lambda');
    expect(classifyMessage('version 1.2.3 deployed')).toBe('lambda');
    expect(classifyMessage(REC.accept)).toBe('flow');
    expect(classifyMessage(REC.nodata)).toBe('flow');
  });

  it('a subscription payload of a Lambda log group whose first message starts with "start" is not taken for flow logs', async () => {
    const dir = tempDir();
    const p = path.join(dir, 'lambda.json');
    fs.writeFileSync(
      p,
      JSON.stringify({
        messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/aws/lambda/orders', logStream: '2023/11/14/[$LATEST]abc',
        subscriptionFilters: ['all'], logEvents: [{ id: '1', timestamp: 1700000100000, message: 'start processing order 42\n' }],
      }),
    );
    expect(detect(await readFacts(p))).toMatchObject({ kind: 'load', format: 'lambda-logs-subscription' });
    expect(detect(await readFacts(fx('cwl-subscription.json')))).toMatchObject({ kind: 'load', format: 'flow-cwl-subscription' });
    expect(detect(await readFacts(fx('cwl-filter-log-events.json')))).toMatchObject({ kind: 'load', format: 'flow-cwl-events' });
    expect(detect(await readFacts(fx('cwl-export.txt')))).toMatchObject({ kind: 'load', format: 'flow-cwl-export' });
  });
});
