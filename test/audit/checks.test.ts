import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFindings } from '../../src/analyzers/findings.ts';
import { auditFindings, auditRowSchema, runAudit, runAuditDetailed, type AuditRow } from '../../src/audit/index.ts';
import { actionKind, isAllResources, servicePrefix } from '../../src/audit/checks.ts';
import type { Db } from '../../src/db/connection.ts';
import { memoryDb } from '../helpers/db.ts';
import { ctRow, fnConfig, insertRows, sessionRow } from '../helpers/rows.ts';

/**
 * A hand-built account (111122223333, eu-west-1) exercising the edge cases of every check. The
 * expected rows are worked out from the policies below, not from the program's output.
 */
const A = '111122223333';
const fnArn = (n: string) => `arn:aws:lambda:eu-west-1:${A}:function:${n}`;
const userArn = (n: string) => `arn:aws:iam::${A}:user/${n}`;
const roleArn = (n: string, path = '') => `arn:aws:iam::${A}:role/${path}${n}`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const lambdaTrust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const meta = { source_file: 'test/iam.json', file_id: 1 };

const user = (name: string) => ({ user_name: name, arn: userArn(name), path: '/', ...meta });
const role = (name: string, trust: object, path = '/') => ({ role_name: name, arn: roleArn(name, path === '/' ? '' : path.slice(1)), path, assume_role_policy: trust, ...meta });
const inline = (type: string, name: string, policy: string, document: object) => ({ principal_type: type, principal_name: name, policy_name: policy, document, ...meta });
const stmt = (fn: string, i: number, s: Record<string, unknown>) => ({
  function_name: fn, function_arn: fnArn(fn), statement_index: i, sid: s.Sid ?? null, effect: s.Effect,
  // a JSON column: a bare string (Principal "*") goes in as JSON text
  principal: typeof s.Principal === 'string' ? JSON.stringify(s.Principal) : s.Principal ?? null,
  condition: s.Condition ?? null, raw: s, policy_id: 'default', source_file: `test/get-policy_${fn}.json`, file_id: 2,
});

