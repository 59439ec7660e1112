import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFacts } from '../../src/importers/sniff.ts';
import { Spooler } from '../../src/importers/spool.ts';
import { copyOne } from '../../src/importers/spoolCopy.mjs';
import { Db } from '../../src/db/connection.ts';
import { ensureSchema } from '../../src/db/schema.ts';
import { UserError } from '../../src/errors.ts';
import { FIXTURES, REAL, cloudTrailBeforeSchema5, count, importPaths, memoryDb, migratedFrom, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const r = (...p: string[]) => path.join(REAL, ...p);
const fx = (name: string) => path.join(FIXTURES, 'flow', name);
const CRIBL = r('cribl-vpc-flow-pack', '216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.log');

interface Ledger {
  path: string;
  status: string;
  format: string | null;
  rows_loaded: number;
  rows_rejected: number;
  issues: number;
  reason: string | null;
}
async function ledger(): Promise<Ledger[]> {
  return db.json<Ledger>(
    `SELECT path, status, format, rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected,
            issues::INTEGER AS issues, reason FROM import_files ORDER BY file_id`,
  );
}
async function issues(): Promise<Array<{ path: string; location: string | null; severity: string; code: string; message: string }>> {
  return db.json('SELECT path, location, severity, code, message FROM import_issues ORDER BY path, file_id, location, code');
}
async function rowsOf(file: string): Promise<number> {
  return count(db, 'SELECT count(*) FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f)', { f: file });
}

/** Writes `content` (a string or bytes) under a fresh temp dir and returns its path. */
function write(dir: string, name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const V2_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

describe('flow importer on the real samples (MANIFEST.md counts)', () => {
  it('cribl: S3 text delivery, default v2 with a header line: 99 records, the header is not one', async () => {
    const s = await importPaths(db, [CRIBL]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-text', rows: 99, issues: 0 });
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(99);
    expect(await count(db, `SELECT count(*) FROM flow_records WHERE action = 'REJECT'`)).toBe(67);
    expect(await count(db, `SELECT count(*) FROM flow_records WHERE action = 'ACCEPT'`)).toBe(32);
    expect(await count(db, 'SELECT count(DISTINCT interface_id) FROM flow_records')).toBe(4);
    expect(await count(db, `SELECT count(*) FROM flow_records WHERE account_id <> '216782312663'`)).toBe(0);
    const first = await db.json(
      `SELECT version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets::INTEGER AS packets, bytes::INTEGER AS bytes,
              strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, strftime(end_time, '%Y-%m-%dT%H:%M:%SZ') AS end_time,
              action, log_status, vpc_id, reject_reason, (SELECT path FROM import_files i WHERE i.file_id = flow_records.file_id) AS source_file, file_id::INTEGER AS file_id
       FROM flow_records WHERE srcaddr = '89.248.165.164' AND dstport = 1900`,
    );
    expect(first).toEqual([
      {
        version: 2,
        account_id: '216782312663',
        interface_id: 'eni-0b2fc5457066bc156',
        srcaddr: '89.248.165.164',
        dstaddr: '10.0.0.164',
        srcport: 39540,
        dstport: 1900,
        protocol: 17,
        packets: 1,
        bytes: 118,
        start_time: '2021-09-02T21:44:48Z',
        end_time: '2021-09-02T21:45:02Z',
        action: 'REJECT',
        log_status: 'OK',
        vpc_id: null,
        reject_reason: null,
        source_file: CRIBL,
        file_id: 1,
      },
    ]);
    const [min, max] = (
      await db.json<{ a: string; b: string }>(
        `SELECT strftime(min(start_time), '%Y-%m-%dT%H:%M:%SZ') AS a, strftime(max(end_time), '%Y-%m-%dT%H:%M:%SZ') AS b FROM flow_records`,
      )
    ).map((x) => [x.a, x.b])[0]!;
    expect([min, max]).toEqual(['2021-09-02T21:44:25Z', '2021-09-02T21:45:25Z']);
  });

  it('the whole real folder yields exactly 114 flow records; the non-flow JSON files are skipped with a reason; a second import changes nothing', async () => {
    await importPaths(db, [REAL]);
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(114);
    const flowFiles = await db.json<{ path: string; rows_loaded: number }>(
      `SELECT path, rows_loaded::INTEGER AS rows_loaded FROM import_files WHERE source = 'flow' ORDER BY path`,
    );
    expect(flowFiles.map((f) => [path.basename(f.path), f.rows_loaded])).toEqual([
      ['216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.log', 99],
      ['111111111111_vpcflowlogs_eu-west-3_fl-032a163fae170ae52_20220831T1255Z_2ad4bef5.parquet', 7],
      ['test_parquet.parquet', 8],
    ]);
    const skipped = await db.json<{ path: string; status: string; reason: string }>(
      `SELECT path, status, reason FROM import_files WHERE path LIKE '%ZP04h5.cribl-sample.json' OR path LIKE '%test_parquet_result.json' ORDER BY path`,
    );
    expect(skipped.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    for (const s of skipped) expect(s.reason).toMatch(/^unrecognised JSON/);

    const files = await count(db, 'SELECT count(*) FROM import_files');
    const iss = await count(db, 'SELECT count(*) FROM import_issues');
    const again = await importPaths(db, [REAL]);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(114);
    expect(await count(db, 'SELECT count(*) FROM import_files')).toBe(files);
    expect(await count(db, 'SELECT count(*) FROM import_issues')).toBe(iss);
  });
});

describe('flow-text variants', () => {
  it('a custom format with every v2-v8 field in its own order maps each field to its column; NODATA/SKIPDATA are kept with NULLs', async () => {
    const s = await importPaths(db, [fx('custom-all-fields.log')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-text', rows: 5, issues: 0 });
    const rows = await db.json<Record<string, unknown>>(
      `SELECT * EXCLUDE (start_time, end_time, file_id, packets, bytes),
              packets::INTEGER AS packets, bytes::INTEGER AS bytes,
              strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, strftime(end_time, '%Y-%m-%dT%H:%M:%SZ') AS end_time
       FROM flow_records ORDER BY start_time`,
    );
    const nulls = (...cols: string[]) => Object.fromEntries(cols.map((c) => [c, null]));
    const noEcs = nulls(
      'ecs_cluster_arn', 'ecs_cluster_name', 'ecs_container_instance_arn', 'ecs_container_instance_id', 'ecs_container_id',
      'ecs_second_container_id', 'ecs_service_name', 'ecs_task_definition_arn', 'ecs_task_arn', 'ecs_task_id',
    );
    const where = {
      version: 8, account_id: '012345678901', vpc_id: 'vpc-0a1b2c3d4e5f60001', subnet_id: 'subnet-0a1b2c3d4e5f60002',
      region: 'us-east-1', az_id: 'use1-az4', sublocation_type: null, sublocation_id: null,
    };
    expect(rows[0]).toEqual({
      ...where,
      interface_id: 'eni-0a1b2c3d4e5f60004', instance_id: 'i-0a1b2c3d4e5f60003', type: 'IPv4',
      srcaddr: '10.0.1.25', dstaddr: '52.216.8.10', srcport: 43418, dstport: 443, pkt_srcaddr: '10.0.1.25', pkt_dstaddr: '52.216.8.10',
      protocol: 6, bytes: 5220, packets: 12, start_time: '2023-11-14T22:13:20Z', end_time: '2023-11-14T22:14:20Z',
      action: 'ACCEPT', tcp_flags: 19, log_status: 'OK', pkt_src_aws_service: null, pkt_dst_aws_service: 'S3',
      flow_direction: 'egress', traffic_path: 8, ...noEcs, reject_reason: null,
    });
    expect(rows[1]).toEqual({
      ...where,
      interface_id: 'eni-0a1b2c3d4e5f60005', instance_id: null, type: 'IPv4',
      srcaddr: '10.0.2.7', dstaddr: '10.0.3.9', srcport: 50132, dstport: 5432, pkt_srcaddr: '10.0.2.7', pkt_dstaddr: '10.0.3.9',
      protocol: 6, bytes: 2048, packets: 9, start_time: '2023-11-14T22:13:30Z', end_time: '2023-11-14T22:14:30Z',
      action: 'ACCEPT', tcp_flags: 3, log_status: 'OK', pkt_src_aws_service: null, pkt_dst_aws_service: null,
      flow_direction: 'egress', traffic_path: 1,
      ecs_cluster_arn: 'arn:aws:ecs:us-east-1:012345678901:cluster/prod',
      ecs_cluster_name: 'prod',
      ecs_container_instance_arn: 'arn:aws:ecs:us-east-1:012345678901:container-instance/prod/3f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
      ecs_container_instance_id: '3f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
      ecs_container_id: '7d9e0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f',
      ecs_second_container_id: null,
      ecs_service_name: 'orders',
      ecs_task_definition_arn: 'arn:aws:ecs:us-east-1:012345678901:task-definition/orders:12',
      ecs_task_arn: 'arn:aws:ecs:us-east-1:012345678901:task/prod/5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d',
      ecs_task_id: '5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d',
      reject_reason: null,
    });
    expect(rows[2]).toMatchObject({ action: 'REJECT', flow_direction: 'ingress', traffic_path: null, reject_reason: 'BPA', dstport: 22 });
    const empty = {
      type: null, srcaddr: null, dstaddr: null, srcport: null, dstport: null, pkt_srcaddr: null, pkt_dstaddr: null,
      protocol: null, bytes: null, packets: null, action: null, tcp_flags: null, flow_direction: null, traffic_path: null,
    };
    expect(rows[3]).toMatchObject({ ...empty, log_status: 'NODATA', interface_id: 'eni-0a1b2c3d4e5f60004', start_time: '2023-11-14T22:13:50Z' });
    expect(rows[4]).toMatchObject({ ...empty, log_status: 'SKIPDATA', start_time: '2023-11-14T22:14:00Z' });
  });

  it('a headerless file in the default v2 format loads, plain and gzip (detected from content, whatever the name)', async () => {
    const dir = tempDir();
    const gz = write(dir, 'no-extension.bin', zlib.gzipSync(fs.readFileSync(fx('headerless-v2.log'))));
    const s = await importPaths(db, [fx('headerless-v2.log'), gz]);
    expect(s.files.map((f) => [f.status, f.format, f.rows, f.issues])).toEqual([
      ['loaded', 'flow-text', 4, 0],
      ['loaded', 'flow-text', 4, 0],
    ]);
    for (const file of [fx('headerless-v2.log'), gz]) {
      const rows = await db.json(
        `SELECT account_id, interface_id, srcaddr, srcport, packets::INTEGER AS packets, action, log_status FROM flow_records
         WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) ORDER BY log_status, action NULLS LAST`,
        { f: file },
      );
      expect(rows).toEqual([
        { account_id: '123456789010', interface_id: 'eni-1235b8ca123456789', srcaddr: null, srcport: null, packets: null, action: null, log_status: 'NODATA' },
        { account_id: '123456789010', interface_id: 'eni-1235b8ca123456789', srcaddr: '172.31.16.139', srcport: 20641, packets: 20, action: 'ACCEPT', log_status: 'OK' },
        { account_id: '123456789010', interface_id: 'eni-1235b8ca123456789', srcaddr: '172.31.9.69', srcport: 49761, packets: 20, action: 'REJECT', log_status: 'OK' },
        { account_id: '123456789010', interface_id: 'eni-11111111aaaaaaaaa', srcaddr: null, srcport: null, packets: null, action: null, log_status: 'SKIPDATA' },
      ]);
    }
  });

  it('files with different headers in one batch are each read with their own header', async () => {
    const dir = tempDir();
    const subset = write(
      dir,
      'subset.log',
      'srcaddr dstaddr dstport action flow-direction start\n10.0.0.1 10.0.0.2 443 ACCEPT egress 1700000000\n10.0.0.3 10.0.0.4 - REJECT ingress 1700000001\n',
    );
    const crlf = write(dir, 'crlf.log', `${V2_HEADER}\r\n2 000000000042 eni-0a 10.1.1.1 10.1.1.2 1 2 6 3 120 1700000000 1700000060 ACCEPT OK\r\n`);
    const criblGz = write(dir, 'cribl.log.gz', zlib.gzipSync(fs.readFileSync(CRIBL)));
    const s = await importPaths(db, [CRIBL, fx('custom-all-fields.log'), fx('headerless-v2.log'), subset, crlf, criblGz]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows, f.issues])).toEqual([
      ['216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.log', 'loaded', 99, 0],
      ['custom-all-fields.log', 'loaded', 5, 0],
      ['headerless-v2.log', 'loaded', 4, 0],
      ['subset.log', 'loaded', 2, 0],
      ['crlf.log', 'loaded', 1, 0],
      ['cribl.log.gz', 'loaded', 99, 0],
    ]);
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(210);
    // default-format files (with the default header or none) are kept in the narrow table, the
    // others in the table of all fields; the flow_records view shows both
    expect(
      await db.json(
        `SELECT t, i.path AS path, n::INTEGER AS n FROM (
           SELECT 'default' AS t, file_id, count(*) AS n FROM flow_default_records GROUP BY ALL
           UNION ALL SELECT 'custom', file_id, count(*) FROM flow_custom_records GROUP BY ALL
         ) JOIN import_files i USING (file_id) ORDER BY i.file_id`,
      ),
    ).toEqual([
      { t: 'default', path: CRIBL, n: 99 },
      { t: 'custom', path: fx('custom-all-fields.log'), n: 5 },
      { t: 'default', path: fx('headerless-v2.log'), n: 4 },
      { t: 'custom', path: subset, n: 2 },
      { t: 'default', path: crlf, n: 1 },
      { t: 'default', path: criblGz, n: 99 },
    ]);
    expect(
      await db.json(
        `SELECT srcaddr, dstaddr, dstport, action, flow_direction, strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, end_time, version, account_id
         FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) ORDER BY srcaddr`,
        { f: subset },
      ),
    ).toEqual([
      { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', dstport: 443, action: 'ACCEPT', flow_direction: 'egress', start_time: '2023-11-14T22:13:20Z', end_time: null, version: null, account_id: null },
      { srcaddr: '10.0.0.3', dstaddr: '10.0.0.4', dstport: null, action: 'REJECT', flow_direction: 'ingress', start_time: '2023-11-14T22:13:21Z', end_time: null, version: null, account_id: null },
    ]);
    // CRLF line ends do not leak into the last field; the account id keeps its leading zeros
    expect(await db.json(`SELECT account_id, log_status FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f)`, { f: crlf })).toEqual([
      { account_id: '000000000042', log_status: 'OK' },
    ]);
  });

  it('a file with the header line only loads no records, and says so', async () => {
    const dir = tempDir();
    const p = write(dir, 'header-only.log', `${V2_HEADER}\n`);
    const s = await importPaths(db, [p]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'flow-text', rows: 0, issues: 0 });
    expect(await ledger()).toEqual([
      { path: p, status: 'loaded', format: 'flow-text', rows_loaded: 0, rows_rejected: 0, issues: 0, reason: 'no flow records (header line only)' },
    ]);
  });

  it('a header repeated inside a file (concatenated files, plain or as gzip members) is not a record', async () => {
    const dir = tempDir();
    const custom = fs.readFileSync(fx('custom-all-fields.log'));
    const cat = write(dir, 'concatenated.log', Buffer.concat([custom, custom]));
    const members = write(dir, 'members.log.gz', Buffer.concat([zlib.gzipSync(fs.readFileSync(CRIBL)), zlib.gzipSync(fs.readFileSync(CRIBL))]));
    const s = await importPaths(db, [cat, members]);
    expect(s.files.map((f) => [f.status, f.rows, f.issues])).toEqual([
      ['loaded', 10, 0],
      ['loaded', 198, 0],
    ]);
    const l = await ledger();
    expect(l.map((x) => [path.basename(x.path), x.rows_loaded, x.rows_rejected, x.reason])).toEqual([
      ['concatenated.log', 10, 0, '1 repeated header line skipped (first at line 7; files concatenated?)'],
      ['members.log.gz', 198, 0, '1 repeated header line skipped (first at line 101; files concatenated?)'],
    ]);
  });

  it('with text fields only (nothing the reader can reject), a repeated header is still not a record, and a different header fails the file', async () => {
    const dir = tempDir();
    const h = 'interface-id srcaddr dstaddr action log-status';
    const body = 'eni-0a 10.0.0.1 10.0.0.2 ACCEPT OK\neni-0a 10.0.0.3 10.0.0.4 REJECT OK\n';
    const same = write(dir, 'a-same.log', `${h}\n${body}${h}\n${body}`);
    // the same fields in another order: same field count, so only the field names tell
    const other = write(dir, 'b-other.log', `${h}\n${body}interface-id dstaddr srcaddr action log-status\n${body}`);
    await importPaths(db, [same, other, CRIBL]);
    const l = await ledger();
    expect(l.map((x) => [path.basename(x.path), x.status, x.rows_loaded, x.reason])).toEqual([
      ['a-same.log', 'loaded', 4, '1 repeated header line skipped (files concatenated?)'],
      [
        'b-other.log',
        'failed',
        0,
        "flow-text: a header line naming the fields interface-id dstaddr srcaddr action log-status follows the file's first header line; " +
          'a file that mixes flow-log formats is not loaded; the file was not loaded (nothing from it is in the database)',
      ],
      ['216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.log', 'loaded', 99, null],
    ]);
    expect(await count(db, `SELECT count(*) FROM flow_records WHERE srcaddr = 'srcaddr' OR interface_id = 'interface-id'`)).toBe(0);
    expect(await rowsOf(other)).toBe(0);
  });

  it('a different header inside a file (formats mixed) fails that file, naming the line; the other files lose nothing', async () => {
    const dir = tempDir();
    const custom = fs.readFileSync(fx('custom-all-fields.log'));
    const mixed = write(dir, 'mixed.log', Buffer.concat([fs.readFileSync(fx('headerless-v2.log')), custom]));
    await importPaths(db, [mixed, CRIBL, fx('custom-all-fields.log')]);
    const l = await ledger();
    const bad = l.find((x) => x.path === mixed)!;
    expect(bad.status).toBe('failed');
    expect(bad.reason).toMatch(
      /^flow-text: line 5 is a header line \("version vpc-id subnet-id .* reject-reason"\) that differs from the file's first line \("2 123456789010 eni-1235b8ca123456789 172\.31\.16\.139 .* ACCEPT OK"\); a file that mixes flow-log formats is not loaded; the file was not loaded/,
    );
    expect(await issues()).toEqual([
      { path: mixed, location: 'line 5', severity: 'error', code: 'load-failed', message: bad.reason },
    ]);
    expect(await rowsOf(mixed)).toBe(0);
    expect(await rowsOf(CRIBL)).toBe(99);
    expect(await rowsOf(fx('custom-all-fields.log'))).toBe(5);
  });
});

describe('flow-text bad input', () => {
  it('a header with an unknown field fails that file, naming the field; the other files of the batch lose no rows', async () => {
    const s = await importPaths(db, [fx('bad-unknown-field.log'), CRIBL, fx('headerless-v2.log')]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['bad-unknown-field.log', 'failed', 0],
      ['216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.log', 'loaded', 99],
      ['headerless-v2.log', 'loaded', 4],
    ]);
    const msg =
      'flow-text: the header (line 1) names an unknown flow-log field "vpc-idd" (position 15); known are the AWS fields of versions 2 to 8, ' +
      'such as srcaddr, pkt-srcaddr, flow-direction, ecs-task-id and reject-reason; the file was not loaded (nothing from it is in the database)';
    expect(await issues()).toEqual([
      { path: fx('bad-unknown-field.log'), location: 'line 1', severity: 'error', code: 'load-failed', message: msg },
    ]);
    expect(await rowsOf(fx('bad-unknown-field.log'))).toBe(0);
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(103);
  });

  it('rows with the wrong number of fields or a value that is not a number are skipped, each with its line number', async () => {
    const s = await importPaths(db, [fx('bad-rows.log'), CRIBL]);
    expect(s.files.map((f) => [f.status, f.rows, f.issues])).toEqual([
      ['loaded', 3, 4],
      ['loaded', 99, 0],
    ]);
    const f = fx('bad-rows.log');
    expect(await issues()).toEqual([
      { path: f, location: 'line 3', severity: 'warning', code: 'wrong-field-count', message: 'record has 13 fields, the header names 14; record skipped' },
      { path: f, location: 'line 5', severity: 'warning', code: 'bad-number', message: 'srcport is "ssh", not a number; record skipped' },
      { path: f, location: 'line 6', severity: 'warning', code: 'wrong-field-count', message: 'record has 15 fields, the header names 14; record skipped' },
      { path: f, location: 'line 7', severity: 'warning', code: 'bad-number', message: 'dstport is 99999999999, out of range for the field; record skipped' },
    ]);
    const l = await ledger();
    expect(l.find((x) => x.path === f)).toMatchObject({ status: 'loaded', rows_loaded: 3, rows_rejected: 4, issues: 4 });
    expect(await db.json(`SELECT srcport, log_status FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) ORDER BY srcport NULLS LAST`, { f })).toEqual([
      { srcport: 20641, log_status: 'OK' },
      { srcport: 49761, log_status: 'OK' },
      { srcport: null, log_status: 'NODATA' },
    ]);
    expect(await rowsOf(CRIBL)).toBe(99);
  });

  it('a headerless file that is not in the default format fails: its field order cannot be known', async () => {
    const dir = tempDir();
    const p = write(dir, 'custom-no-header.log', '2 123456789010 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK vpc-0a subnet-0b\n');
    await importPaths(db, [p, CRIBL]);
    const l = await ledger();
    expect(l.find((x) => x.path === p)).toMatchObject({
      status: 'failed',
      reason:
        'flow-text: the file has no header line, and its first line (16 fields) is not a record of the default format (the 14 version-2 fields: ' +
        `${V2_HEADER}); without a header the field order of a custom format cannot be known; the file was not loaded (nothing from it is in the database)`,
    });
    expect(await rowsOf(CRIBL)).toBe(99);
  });

  it('more than 1000 bad lines in a file: the first 1000 are listed, the rest summed up, all counted as rejected', async () => {
    const dir = tempDir();
    const good = '2 123456789010 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK';
    const bad = '2 123456789010 eni-0a 10.0.0.1 10.0.0.2 one 2 6 1 40 1700000000 1700000060 ACCEPT OK';
    const p = write(dir, 'many-bad.log', [V2_HEADER, good, ...Array(1003).fill(bad), good].join('\n') + '\n');
    const s = await importPaths(db, [p]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 2, issues: 1001 });
    expect(await ledger()).toEqual([
      { path: p, status: 'loaded', format: 'flow-text', rows_loaded: 2, rows_rejected: 1003, issues: 1001, reason: null },
    ]);
    expect(await count(db, `SELECT count(*) FROM import_issues WHERE code = 'bad-number'`)).toBe(1000);
    expect(await db.json(`SELECT location, code, message FROM import_issues WHERE code <> 'bad-number'`)).toEqual([
      { location: null, code: 'more-skipped', message: '3 more lines were skipped for the same reason (bad-number); only the first 1000 are listed' },
    ]);
    expect(await db.scalar(`SELECT max(location) FILTER (WHERE location = 'line 1001') FROM import_issues`)).toBe('line 1001');
  });

  it('a large truncated .gz (only partly inflated while sniffing) is checked whole and refused before loading', async () => {
    const dir = tempDir();
    const lines = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'];
    for (let i = 0; i < 20000; i++) {
      const r = (n: number) => Math.floor(Math.random() * n);
      lines.push(`2 123456789012 eni-${r(1e8).toString(16)} 10.0.${r(255)}.${r(255)} 52.${r(255)}.${r(255)}.${r(255)} ${r(65535)} 443 6 ${r(100)} ${r(1e6)} ${1700000000 + i} ${1700000060 + i} ACCEPT OK`);
    }
    const gz = zlib.gzipSync(lines.join('\n') + '\n');
    const cut = write(dir, 'big-truncated.log.gz', gz.subarray(0, Math.floor(gz.length * 0.8)));
    const facts = await readFacts(cut);
    expect(facts).toMatchObject({ gzip: true, verified: false });
    const s = await importPaths(db, [cut, fx('headerless-v2.log')]);
    expect(s.files.map((f) => [f.status, f.rows])).toEqual([
      ['failed', 0],
      ['loaded', 4],
    ]);
    expect(await rowsOf(cut)).toBe(0);
    expect((await issues())[0]).toMatchObject({ path: cut, code: 'corrupt-gzip', severity: 'error' });
  });

  it('a truncated .gz is refused before loading (run.ts gunzips it whole), the other files load', async () => {
    const dir = tempDir();
    const gz = zlib.gzipSync(fs.readFileSync(CRIBL));
    const cut = write(dir, 'truncated.log.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const s = await importPaths(db, [cut, fx('headerless-v2.log')]);
    expect(s.files.map((f) => [f.status, f.rows])).toEqual([
      ['failed', 0],
      ['loaded', 4],
    ]);
    expect(await rowsOf(cut)).toBe(0);
    expect((await issues())[0]).toMatchObject({ path: cut, code: 'corrupt-gzip', severity: 'error' });
  });
});

describe('gzip flow files decompressed to a copy before loading (spool.ts)', () => {
  /** 20,000 default-format records; `bad` maps a 1-based line number to a broken line. */
  function bigFlowText(bad: Record<number, string> = {}): string {
    const lines = [V2_HEADER];
    let seed = 7;
    const r = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 20000; i++) {
      lines.push(`2 123456789012 eni-${r(1e8).toString(16)} 10.0.${r(255)}.${r(255)} 52.${r(255)}.${r(255)}.${r(255)} ${r(65535)} 443 6 ${r(100)} ${r(1e6)} ${1700000000 + i} ${1700000060 + i} ACCEPT OK`);
    }
    for (const [n, line] of Object.entries(bad)) lines[Number(n) - 1] = line;
    return lines.join('\n') + '\n';
  }
  const digest = (d: Db) =>
    d.json(`SELECT count(*)::INTEGER n, sum(hash(interface_id, srcaddr, dstaddr, srcport, dstport, packets, bytes, start_time, end_time, action))::VARCHAR h FROM flow_records`);

  it('a large .gz loads from its copy with the same rows as the plain file, skipped lines named by line, and no copy left behind', async () => {
    const dir = tempDir();
    const text = bigFlowText({ 5: '2 123456789012 eni-1 10.0.0.1 10.0.0.2 x 443 6 1 1 1700000000 1700000060 ACCEPT OK', 15000: '2 too few fields' });
    const plain = write(dir, 'plain.log', text);
    const gz = write(dir, 'big.log.gz', zlib.gzipSync(text));
    expect(await readFacts(gz)).toMatchObject({ gzip: true, verified: false });

    const dbPath = path.join(dir, 'f.duckdb');
    // a copy an earlier, killed import left behind is removed
    fs.mkdirSync(path.join(`${dbPath}.tmp`, 'lf-spool-stale'), { recursive: true });
    fs.writeFileSync(path.join(`${dbPath}.tmp`, 'lf-spool-stale', '1'), 'x');
    const fileDb = await Db.open({ path: dbPath, threads: 2 });
    try {
      await ensureSchema(fileDb);
      const s = await importPaths(fileDb, [gz]);
      expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 19998, issues: 2 });
      expect(await fileDb.json(`SELECT path, location, code FROM import_issues ORDER BY location`)).toEqual([
        { path: gz, location: 'line 15000', code: 'wrong-field-count' },
        { path: gz, location: 'line 5', code: 'bad-number' },
      ]);
      expect(fs.readdirSync(`${dbPath}.tmp`).filter((d) => d.startsWith('lf-spool-'))).toEqual([]);
      await importPaths(db, [plain]);
      expect(await digest(fileDb)).toEqual(await digest(db));
    } finally {
      fileDb.close();
    }
  });

  it('copyOne (what the import\'s own process runs when the child cannot): a copy, a damaged stream as the file\'s error with no copy left, an unwritable copy as writeError', async () => {
    const dir = tempDir();
    const gz = zlib.gzipSync(bigFlowText());
    const spool = path.join(dir, 'spool');
    fs.mkdirSync(spool);
    const good = await copyOne(spool, 7, write(dir, 'ok.log.gz', gz));
    expect(good).toMatchObject({ readPath: path.join(spool, '7'), contentBytes: zlib.gunzipSync(gz).length });
    expect(fs.readFileSync(path.join(spool, '7')).equals(zlib.gunzipSync(gz))).toBe(true);
    fs.rmSync(path.join(spool, '7'));
    const cut = await copyOne(spool, 8, write(dir, 'cut.log.gz', gz.subarray(0, gz.length >> 1)));
    expect(cut).toMatchObject({ error: expect.stringMatching(/^gzip stream is damaged/) });
    expect(fs.readdirSync(spool)).toEqual([]);
    // the spool "directory" is a file: the copy cannot be written
    const notADir = write(dir, 'not-a-dir', 'x');
    expect(await copyOne(notADir, 9, path.join(dir, 'ok.log.gz'))).toMatchObject({ writeError: expect.stringMatching(/ENOTDIR/) });
  });
});

