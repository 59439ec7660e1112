import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { timeFromFileName } from '../../src/importers/eni/snapshotTime.ts';
import { FIXTURES, REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const ENI_DIR = path.join(FIXTURES, 'eni');
const AT_9 = path.join(ENI_DIR, 'eni_20260312T0900Z.json');
const AT_10 = path.join(ENI_DIR, 'describe-network-interfaces-2026-03-12T10-00-00Z.json');
const REAL_ENI = path.join(REAL, 'cloudmapper-demo', 'ec2-describe-network-interfaces.json');

const iso = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%SZ')`;

describe('snapshot time from a file name', () => {
  it.each([
    ['eni_20260312T0900Z.json', '2026-03-12T09:00:00Z', '20260312T0900Z'],
    ['eni_20260312T090015Z.json', '2026-03-12T09:00:15Z', '20260312T090015Z'],
    ['snap-2026-03-12T09-00-00Z.json', '2026-03-12T09:00:00Z', '2026-03-12T09-00-00Z'],
    ['snap-2026-03-12T09:30:05Z.json', '2026-03-12T09:30:05Z', '2026-03-12T09:30:05Z'],
    ['enis 2026-03-12_23-59.json.gz', '2026-03-12T23:59:00Z', '2026-03-12_23-59'],
    ['enis-20260312-090000.json', '2026-03-12T09:00:00Z', '20260312-090000'],
  ])('%s -> %s', (name, want, text) => {
    expect(timeFromFileName(`/evidence/${name}`)).toEqual({ iso: want, text });
  });

  it.each([
    'enis.json', // no timestamp
    'enis-2026-03-12.json', // a date without a time says nothing about the hour
    '111122223333_enis.json', // an account id is not a time
    'enis-20261340T0900Z.json', // month 13
    'enis-20260230T0900Z.json', // 30 February
    'enis-20260312T2500Z.json', // hour 25
  ])('%s has no snapshot time', (name) => {
    expect(timeFromFileName(`/evidence/2026-03-12T09-00-00Z/${name}`)).toBeUndefined();
  });
});

describe('ENI snapshot importer', () => {
  it('real cloudmapper sample: 1 ECS task ENI in 1 snapshot, timed by the file mtime', async () => {
    const s = await importPaths(db, [REAL_ENI]);
    expect(s.files).toHaveLength(1);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'eni-snapshot', rows: 1, duplicates: 0, issues: 0 });
    const rows = await db.json(
      `SELECT snapshot_time_source, eni_id, interface_type, description, private_ip, private_ips, public_ip, subnet_id,
              vpc_id, security_group_ids, requester_id, requester_managed, status, attachment_instance_id, owner_id,
              availability_zone, raw ->> 'MacAddress' AS mac, source_file
       FROM network_interfaces`,
    );
    expect(rows).toEqual([
      {
        snapshot_time_source: 'mtime',
        eni_id: 'eni-00000001',
        interface_type: 'interface',
        description: 'arn:aws:ecs:us-east-1:653711331788:attachment/ed8fed01-82d0-4bf6-86cf-fe3115c23ab8',
        private_ip: '172.31.48.168',
        private_ips: ['172.31.48.168'],
        public_ip: '3.80.3.41',
        subnet_id: 'subnet-00000001',
        vpc_id: 'vpc-12345678',
        security_group_ids: ['sg-00000008'],
        requester_id: '578734482556',
        requester_managed: true,
        status: 'in-use',
        attachment_instance_id: null,
        owner_id: '653711331788',
        availability_zone: 'us-east-1f',
        mac: '16:2f:d0:d6:ed:28',
        source_file: REAL_ENI,
      },
    ]);
    const mtime = Math.floor(fs.statSync(REAL_ENI).mtimeMs);
    expect(await count(db, 'SELECT epoch_ms(snapshot_time) FROM network_interfaces')).toBe(mtime);
    const reason = await db.scalar<string>('SELECT reason FROM import_files');
    expect(reason).toBe(
      `snapshot_time from file modification time (${new Date(mtime).toISOString()}); no --snapshot-time and no timestamp in the file name`,
    );
  });

  it('synthetic snapshots: times from the file names, one ENI at two times, a record without an id skipped', async () => {
    const s = await importPaths(db, [ENI_DIR]);
    const byName = Object.fromEntries(s.files.map((f) => [path.basename(f.path), f]));
    expect(byName['eni_20260312T0900Z.json']).toMatchObject({
      status: 'loaded',
      rows: 2,
      duplicates: 0,
      issues: 0,
      reason: 'snapshot_time from file name (20260312T0900Z)',
    });
    expect(byName['describe-network-interfaces-2026-03-12T10-00-00Z.json']).toMatchObject({
      status: 'loaded',
      rows: 1,
      duplicates: 0,
      issues: 1,
      reason: 'snapshot_time from file name (2026-03-12T10-00-00Z)',
    });
    expect(
      await db.json(
        `SELECT ${iso('snapshot_time')} AS t, snapshot_time_source AS src, eni_id, interface_type, private_ips, public_ip
         FROM network_interfaces ORDER BY t, eni_id`,
      ),
    ).toEqual([
      { t: '2026-03-12T09:00:00Z', src: 'file-name', eni_id: 'eni-0a1b2c3d4e5f60718', interface_type: 'lambda', private_ips: ['10.0.1.25', '10.0.1.26'], public_ip: null },
      { t: '2026-03-12T09:00:00Z', src: 'file-name', eni_id: 'eni-0fedcba9876543210', interface_type: 'nat_gateway', private_ips: ['10.0.0.10'], public_ip: '54.210.10.20' },
      { t: '2026-03-12T10:00:00Z', src: 'file-name', eni_id: 'eni-0a1b2c3d4e5f60718', interface_type: 'lambda', private_ips: ['10.0.1.25'], public_ip: null },
    ]);
    expect(await db.json('SELECT path, location, severity, code, message FROM import_issues')).toEqual([
      {
        path: AT_10,
        location: 'record 2',
        severity: 'warning',
        code: 'missing-eni-id',
        message: 'network interface has no NetworkInterfaceId; entry skipped',
      },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_duplicate::INTEGER AS rows_duplicate, rows_rejected::INTEGER AS rows_rejected FROM import_files ORDER BY path')).toEqual([
      { rows_loaded: 1, rows_duplicate: 0, rows_rejected: 1 },
      { rows_loaded: 2, rows_duplicate: 0, rows_rejected: 0 },
    ]);
  });

  it('--snapshot-time wins over the file names; the same ENI twice in one snapshot is stored once', async () => {
    const s = await importPaths(db, [AT_9, AT_10], { snapshotTime: '2026-03-12T11:30:00Z' });
    expect(s.files.map((f) => [f.rows, f.duplicates, f.reason])).toEqual([
      [2, 0, 'snapshot_time from --snapshot-time (2026-03-12T11:30:00Z)'],
      [0, 1, 'snapshot_time from --snapshot-time (2026-03-12T11:30:00Z)'],
    ]);
    expect(await db.json(`SELECT DISTINCT ${iso('snapshot_time')} AS t, snapshot_time_source AS src FROM network_interfaces`)).toEqual([
      { t: '2026-03-12T11:30:00Z', src: 'cli' },
    ]);
    expect(await count(db, 'SELECT count(*) FROM network_interfaces')).toBe(2);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_duplicate::INTEGER AS rows_duplicate, rows_rejected::INTEGER AS rows_rejected FROM import_files ORDER BY file_id')).toEqual([
      { rows_loaded: 2, rows_duplicate: 0, rows_rejected: 0 },
      { rows_loaded: 0, rows_duplicate: 1, rows_rejected: 1 },
    ]);
  });

  it('an ENI already stored for a snapshot is a duplicate in a later import', async () => {
    const dir = tempDir();
    fs.copyFileSync(AT_9, path.join(dir, 'copy-20260312T0900Z.json'));
    fs.appendFileSync(path.join(dir, 'copy-20260312T0900Z.json'), '\n'); // other bytes, same snapshot
    await importPaths(db, [AT_9]);
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 0, duplicates: 2 });
    expect(await count(db, 'SELECT count(*) FROM network_interfaces')).toBe(2);
  });

  it('a --snapshot-time that is not a time fails the file with a clear message', async () => {
    const s = await importPaths(db, [AT_9], { snapshotTime: 'yesterday' });
    expect(s.files[0]).toMatchObject({ status: 'failed', rows: 0 });
    expect(await db.json('SELECT location, code, message FROM import_issues')).toEqual([
      {
        location: null,
        code: 'load-failed',
        message:
          "eni-snapshot: --snapshot-time 'yesterday' is not a timestamp (give an ISO 8601 time such as 2026-03-12T09:00:00Z); " +
          'the file was not loaded (nothing from it is in the database)',
      },
    ]);
    expect(await count(db, 'SELECT count(*) FROM network_interfaces')).toBe(0);
  });

  it('a file without NetworkInterfaces, forced with --source, fails alone; the other file loads in full', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'a-single-eni.json');
    fs.writeFileSync(bad, JSON.stringify({ NetworkInterface: { NetworkInterfaceId: 'eni-1', Status: 'in-use' } }));
    const good = path.join(dir, 'b-enis-20260312T0900Z.json');
    fs.copyFileSync(AT_9, good);
    const s = await importPaths(db, [dir], { source: 'eni-snapshot' });
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['a-single-eni.json', 'failed', 0],
      ['b-enis-20260312T0900Z.json', 'loaded', 2],
    ]);
    expect(await db.json('SELECT path, code, message FROM import_issues')).toEqual([
      {
        path: bad,
        code: 'load-failed',
        message:
          'eni-snapshot: not aws ec2 describe-network-interfaces output: the file has no "NetworkInterfaces" array ' +
          '(top-level keys: NetworkInterface); expected {"NetworkInterfaces":[...]}; the file was not loaded (nothing from it is in the database)',
      },
    ]);
    expect(await count(db, 'SELECT count(*) FROM network_interfaces')).toBe(2);
  });

  it('an empty snapshot loads nothing and says so', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'enis-20260312T1200Z.json'), '{"NetworkInterfaces": []}\n');
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({
      status: 'loaded',
      rows: 0,
      issues: 0,
      reason: 'snapshot_time from file name (20260312T1200Z); no network interfaces ({"NetworkInterfaces":[]})',
    });
  });

  it('importing the same files again changes nothing', async () => {
    await importPaths(db, [ENI_DIR, REAL_ENI]);
    const before = await db.json('SELECT 1 AS k, count(*)::INTEGER AS n FROM network_interfaces UNION ALL SELECT 2, count(*)::INTEGER FROM import_files UNION ALL SELECT 3, count(*)::INTEGER FROM import_issues ORDER BY k');
    const again = await importPaths(db, [ENI_DIR, REAL_ENI]);
    expect(again.files.map((f) => f.status)).toEqual(['already-imported', 'already-imported', 'already-imported']);
    expect(await db.json('SELECT 1 AS k, count(*)::INTEGER AS n FROM network_interfaces UNION ALL SELECT 2, count(*)::INTEGER FROM import_files UNION ALL SELECT 3, count(*)::INTEGER FROM import_issues ORDER BY k')).toEqual(before);
    expect(before.map((r) => r.n)).toEqual([4, 3, 1]);
  });
});

