// CloudTrail events of people and pipelines: console users, the CI/CD role, and the attacker
// (orders-api's stolen role credentials, then dev-mallory's leaked access key).
import { ciSession, denied, event, fnConfig, iamUser, lambdaResource, roleSession, type CtEvent, type Json } from './ctRecords.ts';
import { callEvent, cliDate } from './ctFunctions.ts';
import {
  ACCOUNT, ATTACK, ATTACKER_IP, BROWSER_UA, CI_IP, CI_ROLE, CLI_UA_ATTACKER, CLI_UA_CI, FOREIGN_LAYER, MALLORY_ATTACK_IP, OFFICE_IP,
  RDS_DB, Rng, USERS, XSS_UA, at, fn, fnArn, roleArn, type FnName, type UserSpec,
} from './story.ts';
import { BACKDOORED_SHA, CI_COMMITS, ciCodeSha, ciDeployTime, type World } from './world.ts';

const L = 'lambda.amazonaws.com';
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const REPO_SUB = 'repo:acme/report-builder:ref:refs/heads/main';

/** The temporary key of a user's console session on the day of `t` (one session a day). */
function consoleKey(u: UserSpec, t: number): string {
  return `ASIA${new Rng(`console/${u.name}/${new Date(t).toISOString().slice(0, 10)}`).upper(16)}`;
}