describe('Spooler: decompression in a child process of plain Node', () => {
  const entry = (id: number, p: string) => ({ fileId: id, path: p, displayPath: p, size: 0, contentBytes: 0, sha256: '', gzip: true, verified: false, mtimeMs: 0, format: 'flow-text' });
  it('gives what copyOne gives in this process, a damaged stream as the file\'s error, and an unwritable copy as a UserError; a dead child falls back to this process', async () => {
    const dir = tempDir();
    const text = Buffer.from(`${V2_HEADER}\n${'2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK\n'.repeat(5000)}`);
    const gz = zlib.gzipSync(text);
    const ok = write(dir, 'ok.log.gz', gz);
    const cut = write(dir, 'cut.log.gz', gz.subarray(0, gz.length >> 1));
    const spool = path.join(dir, 'spool');
    fs.mkdirSync(spool);
    const spooler = new Spooler(4);
    try {
      const [a, b] = await spooler.spool(spool, [entry(1, ok), entry(2, cut)]);
      expect(a).toMatchObject({ readPath: path.join(spool, '1'), contentBytes: text.length });
      expect(fs.readFileSync(path.join(spool, '1')).equals(text)).toBe(true);
      expect(b).toMatchObject({ error: expect.stringMatching(/^gzip stream is damaged/) });
      expect(fs.readdirSync(spool)).toEqual(['1']);
      expect((spooler as unknown as { child?: { pid?: number } }).child?.pid).toBeGreaterThan(0);
      await expect(spooler.spool(write(dir, 'not-a-dir', 'x'), [entry(3, ok)])).rejects.toThrow(UserError);
      // the child dies: the next batch is decompressed in this process
      const child = (spooler as unknown as { child: { kill: () => void; once: (e: string, f: () => void) => void } }).child;
      await new Promise<void>((resolve) => {
        child.once('exit', resolve);
        child.kill();
      });
      const [c] = await spooler.spool(spool, [entry(4, ok)]);
      expect(c).toMatchObject({ readPath: path.join(spool, '4'), contentBytes: text.length });
    } finally {
      spooler.close();
    }
  });
});

