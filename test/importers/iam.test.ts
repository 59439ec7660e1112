import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { FIXTURES, REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const CLOUDMAPPER = path.join(REAL, 'cloudmapper-demo', 'iam-get-account-authorization-details.json');
const CLOUDSPLAINING = path.join(REAL, 'cloudsplaining', 'example-authorization-details.json');
const ENCODED = path.join(FIXTURES, 'iam', 'url-encoded-authorization-details.json');
const TABLES = ['iam_users', 'iam_groups', 'iam_roles', 'iam_managed_policies', 'iam_inline_policies', 'iam_attachments', 'iam_group_members'];

async function tableCounts(fileId: number): Promise<number[]> {
  const out: number[] = [];
  for (const t of TABLES) out.push(await count(db, `SELECT count(*) FROM ${t} WHERE file_id = $id`, { id: fileId }));
  return out;
}

describe('IAM authorization details importer on the real samples', () => {
  it('cloudmapper: 2 users, 1 group, 4 roles, 2 managed policies', async () => {
    const s = await importPaths(db, [CLOUDMAPPER]);
    expect(s.files[0]).toMatchObject({
      status: 'loaded',
      format: 'iam-authorization-details',
      rows: 17,
      issues: 0,
      reason: '2 users, 1 group, 4 roles, 2 managed policies, 4 inline policies, 3 attachments, 1 group membership',
    });
    expect(await tableCounts(1)).toEqual([2, 1, 4, 2, 4, 3, 1]);
    expect(await db.json('SELECT role_name FROM iam_roles ORDER BY 1')).toEqual([
      { role_name: 'bad_role' },
      { role_name: 'exfiller' },
      { role_name: 'level1' },
      { role_name: 'level3' },
    ]);
    // the managed policy's document is its default version's (v8 of AmazonEC2RoleforSSM)
    expect(
      await db.json(
        `SELECT policy_name, aws_managed, default_version_id, document -> '$.Statement[0].Action' ->> 0 AS first_action,
                json_array_length(document -> '$.Statement')::INTEGER AS statements
         FROM iam_managed_policies ORDER BY 1`,
      ),
    ).toEqual([
      { policy_name: 'AmazonEC2RoleforSSM', aws_managed: true, default_version_id: 'v8', first_action: 'ssm:DescribeAssociation', statements: 8 },
      { policy_name: 'BAD_MFA_POLICY', aws_managed: false, default_version_id: 'v1', first_action: 'iam:ListAccountAliases', statements: 5 },
    ]);
    expect(
      await db.json(
        `SELECT principal_type, principal_name, policy_name, document::VARCHAR AS document FROM iam_inline_policies
         WHERE principal_name = 'exfiller'`,
      ),
    ).toEqual([
      {
        principal_type: 'role',
        principal_name: 'exfiller',
        policy_name: 'tmp',
        document: '{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
      },
    ]);
    expect(await db.json(`SELECT assume_role_policy -> '$.Statement[0].Principal' AS p FROM iam_roles WHERE role_name = 'bad_role'`)).toEqual([
      { p: '{"AWS":"*"}' },
    ]);
    expect(await db.json('SELECT user_name, group_name FROM iam_group_members')).toEqual([
      { user_name: 'USER', group_name: 'GROUP_WITH_BAD_INLINE_POLICY' },
    ]);
  });

  it('cloudsplaining: 44 users, 5 groups, 78 roles, 84 managed policies, CreateDate with a space separator', async () => {
    const s = await importPaths(db, [CLOUDSPLAINING]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 362, issues: 0 });
    expect(await tableCounts(1)).toEqual([44, 5, 78, 84, 39, 106, 6]);
    // "2022-08-07 12:55:43+00:00"
    expect(
      await db.scalar(
        `SELECT strftime(create_date, '%Y-%m-%dT%H:%M:%SZ') FROM iam_roles
         WHERE role_name = 'AWS-QuickSetup-EnableCRecording-1clff_ap-northeast-1'`,
      ),
    ).toBe('2022-08-07T12:55:43Z');
    const nullDates = await count(
      db,
      `SELECT count(*) FROM (SELECT create_date FROM iam_users UNION ALL SELECT create_date FROM iam_groups
        UNION ALL SELECT create_date FROM iam_roles UNION ALL SELECT create_date FROM iam_managed_policies) WHERE create_date IS NULL`,
    );
    expect(nullDates).toBe(0);
    expect(await count(db, `SELECT count(*) FROM iam_roles WHERE last_used ->> 'LastUsedDate' IS NOT NULL`)).toBe(26);
    expect(await count(db, `SELECT count(*) FROM iam_managed_policies WHERE json_type(document) = 'OBJECT'`)).toBe(84);
    expect(await count(db, `SELECT count(*) FROM iam_inline_policies WHERE json_type(document) = 'OBJECT'`)).toBe(39);
    expect(await count(db, `SELECT count(*) FROM iam_roles WHERE json_type(assume_role_policy) = 'OBJECT'`)).toBe(78);
  });

  it('two dumps are two snapshots, each under its own file_id', async () => {
    await importPaths(db, [CLOUDMAPPER, CLOUDSPLAINING]);
    expect(await db.json('SELECT file_id::INTEGER AS file_id, count(*)::INTEGER AS n FROM iam_users GROUP BY 1 ORDER BY 1')).toEqual([
      { file_id: 1, n: 2 },
      { file_id: 2, n: 44 },
    ]);
    expect(await count(db, 'SELECT count(*) FROM iam_roles')).toBe(82);
  });
});