async function seed(db: Db) {
  await insertRows(db, 'iam_users', ['dave', 'erin', 'frank', 'gina', 'henry'].map(user));
  await insertRows(db, 'iam_groups', [{ group_name: 'devs', arn: `arn:aws:iam::${A}:group/devs`, ...meta }]);
  await insertRows(db, 'iam_group_members', [{ user_name: 'dave', group_name: 'devs', ...meta }]);
  await insertRows(db, 'iam_roles', [
    role('api-role', lambdaTrust),
    role('worker-role', lambdaTrust),
    role('AWSServiceRoleForThing', doc({ Effect: 'Allow', Principal: { Service: 'thing.amazonaws.com' }, Action: 'sts:AssumeRole' }), '/aws-service-role/'),
  ]);
  await insertRows(db, 'iam_inline_policies', [
    inline('group', 'devs', 'deploy', doc({ Effect: 'Allow', Action: 'lambda:Update*', Resource: `arn:aws:lambda:eu-west-1:${A}:function:*` })),
    inline('user', 'dave', 'no-config-on-api', doc({ Effect: 'Deny', Action: 'lambda:UpdateFunctionConfiguration', Resource: fnArn('api') })),
    inline('user', 'erin', 'mfa-only', doc({ Sid: 'NeedsMfa', Effect: 'Allow', Action: 'lambda:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })),
    inline('user', 'frank', 'all-but-lambda', doc({ Effect: 'Allow', NotAction: ['lambda:*'], Resource: '*' })),
    inline('user', 'gina', 'own-functions', doc(
      { Sid: 'Create', Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: `arn:aws:lambda:eu-west-1:${A}:function:gina-*` },
      { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn('worker-role'), Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
    )),
    inline('user', 'henry', 'deploy-code', doc({ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: '*' })),
    inline('role', 'api-role', 'api', doc(
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:eu-west-1:${A}:table/orders` },
      { Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: '*' },
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
    )),
    inline('role', 'worker-role', 'worker', doc(
      { Sid: 'AllButIam', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' },
    )),
    inline('role', 'AWSServiceRoleForThing', 'svc', doc({ Effect: 'Allow', Action: 'lambda:*', Resource: '*' })),
  ]);
  await insertRows(db, 'lambda_functions', [fnConfig('api', 'api-role'), fnConfig('worker', 'worker-role')]);
  await insertRows(db, 'lambda_policy_statements', [
    stmt('api', 1, { Sid: 'sns', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('api') }),
    stmt('api', 2, { Sid: 'events-ifexists', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('api'), Condition: { StringEqualsIfExists: { 'AWS:SourceAccount': A } } }),
    stmt('api', 3, { Sid: 'org', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'lambda:InvokeFunction', Resource: fnArn('api'), Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
    stmt('api', 4, { Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'lambda:InvokeFunction', Resource: fnArn('api') }),
    stmt('api', 5, { Sid: 'leak', Effect: 'Allow', Principal: '*', Action: 'lambda:GetFunction', Resource: fnArn('api') }),
    stmt('api', 6, { Sid: 'sqs-ok', Effect: 'Allow', Principal: { Service: 'sqs.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('api'), Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:sqs:eu-west-1:${A}:jobs` } } }),
    stmt('worker', 1, { Sid: 'ext-deploy', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:role/deployer' }, Action: 'lambda:UpdateFunctionCode', Resource: fnArn('worker') }),
  ]);
  await insertRows(db, 'function_urls', [
    { function_name: 'api', function_arn: fnArn('api'), function_url: 'https://api-url.lambda-url.eu-west-1.on.aws/', auth_type: 'NONE', source_file: 'test/url.json', file_id: 3 },
    { function_name: 'worker', function_arn: fnArn('worker'), function_url: 'https://worker-url.lambda-url.eu-west-1.on.aws/', auth_type: 'AWS_IAM', source_file: 'test/url.json', file_id: 3 },
  ]);
  const lambdaCall = (api: string, who: Record<string, unknown>, o: Record<string, unknown> = {}) =>
    ctRow({ event_time: '2026-03-10T12:00:00Z', event_source: 'lambda.amazonaws.com', event_name: `${api}20150331v2`, api_name: api, read_only: false, request_parameters: { functionName: 'api' }, recipient_account_id: A, ...who, ...o });
  await insertRows(db, 'cloudtrail_events', [
    lambdaCall('UpdateFunctionCode', { identity_type: 'IAMUser', principal_arn: userArn('henry'), user_name: 'henry', account_id: A }),
    lambdaCall('UpdateFunctionCode', { identity_type: 'IAMUser', principal_arn: userArn('dave'), user_name: 'dave', account_id: A }, { error_code: 'AccessDeniedException' }),
    sessionRow('worker', 'worker-role', '2026-03-11T09:00:00Z', 'sqs.amazonaws.com', 'ReceiveMessage'),
    sessionRow('worker', 'worker-role', '2026-03-11T09:00:01Z', 'sqs.amazonaws.com', 'ReceiveMessage'),
    sessionRow('worker', 'worker-role', '2026-03-11T09:00:02Z', 'iam.amazonaws.com', 'ListUsers', { error_code: 'AccessDenied' }),
    sessionRow('worker', 'worker-role', '2026-03-11T09:00:03Z', 'monitoring.amazonaws.com', 'PutMetricData'),
  ]);
}

const key = (r: AuditRow) => [r.check, r.function, r.principal, r.severity];

let db: Db;
let rows: AuditRow[];
beforeAll(async () => {
  db = await memoryDb();
  await seed(db);
  rows = await runAudit(db);
});
afterAll(() => db.close());

describe('audit checks on a hand-built account', () => {
  it('returns exactly the expected rows, in check order, every one matching the row schema', () => {
    expect(rows.map(key)).toEqual([
      // can-modify: allowed rows first by severity/function/principal; gina's takeover is medium
      ['can-modify', null, userArn('gina'), 'medium'],
      ['can-modify', 'api', roleArn('AWSServiceRoleForThing', 'aws-service-role/'), 'info'],
      ['can-modify', 'api', roleArn('worker-role'), 'info'],
      ['can-modify', 'api', userArn('dave'), 'info'],
      ['can-modify', 'api', userArn('erin'), 'info'],
      ['can-modify', 'api', userArn('henry'), 'info'],
      ['can-modify', 'worker', roleArn('AWSServiceRoleForThing', 'aws-service-role/'), 'info'],
      ['can-modify', 'worker', roleArn('worker-role'), 'info'],
      ['can-modify', 'worker', userArn('dave'), 'info'],
      ['can-modify', 'worker', userArn('erin'), 'info'],
      ['can-modify', 'worker', userArn('henry'), 'info'],
      ['can-modify', 'worker', 'arn:aws:iam::444455556666:role/deployer', 'info'],
      ['invoke-unrestricted', 'api', 'events.amazonaws.com', 'medium'],
      ['invoke-unrestricted', 'api', 'sns.amazonaws.com', 'medium'],
      ['public-invoke', 'api', '*', 'high'],
      ['public-invoke', 'api', 'arn:aws:iam::999988887777:root', 'medium'],
      ['public-invoke', 'worker', 'arn:aws:iam::444455556666:role/deployer', 'medium'],
      ['public-url', 'api', '*', 'high'],
      ['broad-role', 'worker', roleArn('worker-role'), 'high'],
      ['unused-modify-right', null, roleArn('worker-role'), 'medium'],
      ['unused-modify-right', null, userArn('dave'), 'medium'],
      ['actual-vs-allowed', 'worker', roleArn('worker-role'), 'info'],
    ]);
    for (const r of rows) expect(auditRowSchema.safeParse(r).success).toBe(true);
  });

  const one = (check: string, fn: string | null, principal: string) => rows.find((r) => r.check === check && r.function === fn && r.principal === principal)!;

  it('can-modify: group rights, an explicit Deny, conditions, NotAction and resource-policy grants', () => {
    const daveApi = one('can-modify', 'api', userArn('dave'));
    expect(daveApi.detail).toMatchObject({
      decision: 'allowed',
      actions: ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionUrlConfig', 'lambda:UpdateAlias'],
      conditional_actions: [],
      denied_actions: ['lambda:UpdateFunctionConfiguration'],
      via: ['group:devs'],
    });
    expect(daveApi.evidence).toMatchObject({ policy: 'inline group/devs: deploy', via: 'group:devs', condition: null, source_file: 'test/iam.json' });
    expect(one('can-modify', 'worker', userArn('dave')).detail.actions).toEqual(['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionUrlConfig', 'lambda:UpdateAlias']);

    const erin = one('can-modify', 'api', userArn('erin'));
    expect(erin.detail).toMatchObject({ decision: 'conditional', actions: [], denied_actions: [] });
    expect(erin.detail.conditional_actions).toHaveLength(8);
    expect(erin.evidence).toMatchObject({ sid: 'NeedsMfa', condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, undecided: 'Condition needs Bool aws:MultiFactorAuthPresent' });

    // NotAction iam:* allows every Lambda action; frank's NotAction lambda:* allows none
    expect(one('can-modify', 'api', roleArn('worker-role')).detail.actions).toHaveLength(8);
    expect(rows.some((r) => r.principal === userArn('frank'))).toBe(false);

    const ext = one('can-modify', 'worker', 'arn:aws:iam::444455556666:role/deployer');
    expect(ext.detail).toMatchObject({ decision: 'allowed', principal_type: 'arn', account: '444455556666', actions: ['lambda:UpdateFunctionCode'], via: ['resource-policy'] });
    expect(ext.evidence).toMatchObject({ sid: 'ext-deploy', via: 'resource-policy', source_file: 'test/get-policy_worker.json' });
  });

  it('can-modify: iam:PassRole + lambda:CreateFunction, with iam:PassedToService decided offline', () => {
    const g = one('can-modify', null, userArn('gina'));
    expect(g.detail).toMatchObject({
      kind: 'pass-role-create-function', decision: 'allowed', any_role: false, passable_roles: 1, passable_roles_conditional: 0,
      lambda_trusted_passable_roles: [roleArn('worker-role')],
    });
    expect(g.evidence).toMatchObject({ sid: 'Pass', condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } });
    expect((g.evidence.also as Record<string, unknown>).sid).toBe('Create');
  });

  it('invoke-unrestricted and public-invoke read conditions the way AWS applies them', () => {
    // IfExists does not restrict: a caller without the key passes
    expect(one('invoke-unrestricted', 'api', 'events.amazonaws.com').detail.sid).toBe('events-ifexists');
    expect(rows.some((r) => r.principal === 'sqs.amazonaws.com')).toBe(false); // SourceArn present
    expect(one('public-invoke', 'api', '*').detail).toMatchObject({ kind: 'public', sid: 'leak', actions: ['lambda:GetFunction'] });
    expect(rows.filter((r) => r.check === 'public-invoke' && r.detail.sid === 'org')).toEqual([]); // PrincipalOrgID restricts
    expect(one('public-invoke', 'api', 'arn:aws:iam::999988887777:root').detail).toMatchObject({ kind: 'cross-account', account: '999988887777', function_account: A });
  });

  it('public-url flags AuthType NONE even when no policy statement grants public access', () => {
    expect(one('public-url', 'api', '*').detail).toMatchObject({ url: 'https://api-url.lambda-url.eu-west-1.on.aws/', found_in: ['url-config'], policy_grants_public: false });
    expect(rows.some((r) => r.check === 'public-url' && r.function === 'worker')).toBe(false); // AWS_IAM
  });

  it('broad-role names the action and resource; a Deny on "*" cancels, read and expected actions do not count', () => {
    const w = rows.filter((r) => r.check === 'broad-role');
    expect(w).toHaveLength(1);
    expect(w[0]!.detail).toMatchObject({ role: 'worker-role', actions: ['NotAction iam:*'], kinds: ['all-but-listed'], resource: '*' });
    expect(w[0]!.evidence).toMatchObject({ sid: 'AllButIam', policy: 'inline role/worker-role: worker' });
  });

  it('unused-modify-right: a failed call is no use, a successful one is; service-linked roles are left out', () => {
    const dave = one('unused-modify-right', null, userArn('dave'));
    expect(dave.detail).toMatchObject({ groups: ['devs'], functions: ['api', 'worker'], cloudtrail_events: 6, via: ['group:devs'] });
    expect(rows.some((r) => r.check === 'unused-modify-right' && (r.principal === userArn('henry') || r.principal === userArn('erin')))).toBe(false);
  });

  it('actual-vs-allowed lists used actions next to the allowed patterns', () => {
    expect(one('actual-vs-allowed', 'worker', roleArn('worker-role')).detail).toEqual({
      role: 'worker-role',
      used: [
        { action: 'cloudwatch:PutMetricData', calls: 1, errors: 0 },
        { action: 'iam:ListUsers', calls: 1, errors: 1 },
        { action: 'sqs:ReceiveMessage', calls: 2, errors: 0 },
      ],
      allowed: ['NotAction iam:*', 's3:*'],
      allowed_unused: ['s3:*'],
      used_not_allowed: ['iam:ListUsers'],
      for_lambda_service: [],
    });
  });

  it('--function keeps the rows about that function, including principals that can modify it', async () => {
    const w = await runAudit(db, { function: 'worker' });
    expect(new Set(w.map((r) => r.function))).toEqual(new Set(['worker', null]));
    expect(w.filter((r) => r.function === null).map((r) => r.principal)).toEqual([roleArn('worker-role'), userArn('dave')]);
    const only = await runAudit(db, { checks: ['public-url', 'broad-role'] });
    expect(only.map((r) => r.check)).toEqual(['public-url', 'broad-role']);
  });

  it('audit rows join analyze findings', async () => {
    const f = await auditFindings(db);
    expect(f).toHaveLength(rows.length);
    const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-10T00:00:00.000Z', incidentStartFrom: 'option' as const };
    const all = await collectFindings(db, ctx);
    const audit = all.filter((x) => x.analyzer.startsWith('audit:'));
    expect(audit).toHaveLength(rows.length);
    // sorted by severity first: the four high rows lead
    // sorted by severity, then time (none), then name: the three high audit rows lead
    expect(all.slice(0, 3).map((x) => [x.analyzer, x.function])).toEqual([
      ['audit:broad-role', 'worker'],
      ['audit:public-invoke', 'api'],
      ['audit:public-url', 'api'],
    ]);
    expect(audit.find((x) => x.analyzer === 'audit:public-invoke' && x.severity === 'high')).toMatchObject({
      function: 'api', time: null, title: 'anyone may call lambda:GetFunction on api',
      evidence: { check: 'public-invoke', principal: '*', detail: { sid: 'leak' }, evidence: { sid: 'leak' } },
    });
    expect(audit.find((x) => x.analyzer === 'audit:broad-role')!.title).toBe('execution role worker-role of worker allows NotAction iam:* on *');
    expect(audit.find((x) => x.analyzer === 'audit:can-modify' && x.severity === 'medium')!.title).toBe(
      `${userArn('gina')} can create a function and pass it 1 role(s) (iam:PassRole + lambda:CreateFunction)`,
    );
  });

  it('notes what the data lacks', async () => {
    const empty = await memoryDb();
    try {
      const r = await runAuditDetailed(empty);
      expect(r.rows).toEqual([]);
      expect(r.notes.map((n) => n.split(' ').slice(0, 3).join(' '))).toEqual(['no IAM dump', 'no function known', 'no resource policy', 'no CloudTrail imported:']);
    } finally {
      empty.close();
    }
  });
});

describe('helpers', () => {
  it('classifies actions and maps event sources to IAM prefixes', () => {
    expect(['*', 's3:*', 'ec2:Describe*', 's3:Put*', 'sns:Publish', 'kms:Decrypt', 's3:GetObject'].map(actionKind)).toEqual(['all', 'service', 'read', 'write', 'write', 'read', 'read']);
    expect(['s3.amazonaws.com', 'monitoring.amazonaws.com', 'email.amazonaws.com', 'sts.amazonaws.com'].map(servicePrefix)).toEqual(['s3', 'cloudwatch', 'ses', 'sts']);
    const all = ['*', 'arn:aws:s3:::*', 'arn:aws:s3:::*/*', 'arn:aws:dynamodb:*:*:table/*', 'arn:aws:lambda:*:*:function:*', 'arn:aws:iam::*:role/*'];
    const some = ['arn:aws:s3:::reports/*', `arn:aws:lambda:eu-west-1:${A}:function:*`, 'arn:aws:dynamodb:*:*:table/orders', 'arn:aws:s3:::bucket*'];
    expect(all.map(isAllResources)).toEqual(all.map(() => true));
    expect(some.map(isAllResources)).toEqual(some.map(() => false));
  });
});