describe('flow records of a schema-3 database', () => {
  it('move from the flow_records table into flow_custom_records; flow_records becomes the view of both tables', async () => {
    const db3 = await migratedFrom(path.join(tempDir(), 'v3.duckdb'), 3, async (old) => {
      // one flow_records table with source_file, and no view; CloudTrail in its one table of then
      await cloudTrailBeforeSchema5(old);
      await old.run('DROP VIEW flow_records');
      await old.run(`CREATE TABLE flow_records AS SELECT * EXCLUDE (file_id), 'old.log' AS source_file, file_id FROM flow_custom_records`);
      await old.run('DROP TABLE flow_custom_records');
      await old.run('DROP TABLE flow_default_records');
      await old.run(`INSERT INTO flow_records (interface_id, srcaddr, dstport, vpc_id, source_file, file_id) VALUES ('eni-1', '10.0.0.1', 443, 'vpc-9', 'old.log', 7)`);
    });
    try {
      expect(await db3.json(`SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'flow_%records' ORDER BY 1`)).toEqual([
        { table_name: 'flow_custom_records', table_type: 'BASE TABLE' },
        { table_name: 'flow_default_records', table_type: 'BASE TABLE' },
        { table_name: 'flow_records', table_type: 'VIEW' },
      ]);
      expect(await db3.json(`SELECT interface_id, srcaddr, dstport, vpc_id, file_id::INTEGER AS file_id FROM flow_records`)).toEqual([
        { interface_id: 'eni-1', srcaddr: '10.0.0.1', dstport: 443, vpc_id: 'vpc-9', file_id: 7 },
      ]);
      await importPaths(db3, [CRIBL]);
      expect(await count(db3, 'SELECT count(*) FROM flow_records')).toBe(100);
    } finally {
      db3.close();
    }
  });
});