describe('the whole real-samples folder', () => {
  it('yields exactly 1 ENI, 1 function, 1 policy statement and 2 IAM dumps, and a second import adds nothing', async () => {
    await importPaths(db, [REAL]);
    const totals = async () => ({
      enis: await count(db, 'SELECT count(*) FROM network_interfaces'),
      functions: await count(db, 'SELECT count(*) FROM lambda_functions'),
      statements: await count(db, 'SELECT count(*) FROM lambda_policy_statements'),
      urls: await count(db, 'SELECT count(*) FROM function_urls'),
      iamDumps: await count(db, `SELECT count(*) FROM import_files WHERE format = 'iam-authorization-details' AND status = 'loaded'`),
      users: await count(db, 'SELECT count(*) FROM iam_users'),
      groups: await count(db, 'SELECT count(*) FROM iam_groups'),
      roles: await count(db, 'SELECT count(*) FROM iam_roles'),
      policies: await count(db, 'SELECT count(*) FROM iam_managed_policies'),
      metrics: await count(db, 'SELECT count(*) FROM lambda_metrics'),
    });
    const want = { enis: 1, functions: 1, statements: 1, urls: 0, iamDumps: 2, users: 46, groups: 6, roles: 82, policies: 86, metrics: 0 };
    expect(await totals()).toEqual(want);
    expect(await count(db, 'SELECT count(DISTINCT file_id) FROM iam_users')).toBe(2);
    expect(
      await count(db, `SELECT count(*) FROM import_issues i JOIN import_files f USING (file_id) WHERE f.source IN ('eni', 'lambda-config', 'iam', 'metrics')`),
    ).toBe(0);
    const again = await importPaths(db, [REAL]);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await totals()).toEqual(want);
  });
});
