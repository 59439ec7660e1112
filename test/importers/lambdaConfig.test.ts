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

const DIR = path.join(FIXTURES, 'lambda-config');
const fx = (name: string) => path.join(DIR, name);
const REAL_LIST = path.join(REAL, 'cloudmapper-demo', 'lambda-list-functions.json');
const REAL_POLICY = path.join(REAL, 'cloudmapper-demo', 'lambda-get-policy_invpclambda.json');
const ts = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

describe('Lambda configuration importer on the real samples', () => {
  it('cloudmapper list-functions: 1 function, invpclambda, in a VPC with 2 subnets', async () => {
    const s = await importPaths(db, [REAL_LIST]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-functions', rows: 1, issues: 0 });
    expect(
      await db.json(
        `SELECT function_name, function_arn, role_arn, runtime, handler, ${ts('last_modified')} AS last_modified, code_sha256,
                vpc_id, subnet_ids, security_group_ids, memory_size, timeout, version, layers, environment, source_file
         FROM lambda_functions`,
      ),
    ).toEqual([
      {
        function_name: 'invpclambda',
        function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:invpclambda',
        role_arn: 'arn:aws:iam::123456789012:role/service-role/invpclambda',
        runtime: 'nodejs8.10',
        handler: 'index.handler',
        last_modified: '2019-04-30T16:26:38.618Z', // "2019-04-30T16:26:38.618+0000"
        code_sha256: 'H4QrZXTeJhAFtZ6dfi7NjMZiGHZfFgGpD38SjX+BaMw=',
        vpc_id: 'vpc-12345678',
        subnet_ids: ['subnet-00000003', 'subnet-00000004'],
        security_group_ids: ['sg-09920178'],
        memory_size: 128,
        timeout: 3,
        version: '$LATEST',
        layers: null,
        environment: null,
        source_file: REAL_LIST,
      },
    ]);
  });

  it('cloudmapper get-policy: 1 statement, apigateway.amazonaws.com restricted by an ArnLike SourceArn condition', async () => {
    const s = await importPaths(db, [REAL_POLICY]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'lambda-policy', rows: 1, issues: 0 });
    const rows = await db.json<Record<string, unknown>>(
      `SELECT function_name, function_arn, qualifier, statement_index, sid, effect, principal, action, actions, resource,
              condition, policy_id, revision_id FROM lambda_policy_statements`,
    );
    expect(rows).toHaveLength(1);
    expect({ ...rows[0], principal: JSON.parse(rows[0]!.principal as string), condition: JSON.parse(rows[0]!.condition as string) }).toEqual({
      function_name: 'invpclambda',
      function_arn: 'arn:aws:lambda:us-east-1:653711331788:function:invpclambda',
      qualifier: null,
      statement_index: 1,
      sid: 'lambda-5aeac81b-9422-42b5-9d58-22a0eba87078',
      effect: 'Allow',
      principal: { Service: 'apigateway.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      actions: ['lambda:InvokeFunction'],
      resource: 'arn:aws:lambda:us-east-1:653711331788:function:invpclambda',
      condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:653711331788:2rfismmoo8/*/*/invpclambda' } },
      policy_id: 'default',
      revision_id: 'acec1b44-384a-419e-9c72-24beab3d7865',
    });
  });
});

describe('Lambda configuration importer on synthetic dumps', () => {
  it('loads every variant: list-functions, get-function, get-function-configuration, get-policy, URL configs', async () => {
    const s = await importPaths(db, [DIR]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.format, f.rows, f.issues])).toEqual([
      ['get-function-configuration_orders-api.json', 'loaded', 'lambda-function', 1, 0],
      ['get-function-url-config_orders-api.json', 'loaded', 'lambda-url-config', 1, 0],
      ['get-function_orders-api.json', 'loaded', 'lambda-function', 1, 0],
      ['get-policy_orders-api.json', 'loaded', 'lambda-policy', 2, 0],
      ['list-function-url-configs_billing.json', 'loaded', 'lambda-url-config', 2, 0],
      ['list-functions.json', 'loaded', 'lambda-functions', 2, 1],
    ]);
    // the same function in three dumps gives three rows
    expect(
      await db.json(`SELECT function_name, ${ts('last_modified')} AS lm, code_sha256 FROM lambda_functions ORDER BY function_name, last_modified`),
    ).toEqual([
      { function_name: 'billing', lm: '2025-11-20T16:05:44.918Z', code_sha256: 'ccccDDDDeeeeFFFFggggHHHHiiiiJJJJkkkkLLLLmmm=' },
      { function_name: 'orders-api', lm: '2026-02-01T10:00:00.000Z', code_sha256: 'aaaaBBBBccccDDDDeeeeFFFFggggHHHHiiiiJJJJkkk=' },
      { function_name: 'orders-api', lm: '2026-03-01T12:30:00.000Z', code_sha256: 'bbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKKKlll=' },
      { function_name: 'orders-api', lm: '2026-03-12T08:47:10.201Z', code_sha256: 'q1wZ0i1bS7u2rR5m0sQ5H1Jm7d5vVfEc8Yb8nq0d7ZQ=' },
    ]);
    // the view keeps the newest configuration of each function: get-function's, with its environment, layers and tags
    expect(
      await db.json(
        `SELECT function_name, vpc_id, subnet_ids, security_group_ids, memory_size, timeout, package_type, architectures,
                layers, environment::VARCHAR AS environment, tags::VARCHAR AS tags, source_file
         FROM lambda_functions_latest ORDER BY function_name`,
      ),
    ).toEqual([
      {
        function_name: 'billing',
        vpc_id: 'vpc-0aa11bb22cc33dd44',
        subnet_ids: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
        security_group_ids: ['sg-0123456789abcdef0'],
        memory_size: 256,
        timeout: 10,
        package_type: 'Zip',
        architectures: ['x86_64'],
        layers: null,
        environment: null,
        tags: null,
        source_file: fx('list-functions.json'),
      },
      {
        function_name: 'orders-api',
        vpc_id: null, // AWS prints "VpcId": "" outside a VPC
        subnet_ids: [],
        security_group_ids: [],
        memory_size: 512,
        timeout: 30,
        package_type: 'Zip',
        architectures: ['arm64'],
        layers: ['arn:aws:lambda:us-east-1:444455556666:layer:telemetry:7'],
        environment: '{"TABLE_NAME":"orders","LOG_LEVEL":"DEBUG"}',
        tags: '{"team":"checkout"}',
        source_file: fx('get-function_orders-api.json'),
      },
    ]);
    expect(
      await db.json(
        `SELECT function_name, qualifier, statement_index, sid, principal::VARCHAR AS principal, action, actions, condition::VARCHAR AS condition
         FROM lambda_policy_statements ORDER BY statement_index`,
      ),
    ).toEqual([
      {
        function_name: 'orders-api',
        qualifier: null,
        statement_index: 1,
        sid: 'FunctionURLAllowPublicAccess',
        principal: '"*"',
        action: 'lambda:InvokeFunctionUrl',
        actions: ['lambda:InvokeFunctionUrl'],
        condition: '{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}',
      },
      {
        function_name: 'orders-api',
        qualifier: 'prod',
        statement_index: 2,
        sid: 'backdoor',
        principal: '{"AWS":"arn:aws:iam::999988887777:root"}',
        action: 'lambda:InvokeFunction,lambda:GetFunction',
        actions: ['lambda:InvokeFunction', 'lambda:GetFunction'],
        condition: null,
      },
    ]);
    expect(
      await db.json(
        `SELECT function_name, qualifier, function_url, auth_type, invoke_mode, cors ->> '$.AllowOrigins[0]' AS origin,
                ${ts('creation_time')} AS created, ${ts('last_modified_time')} AS modified
         FROM function_urls ORDER BY function_name, qualifier NULLS FIRST`,
      ),
    ).toEqual([
      {
        function_name: 'billing',
        qualifier: null,
        function_url: 'https://0123456789abcdefghijklmnopqrstuv.lambda-url.us-east-1.on.aws/',
        auth_type: 'AWS_IAM',
        invoke_mode: null,
        origin: null,
        created: '2025-11-20T16:10:00.000Z',
        modified: '2025-11-20T16:10:00.000Z',
      },
      {
        function_name: 'billing',
        qualifier: 'live',
        function_url: 'https://zyxwvutsrqponmlkjihgfedcba9876.lambda-url.us-east-1.on.aws/',
        auth_type: 'AWS_IAM',
        invoke_mode: 'RESPONSE_STREAM',
        origin: null,
        created: '2025-12-01T18:37:43.187Z',
        modified: '2025-12-02T09:00:00.000Z',
      },
      {
        function_name: 'orders-api',
        qualifier: null,
        function_url: 'https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws/',
        auth_type: 'NONE',
        invoke_mode: 'BUFFERED',
        origin: '*',
        created: '2026-03-12T08:49:02.518Z',
        modified: '2026-03-12T08:49:02.518Z',
      },
    ]);
    expect(await db.json('SELECT path, location, severity, code, message FROM import_issues')).toEqual([
      {
        path: fx('list-functions.json'),
        location: null,
        severity: 'warning',
        code: 'more-pages',
        message: 'the output has a NextMarker: it is one page of a longer list, the other pages are not in this file',
      },
    ]);
  });

  it('a get-policy whose Policy string is not JSON fails alone with an issue row; the other files lose nothing', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'get-policy_broken.json');
    fs.writeFileSync(bad, JSON.stringify({ Policy: '{"Version":"2012-10-17","Statement":[{"Sid":"x"', RevisionId: 'r1' }));
    fs.copyFileSync(fx('get-policy_orders-api.json'), path.join(dir, 'get-policy_orders-api.json'));
    fs.copyFileSync(fx('list-functions.json'), path.join(dir, 'list-functions.json'));
    const s = await importPaths(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['get-policy_broken.json', 'failed', 0],
      ['get-policy_orders-api.json', 'loaded', 2],
      ['list-functions.json', 'loaded', 2],
    ]);
    expect(await db.json(`SELECT path, location, severity, code, message FROM import_issues WHERE code <> 'more-pages'`)).toEqual([
      {
        path: bad,
        location: null,
        severity: 'error',
        code: 'load-failed',
        message:
          'lambda-policy: get-policy output has a "Policy" string that is not valid JSON ' +
          '(it begins "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Sid\\":\\"x\\""); the file was not loaded (nothing from it is in the database)',
      },
    ]);
    expect(await count(db, 'SELECT count(*) FROM lambda_policy_statements')).toBe(2);
    expect(await count(db, 'SELECT count(*) FROM lambda_functions')).toBe(2);
    expect(await db.scalar('SELECT status FROM import_files WHERE path = $p', { p: bad })).toBe('failed');
  });

  it('skips a function without a name and keeps a statement whose Resource names no function, each with an issue', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'functions.json'),
      JSON.stringify({
        Functions: [
          { FunctionName: 'a', FunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:a', LastModified: '2026-01-01T00:00:00.000+0000' },
          { Runtime: 'python3.12', Handler: 'x.y' },
          { FunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:b', LastModified: 'last tuesday' },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'policy.json'),
      JSON.stringify({
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: { Sid: 'one', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: '*' },
        }),
        RevisionId: 'r2',
      }),
    );
    const s = await importPaths(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows, f.issues])).toEqual([
      ['functions.json', 'loaded', 2, 2],
      ['policy.json', 'loaded', 1, 1],
    ]);
    expect(await db.json('SELECT location, code, message FROM import_issues ORDER BY file_id, location')).toEqual([
      { location: 'record 2', code: 'missing-function-name', message: 'function has neither FunctionName nor FunctionArn; entry skipped' },
      { location: 'record 3', code: 'bad-last-modified', message: 'LastModified is not a timestamp ("last tuesday"); row kept' },
      {
        location: 'statement 1',
        code: 'policy-function-unknown',
        message: 'statement Resource is not a Lambda function ARN, so the function is unknown ("*"); row kept',
      },
    ]);
    expect(await db.json('SELECT function_name, last_modified FROM lambda_functions ORDER BY 1')).toEqual([
      { function_name: 'a', last_modified: '2026-01-01 00:00:00+00' },
      { function_name: 'b', last_modified: null },
    ]);
    expect(await db.json('SELECT rows_loaded::INTEGER AS rows_loaded, rows_rejected::INTEGER AS rows_rejected FROM import_files ORDER BY file_id')).toEqual([
      { rows_loaded: 2, rows_rejected: 1 },
      { rows_loaded: 1, rows_rejected: 0 },
    ]);
    expect(await db.json('SELECT function_name, sid, resource FROM lambda_policy_statements')).toEqual([
      { function_name: null, sid: 'one', resource: '*' },
    ]);
  });

  it('look-alikes of get-policy (s3api get-bucket-policy, iam get-policy) are not taken for Lambda policies', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'bucket-policy.json'),
      JSON.stringify({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }) }),
    );
    fs.writeFileSync(
      path.join(dir, 'iam-policy.json'),
      JSON.stringify({ Policy: { PolicyName: 'p', Arn: 'arn:aws:iam::111122223333:policy/p', DefaultVersionId: 'v1' } }),
    );
    fs.writeFileSync(
      path.join(dir, 'lambda-policy-without-revision.json'),
      JSON.stringify({ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:f' }] }) }),
    );
    const s = await importPaths(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.format ?? null, f.rows])).toEqual([
      ['bucket-policy.json', 'skipped', null, 0],
      ['iam-policy.json', 'skipped', null, 0],
      ['lambda-policy-without-revision.json', 'loaded', 'lambda-policy', 1],
    ]);
    expect(await db.json('SELECT function_name FROM lambda_policy_statements')).toEqual([{ function_name: 'f' }]);
  });

  it('a file forced as get-function that holds no function configuration fails with a clear message', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'not-a-function.json');
    fs.writeFileSync(bad, JSON.stringify({ Layers: [] }));
    const s = await importPaths(db, [bad], { source: 'lambda-function' });
    expect(s.files[0]).toMatchObject({ status: 'failed', rows: 0 });
    expect(await db.scalar('SELECT message FROM import_issues')).toBe(
      'lambda-function: the file has neither a "Configuration" object (get-function) nor FunctionName/FunctionArn ' +
        '(get-function-configuration) (top-level keys: Layers); the file was not loaded (nothing from it is in the database)',
    );
  });

  it('importing the same files again changes nothing', async () => {
    await importPaths(db, [DIR, REAL_LIST, REAL_POLICY]);
    const snapshot = async () =>
      db.json(
        `SELECT (SELECT count(*) FROM lambda_functions)::INTEGER AS f, (SELECT count(*) FROM lambda_policy_statements)::INTEGER AS p,
                (SELECT count(*) FROM function_urls)::INTEGER AS u, (SELECT count(*) FROM import_files)::INTEGER AS l,
                (SELECT count(*) FROM import_issues)::INTEGER AS i`,
      );
    const before = await snapshot();
    expect(before).toEqual([{ f: 5, p: 3, u: 3, l: 8, i: 1 }]);
    const again = await importPaths(db, [DIR, REAL_LIST, REAL_POLICY]);
    expect(again.files).toHaveLength(8);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await snapshot()).toEqual(before);
  });
});