function consoleDay(rng: Rng, u: UserSpec, login: number, calls: Array<[number, string, string, Json?, boolean?]>): CtEvent[] {
  const out: CtEvent[] = [];
  out.push(event(rng, {
    t: login, source: 'signin.amazonaws.com', name: 'ConsoleLogin', region: 'us-east-1', eventType: 'AwsConsoleSignIn',
    identity: { type: 'IAMUser', principalId: u.id, arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`, accountId: ACCOUNT, userName: u.name },
    ip: OFFICE_IP, ua: BROWSER_UA, readOnly: false, resp: { ConsoleLogin: 'Success' },
    additional: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAIdentifier: `arn:aws:iam::${ACCOUNT}:mfa/${u.name}`, MFAUsed: 'Yes' },
  }));
  const key = consoleKey(u, login);
  for (const [t, source, name, req, readOnly] of calls) {
    const fnName = req && typeof req === 'object' && !Array.isArray(req) && typeof req.functionName === 'string' ? req.functionName : undefined;
    out.push(event(rng, { t, source, name, identity: iamUser(u, key, login), ip: OFFICE_IP, ua: BROWSER_UA, req: req ?? null, readOnly: readOnly ?? true,
      console: true, resources: fnName ? lambdaResource(fnName) : undefined }));
  }
  return out;
}

const opsAdminLogin = (d: number) => at(d, 8, 31, [14, 52, 7][d - 1]);

function humans(rng: Rng): CtEvent[] {
  const out: CtEvent[] = [];
  for (const d of [1, 2, 3]) {
    const m = (h: number, mi: number, s = 0) => at(d, h, mi, s) + rng.int(0, 40) * 1000;
    // alice: analytics work only (Athena, Glue); never touches Lambda
    out.push(...consoleDay(rng, USERS.alice, m(9, 12), [
      [m(9, 20), 'athena.amazonaws.com', 'StartQueryExecution', { queryString: 'SELECT day, count(*) FROM orders_daily GROUP BY day', workGroup: 'analytics', queryExecutionContext: { database: 'sales' } }, false],
      [m(9, 21), 'athena.amazonaws.com', 'GetQueryExecution', { queryExecutionId: rng.uuid() }],
      [m(11, 3), 'glue.amazonaws.com', 'GetTables', { databaseName: 'sales' }],
      [m(14, 40), 'athena.amazonaws.com', 'StartQueryExecution', { queryString: 'SELECT region, sum(total) FROM orders_daily GROUP BY region', workGroup: 'analytics', queryExecutionContext: { database: 'sales' } }, false],
      [m(14, 41), 'athena.amazonaws.com', 'GetQueryExecution', { queryExecutionId: rng.uuid() }],
    ]));
    // dev-mallory: a developer who reads logs and alarms from the office; no Lambda calls, ever
    if (d < 3) {
      out.push(...consoleDay(rng, USERS.mallory, m(9, 5), [
        [m(9, 8), 'logs.amazonaws.com', 'DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/' }],
        [m(9, 11), 'logs.amazonaws.com', 'StartQuery', { logGroupNames: ['/aws/lambda/orders-api'], queryString: 'fields @timestamp, @message | sort @timestamp desc | limit 50', startTime: Math.floor(at(d, 8, 0) / 1000), endTime: Math.floor(at(d, 9, 0) / 1000) }, false],
        [m(13, 47), 'monitoring.amazonaws.com', 'DescribeAlarms', { stateValue: 'ALARM' }],
      ]));
    }
    // ops-admin: the Lambda console every morning
    const calls: Array<[number, string, string, Json?, boolean?]> = [
      [m(8, 36), L, 'ListFunctions20150331', null],
      [m(8, 36, 20), L, 'GetAccountSettings20160819', null],
      [m(8, 37), L, 'GetFunction20150331v2', { functionName: rng.pick(['orders-api', 'report-builder', 'invoice-renderer'] as const) }],
      [m(8, 50), 'ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }],
      [m(8, 52), 'rds.amazonaws.com', 'DescribeDBInstances', { dBInstanceIdentifier: RDS_DB.id }],
    ];
    if (d === 2) calls.push([at(2, 16, 5, 12), 'rds.amazonaws.com', 'ModifyDBInstance', { dBInstanceIdentifier: RDS_DB.id, dBInstanceClass: 'db.r6g.large', applyImmediately: false }, false]);
    if (d === 3) {
      calls.push(
        [at(3, 11, 28, 40), L, 'ListFunctions20150331', null],
        [at(3, 11, 29, 2), L, 'GetFunction20150331v2', { functionName: 'invoice-renderer' }],
        [at(3, 11, 29, 30), L, 'GetFunctionConfiguration20150331v2', { functionName: 'invoice-renderer' }],
      );
    }
    out.push(...consoleDay(rng, USERS.admin, opsAdminLogin(d), calls));
  }
  return out;
}

/** The memory-size change on invoice-renderer by ops-admin (decoy: benign configuration change). */
function memoryChange(rng: Rng): CtEvent {
  const f = fn('invoice-renderer');
  return event(rng, {
    t: ATTACK.memoryChange, source: L, name: 'UpdateFunctionConfiguration20150331v2', identity: iamUser(USERS.admin, consoleKey(USERS.admin, ATTACK.memoryChange), opsAdminLogin(3)),
    ip: OFFICE_IP, ua: BROWSER_UA, console: true, readOnly: false, resources: lambdaResource(f.name),
    req: { functionName: f.name, memorySize: 1536 },
    resp: fnConfig(f, { lastModified: ATTACK.memoryChange, memory: 1536, revisionId: rng.uuid() }),
  });
}

function ci(rng: Rng): CtEvent[] {
  const out: CtEvent[] = [];
  const f = fn('report-builder');
  for (const d of [1, 2, 3]) {
    const deploy = ciDeployTime(d);
    const runId = String(8123456700 + d * 37);
    const key = `ASIA${rng.upper(16)}`;
    const start = deploy - 48_000;
    const sha = CI_COMMITS[d - 1]!;
    const version = String(12 + d);
    out.push(event(rng, {
      t: start, source: 'sts.amazonaws.com', name: 'AssumeRoleWithWebIdentity',
      identity: { type: 'WebIdentityUser', principalId: `${OIDC}:sts.amazonaws.com:${REPO_SUB}`, userName: REPO_SUB, identityProvider: OIDC },
      ip: CI_IP, ua: 'configure-aws-credentials-for-github-actions', readOnly: true,
      req: { roleArn: roleArn(CI_ROLE.name), roleSessionName: `GitHubActions-${runId}`, durationSeconds: 3600 },
      resp: {
        credentials: { accessKeyId: key, sessionToken: `IQoJb3JpZ2luX2VjE${rng.hex(40)}`, expiration: cliDate(start + 3600_000) },
        subjectFromWebIdentityToken: REPO_SUB,
        assumedRoleUser: { assumedRoleId: `${CI_ROLE.id}:GitHubActions-${runId}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${CI_ROLE.name}/GitHubActions-${runId}` },
        provider: OIDC, audience: 'sts.amazonaws.com',
      },
      resources: [{ type: 'AWS::IAM::Role', arn: roleArn(CI_ROLE.name) }],
    }));
    const identity = ciSession(runId, key, start);
    const call = (t: number, name: string, cmd: string, req: Json, readOnly: boolean, resp?: Json) =>
      event(rng, { t, source: L, name, identity, ip: CI_IP, ua: CLI_UA_CI(cmd), req, resp, readOnly, resources: lambdaResource(f.name) });
    const newSha = ciCodeSha(d);
    out.push(
      call(deploy - 30_000, 'GetFunction20150331v2', 'lambda.get-function', { functionName: f.name }, true),
      call(deploy, 'UpdateFunctionCode20150331v2', 'lambda.update-function-code',
        { functionName: f.name, s3Bucket: 'acme-ci-artifacts', s3Key: `report-builder/${sha}.zip`, publish: false, dryRun: false }, false,
        fnConfig(f, { lastModified: deploy, codeSha: newSha, revisionId: rng.uuid() })),
      call(deploy + 6_000, 'GetFunctionConfiguration20150331v2', 'lambda.wait', { functionName: f.name }, true),
      call(deploy + 11_000, 'GetFunctionConfiguration20150331v2', 'lambda.wait', { functionName: f.name }, true),
      call(deploy + 13_000, 'PublishVersion20150331', 'lambda.publish-version', { functionName: f.name, codeSha256: newSha, description: `build ${sha.slice(0, 7)}` }, false,
        fnConfig(f, { lastModified: deploy, codeSha: newSha, version, revisionId: rng.uuid(), status: 'Successful' })),
      call(deploy + 15_000, 'UpdateAlias20150331', 'lambda.update-alias', { functionName: f.name, name: 'live', functionVersion: version }, false,
        { aliasArn: `${fnArn(f.name)}:live`, name: 'live', functionVersion: version, description: '', revisionId: rng.uuid() }),
    );
  }
  return out;
}

/** orders-api's role credentials, stolen from the compromised environment, used from outside. */
function stolenCredentials(rng: Rng, w: World): CtEvent[] {
  const f = fn('orders-api');
  const env = w.compromised;
  const who = `arn:aws:sts::${ACCOUNT}:assumed-role/${f.role}/${f.name}`;
  const out: CtEvent[] = [];
  const c = (t: number, source: 'sts' | 's3' | 'iam', action: string, cmd: string, target?: string, error?: 'AccessDenied') =>
    out.push(callEvent(rng, f, env, { time: t, source, action, target, error }, ATTACKER_IP, CLI_UA_ATTACKER(cmd)));
  c(at(3, 8, 41, 7), 'sts', 'GetCallerIdentity', 'sts.get-caller-identity');
  c(at(3, 8, 42, 30), 's3', 'ListBuckets', 's3.ls', undefined, 'AccessDenied');
  const receipts = ['2026/03/9f2c4a1b7e3d.pdf', '2026/03/0b8e6d2c4f1a.pdf', '2026/03/7c1d3e5f9a2b.pdf', '2026/03/e4a6b8c0d2f1.pdf', '2026/03/52d9f7e1a3c6.pdf', '2026/03/a1b3c5d7e9f0.pdf'];
  receipts.forEach((k, i) => c(at(3, 8, 44 + i, 10 + i * 7), 's3', 'GetObject', 's3.cp', `acme-orders-receipts/receipts/${k}`));
  out.push(event(rng, {
    t: at(3, 8, 52, 14), source: L, name: 'ListFunctions20150331', identity: roleSession(f, f.name, env.key, env.created), ip: ATTACKER_IP,
    ua: CLI_UA_ATTACKER('lambda.list-functions'), readOnly: true, error: denied(who, 'lambda', 'ListFunctions'),
  }));
  c(at(3, 8, 55, 40), 'iam', 'ListAttachedRolePolicies', 'iam.list-attached-role-policies', undefined, 'AccessDenied');
  c(at(3, 9, 29, 33), 's3', 'GetObject', 's3.cp', 'acme-orders-receipts/receipts/2026/03/c3e5a7b9d1f2.pdf');
  return out;
}

/** dev-mallory's leaked access key: Lambda reconnaissance, then code change and backdoors. */
function mallory(rng: Rng): CtEvent[] {
  const u = USERS.mallory;
  const identity = iamUser(u, u.accessKey);
  const ev = (t: number, name: string, cmd: string, req: Json, readOnly: boolean, resp?: Json, ua?: string, source = L) =>
    event(rng, { t, source, name, identity, ip: MALLORY_ATTACK_IP, ua: ua ?? CLI_UA_ATTACKER(cmd), req, resp, readOnly,
      resources: req && typeof req === 'object' && !Array.isArray(req) && typeof req.functionName === 'string' ? lambdaResource(req.functionName) : undefined });
  const orders = fn('orders-api');
  const thumb = fn('thumbnail-maker');
  const inv = fn('invoice-renderer');
  const statement = (sid: string, action: string, name: FnName, cond?: Json) =>
    JSON.stringify({ Sid: sid, Effect: 'Allow', Principal: '*', Action: action, Resource: fnArn(name), ...(cond ? { Condition: cond } : {}) });
  return [
    ev(at(3, 9, 38, 2), 'GetCallerIdentity', 'sts.get-caller-identity', null, true, null, undefined, 'sts.amazonaws.com'),
    ev(at(3, 9, 40, 11), 'ListFunctions20150331', 'lambda.list-functions', null, true),
    ev(at(3, 9, 40, 40), 'GetFunction20150331v2', 'lambda.get-function', { functionName: 'orders-api' }, true),
    ev(at(3, 9, 41, 5), 'GetFunction20150331v2', 'lambda.get-function', { functionName: 'thumbnail-maker' }, true),
    ev(at(3, 9, 41, 22), 'GetFunction20150331v2', 'lambda.get-function', { functionName: 'invoice-renderer' }, true),
    ev(at(3, 9, 41, 50), 'GetAccountSettings20160819', '', null, true, null, XSS_UA),
    ev(at(3, 9, 42, 30), 'GetFunctionConfiguration20150331v2', 'lambda.get-function-configuration', { functionName: 'orders-api' }, true),
    ev(at(3, 9, 43, 2), 'GetPolicy20150331v2', 'lambda.get-policy', { functionName: 'orders-api' }, true),
    ev(at(3, 9, 43, 40), 'ListLayers20181031', 'lambda.list-layers', null, true),
    ev(at(3, 9, 44, 15), 'ListEventSourceMappings20150331', 'lambda.list-event-source-mappings', null, true),
    ev(ATTACK.codeUpdate, 'UpdateFunctionCode20150331v2', 'lambda.update-function-code', { functionName: 'orders-api', publish: false, dryRun: false }, false,
      fnConfig(orders, { lastModified: ATTACK.codeUpdate, codeSha: BACKDOORED_SHA, revisionId: rng.uuid() })),
    ev(ATTACK.backdoorPermission, 'AddPermission20150331v2', 'lambda.add-permission',
      { functionName: 'orders-api', statementId: 'allow-invoke-public', action: 'lambda:InvokeFunction', principal: '*' }, false,
      { statement: statement('allow-invoke-public', 'lambda:InvokeFunction', 'orders-api') }),
    ev(ATTACK.layer, 'UpdateFunctionConfiguration20150331v2', 'lambda.update-function-configuration',
      { functionName: 'thumbnail-maker', environment: { variables: { ...thumb.env, AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh' } }, layers: [FOREIGN_LAYER] }, false,
      fnConfig(thumb, { lastModified: ATTACK.layer, layers: [FOREIGN_LAYER], env: { ...thumb.env, AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh' }, revisionId: rng.uuid() })),
    ev(ATTACK.url, 'CreateFunctionUrlConfig20211031', 'lambda.create-function-url-config', { functionName: 'invoice-renderer', authType: 'NONE' }, false,
      { functionUrl: 'https://k7q2m9x4v1c8z5b3n6w0p2r4t7y9u1a3.lambda-url.eu-west-1.on.aws/', functionArn: fnArn(inv.name), authType: 'NONE', invokeMode: 'BUFFERED', creationTime: new Date(ATTACK.url).toISOString().replace('Z', '000Z') }),
    ev(ATTACK.url + 32_000, 'AddPermission20150331v2', 'lambda.add-permission',
      { functionName: 'invoice-renderer', statementId: 'FunctionURLAllowPublicAccess', action: 'lambda:InvokeFunctionUrl', principal: '*', functionUrlAuthType: 'NONE' }, false,
      { statement: statement('FunctionURLAllowPublicAccess', 'lambda:InvokeFunctionUrl', 'invoice-renderer', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }) }),
  ];
}

export function peopleEvents(w: World): CtEvent[] {
  const rng = new Rng('cloudtrail/people');
  return [...humans(rng), memoryChange(rng), ...ci(rng), ...stolenCredentials(rng, w), ...mallory(rng)];
}