describe('IAM authorization details importer on a synthetic dump', () => {
  it('decodes URL-encoded and JSON-text documents, picks the default version, and reports what it could not read', async () => {
    const s = await importPaths(db, [ENCODED]);
    expect(s.files[0]).toMatchObject({
      status: 'loaded',
      rows: 10,
      issues: 3,
      reason: '1 user, 1 group, 1 role, 1 managed policy, 3 inline policies, 2 attachments, 1 group membership',
    });
    expect(await db.json('SELECT location, code, message FROM import_issues ORDER BY location NULLS FIRST')).toEqual([
      {
        location: null,
        code: 'truncated',
        message: 'IsTruncated is true: this is one page of the account details, the other pages are not in this file',
      },
      {
        location: 'GroupDetailList record 1',
        code: 'unreadable-policy-document',
        message:
          'policy document is neither a JSON object, JSON text nor URL-encoded JSON (deployers, inline policy broken); row kept with document NULL',
      },
      {
        location: 'RoleDetailList record 2',
        code: 'missing-name',
        message: 'entry has no name (UserName/GroupName/RoleName/PolicyName); entry skipped',
      },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files')).toEqual([{ rows_loaded: 10, rows_rejected: 1 }]);
    expect(
      await db.json(
        `SELECT principal_type, principal_name, policy_name, document ->> '$.Statement[0].Action' AS action
         FROM iam_inline_policies ORDER BY 1`,
      ),
    ).toEqual([
      { principal_type: 'group', principal_name: 'deployers', policy_name: 'broken', action: null },
      { principal_type: 'role', principal_name: 'orders-api-role', policy_name: 'json-text', action: 's3:*' },
      { principal_type: 'user', principal_name: 'deploy-bot', policy_name: 's3-all', action: 's3:*' },
    ]);
    expect(await db.json(`SELECT document -> '$.Statement[0].Action' AS a FROM iam_managed_policies`)).toEqual([
      { a: '["logs:CreateLogStream","logs:PutLogEvents"]' }, // v2, the default, not v1
    ]);
    expect(
      await db.json(
        `SELECT role_name, assume_role_policy ->> '$.Statement[0].Principal.Service' AS svc,
                strftime(create_date, '%Y-%m-%dT%H:%M:%SZ') AS created, last_used ->> 'Region' AS region FROM iam_roles`,
      ),
    ).toEqual([{ role_name: 'orders-api-role', svc: 'lambda.amazonaws.com', created: '2025-06-02T08:15:00Z', region: 'us-east-1' }]);
    expect(await db.json('SELECT user_name, permissions_boundary_arn, tags::VARCHAR AS tags FROM iam_users')).toEqual([
      {
        user_name: 'deploy-bot',
        permissions_boundary_arn: 'arn:aws:iam::111122223333:policy/boundary',
        tags: '[{"Key":"owner","Value":"platform"}]',
      },
    ]);
    expect(await db.json('SELECT principal_type, principal_name, policy_arn FROM iam_attachments ORDER BY 1')).toEqual([
      { principal_type: 'role', principal_name: 'orders-api-role', policy_arn: 'arn:aws:iam::111122223333:policy/orders-logs' },
      { principal_type: 'user', principal_name: 'deploy-bot', policy_arn: 'arn:aws:iam::111122223333:policy/orders-logs' },
    ]);
  });

  it('a file forced as IAM details that holds none of the lists fails alone; the other dump loads in full', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'a-not-iam.json');
    fs.writeFileSync(bad, JSON.stringify({ Users: [{ UserName: 'x' }] }));
    fs.copyFileSync(CLOUDMAPPER, path.join(dir, 'b-iam.json'));
    const s = await importPaths(db, [dir], { source: 'iam-authorization-details' });
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['a-not-iam.json', 'failed', 0],
      ['b-iam.json', 'loaded', 17],
    ]);
    expect(await db.json('SELECT path, code, message FROM import_issues')).toEqual([
      {
        path: bad,
        code: 'load-failed',
        message:
          'iam-authorization-details: not aws iam get-account-authorization-details output: the file has none of ' +
          'UserDetailList, GroupDetailList, RoleDetailList, Policies (top-level keys: Users); the file was not loaded (nothing from it is in the database)',
      },
    ]);
    expect(await count(db, 'SELECT count(*) FROM iam_roles')).toBe(4);
  });

  it('importing the same dumps again changes nothing', async () => {
    await importPaths(db, [CLOUDMAPPER, CLOUDSPLAINING, ENCODED]);
    const all = async () => {
      const out: number[] = [];
      for (const t of [...TABLES, 'import_files', 'import_issues']) out.push(await count(db, `SELECT count(*) FROM ${t}`));
      return out;
    };
    const before = await all();
    expect(before).toEqual([47, 7, 83, 87, 46, 111, 8, 3, 3]);
    const again = await importPaths(db, [CLOUDMAPPER, CLOUDSPLAINING, ENCODED]);
    expect(again.files.map((f) => f.status)).toEqual(['already-imported', 'already-imported', 'already-imported']);
    expect(await all()).toEqual(before);
  });
});
