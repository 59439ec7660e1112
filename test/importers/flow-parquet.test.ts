import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const AWS = path.join(REAL, 'sekoia-automation-library', '111111111111_vpcflowlogs_eu-west-3_fl-032a163fae170ae52_20220831T1255Z_2ad4bef5.parquet');
const INT64 = path.join(REAL, 'sekoia-automation-library', 'test_parquet.parquet');

async function rowsOf(file: string): Promise<number> {
  return count(db, 'SELECT count(*) FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f)', { f: file });
}
async function ledger() {
  return db.json<{ path: string; status: string; rows_loaded: number; issues: number; reason: string | null }>(
    `SELECT path, status, rows_loaded::INTEGER AS rows_loaded, issues::INTEGER AS issues, reason FROM import_files ORDER BY file_id`,
  );
}

/** Writes a Parquet file with DuckDB (the query is a constant of the test). */
async function parquet(dir: string, name: string, select: string): Promise<string> {
  const p = path.join(dir, name);
  await db.run(`COPY (${select}) TO '${p.replace(/'/g, "''")}' (FORMAT parquet)`);
  return p;
}

describe('flow-parquet', () => {
  it('Parquet as AWS writes it (int32 ports and protocol) and as another writer re-wrote it (int64): 7 and 8 records', async () => {
    const s = await importPaths(db, [AWS, INT64]);
    expect(s.files.map((f) => [f.status, f.format, f.rows, f.issues])).toEqual([
      ['loaded', 'flow-parquet', 7, 0],
      ['loaded', 'flow-parquet', 8, 0],
    ]);
    const q = `SELECT version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets::INTEGER AS packets,
                      bytes::INTEGER AS bytes, strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time,
                      strftime(end_time, '%Y-%m-%dT%H:%M:%SZ') AS end_time, action, log_status
               FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) AND srcport = 4712 AND dstport = 53198`;
    const expected = [
      {
        version: 2, account_id: '111111111111', interface_id: 'eni-03ef80ddb18bc0997', srcaddr: '172.31.17.39',
        dstaddr: '78.197.123.35', srcport: 4712, dstport: 53198, protocol: 6, packets: 13, bytes: 2662,
        start_time: '2022-08-31T12:58:55Z', end_time: '2022-08-31T12:59:06Z', action: 'ACCEPT', log_status: 'OK',
      },
    ];
    expect(await db.json(q, { f: AWS })).toEqual(expected);
    expect(await db.json(q, { f: INT64 })).toEqual(expected);
    expect(await count(db, `SELECT count(*) FROM flow_records WHERE file_id = (SELECT file_id FROM import_files WHERE path = $f) AND action = 'REJECT'`, { f: AWS })).toBe(3);
  });

  it('custom subsets from other writers in one batch: v5 and ECS columns, strings with "-", a numeric account id, an unknown column', async () => {
    const dir = tempDir();
    const a = await parquet(
      dir,
      'a-subset.parquet',
      `SELECT 7::INTEGER AS version, 'eni-0a' AS interface_id, '10.0.0.1' AS srcaddr, 443::BIGINT AS dstport, 'ACCEPT' AS action,
              'egress' AS flow_direction, 'S3' AS pkt_dst_aws_service, 1700000000::BIGINT AS start, 'prod' AS ecs_cluster_name,
              'my own column' AS note`,
    );
    const b = await parquet(
      dir,
      'b-strings.parquet',
      `SELECT * FROM (VALUES ('2', 12345678901, '10.0.0.9', '-', '22', '1700000100', 'REJECT', 'OK'),
                             ('2', 12345678901, '-', '-', '-', '1700000200', '-', 'NODATA'))
              t(version, account_id, srcaddr, srcport, dstport, "start", action, log_status)`,
    );
    const s = await importPaths(db, [a, b]);
    expect(s.files.map((f) => [f.status, f.rows, f.issues])).toEqual([
      ['loaded', 1, 1],
      ['loaded', 2, 0],
    ]);
    expect(await db.json(`SELECT location, severity, code, message FROM import_issues`)).toEqual([
      { location: null, severity: 'warning', code: 'unknown-column', message: 'column "note" is not a VPC flow-log field; ignored' },
    ]);
    const rows = await db.json(
      `SELECT version, account_id, interface_id, srcaddr, srcport, dstport, action, log_status, flow_direction, pkt_dst_aws_service,
              ecs_cluster_name, strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, end_time
       FROM flow_records ORDER BY start_time`,
    );
    expect(rows).toEqual([
      {
        version: 7, account_id: null, interface_id: 'eni-0a', srcaddr: '10.0.0.1', srcport: null, dstport: 443, action: 'ACCEPT',
        log_status: null, flow_direction: 'egress', pkt_dst_aws_service: 'S3', ecs_cluster_name: 'prod',
        start_time: '2023-11-14T22:13:20Z', end_time: null,
      },
      {
        version: 2, account_id: '012345678901', interface_id: null, srcaddr: '10.0.0.9', srcport: null, dstport: 22, action: 'REJECT',
        log_status: 'OK', flow_direction: null, pkt_dst_aws_service: null, ecs_cluster_name: null,
        start_time: '2023-11-14T22:15:00Z', end_time: null,
      },
      {
        version: 2, account_id: '012345678901', interface_id: null, srcaddr: null, srcport: null, dstport: null, action: null,
        log_status: 'NODATA', flow_direction: null, pkt_dst_aws_service: null, ecs_cluster_name: null,
        start_time: '2023-11-14T22:16:40Z', end_time: null,
      },
    ]);
  });

  it('a truncated Parquet file fails cleanly as a whole; the other file of the batch loads all its rows', async () => {
    const dir = tempDir();
    const bytes = fs.readFileSync(AWS);
    const cut = path.join(dir, 'truncated.parquet');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const s = await importPaths(db, [cut, AWS]);
    expect(s.files.map((f) => [f.status, f.rows])).toEqual([
      ['failed', 0],
      ['loaded', 7],
    ]);
    const l = await ledger();
    expect(l[0]).toMatchObject({ path: cut, status: 'failed', rows_loaded: 0, issues: 1 });
    expect(l[0]!.reason).toMatch(
      /^flow-parquet: No magic bytes found at end of file '.*truncated\.parquet'; the file was not loaded \(nothing from it is in the database\)$/,
    );
    expect(await db.json(`SELECT path, severity, code FROM import_issues`)).toEqual([{ path: cut, severity: 'error', code: 'load-failed' }]);
    expect(await rowsOf(cut)).toBe(0);
    expect(await rowsOf(AWS)).toBe(7);
  });

  it('a Parquet file without any flow-log column fails, listing its columns', async () => {
    const dir = tempDir();
    const other = await parquet(dir, 'not-flow.parquet', `SELECT 1 AS id, 'x' AS name`);
    await importPaths(db, [other, AWS]);
    const l = await ledger();
    expect(l.map((x) => [x.status, x.rows_loaded, x.reason])).toEqual([
      [
        'failed',
        0,
        'flow-parquet: the Parquet file holds none of the VPC flow-log columns (its columns: id, name); the file was not loaded (nothing from it is in the database)',
      ],
      ['loaded', 7, null],
    ]);
  });
});
