import { Rng, weighted } from '../rng.ts';
import { ACCOUNT, CLI_UA, INCIDENT_MS, REGION, isoSec, type Fn, type Person, type World } from '../world.ts';

/**
 * CloudTrail records as AWS writes them to S3: one minified JSON object per record (field names
 * and shapes after the CloudTrail record-contents reference and real deliveries), built from text
 * templates rather than JSON.stringify, about 1-2 KB each. Values never contain characters that
 * need JSON escaping except where written escaped on purpose.
 */

interface Call {
  source: string;
  name: string;
  ui: string;
  ip: string;
  ua: string;
  rp: string;
  re: string;
  readOnly: boolean;
  data?: boolean;
  resources?: string;
  aed?: string;
  error?: [string, string];
  host?: string;
  region?: string;
  shared?: boolean;
}

const TLS = (host: string) =>
  `{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"${host}"}`;

/** The same access key for a function's role session within an hour (Lambda refreshes credentials). */
const keyCache = new Map<string, string>();
function sessionKey(fn: string, t: number): string {
  const k = `${fn}:${Math.floor(t / 3_600_000)}`;
  let v = keyCache.get(k);
  if (!v) {
    v = `ASIA${new Rng(k).upper(16)}`;
    if (keyCache.size > 100_000) keyCache.clear();
    keyCache.set(k, v);
  }
  return v;
}

function fnIdentity(fn: Fn, t: number, invokedBy?: string): string {
  const created = isoSec(Math.floor(t / 3_600_000) * 3_600_000);
  return (
    `{"type":"AssumedRole","principalId":"${fn.roleId}:${fn.name}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${fn.role}/${fn.name}",` +
    `"accountId":"${ACCOUNT}","accessKeyId":"${sessionKey(fn.name, t)}","sessionContext":{"sessionIssuer":{"type":"Role",` +
    `"principalId":"${fn.roleId}","arn":"arn:aws:iam::${ACCOUNT}:role/${fn.role}","accountId":"${ACCOUNT}","userName":"${fn.role}"},` +
    `"webIdFederationData":{},"attributes":{"creationDate":"${created}","mfaAuthenticated":"false"}}` +
    (invokedBy ? `,"invokedBy":"${invokedBy}"` : '') +
    '}'
  );
}

function personIdentity(p: Person, t: number): string {
  if (p.kind === 'user') {
    return (
      `{"type":"IAMUser","principalId":"${p.principalId}","arn":"${p.arn}","accountId":"${ACCOUNT}","accessKeyId":"${p.accessKey}",` +
      `"userName":"${p.name}"}`
    );
  }
  const created = isoSec(Math.floor(t / 3_600_000) * 3_600_000);
  return (
    `{"type":"AssumedRole","principalId":"${p.principalId}:${p.name}-${Math.floor(t / 3_600_000)}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${p.name}/${p.name}-${Math.floor(t / 3_600_000)}",` +
    `"accountId":"${ACCOUNT}","accessKeyId":"${p.accessKey}","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"${p.principalId}",` +
    `"arn":"${p.arn}","accountId":"${ACCOUNT}","userName":"${p.name}"},"webIdFederationData":{"federatedProvider":` +
    `"arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com","attributes":{}},` +
    `"attributes":{"creationDate":"${created}","mfaAuthenticated":"false"}}}`
  );
}

const serviceIdentity = (svc: string) => `{"type":"AWSService","invokedBy":"${svc}"}`;

function fnConfig(w: World, fn: Fn, r: Rng, t: number, state: string): string {
  const vpc = fn.vpc
    ? `,"vpcConfig":{"subnetIds":["${w.subnets[0]!.id}","${w.subnets[1]!.id}"],"securityGroupIds":["${fn.sg}"],"vpcId":"vpc-0a1b2c3d4e5f60718","ipv6AllowedForDualStack":false}`
    : '';
  return (
    `{"functionName":"${fn.name}","functionArn":"${fn.arn}","runtime":"${fn.runtime}","role":"arn:aws:iam::${ACCOUNT}:role/${fn.role}",` +
    `"handler":"${fn.runtime === 'python3.12' ? 'app.handler' : 'index.handler'}","codeSize":${r.range(2_000, 9_000_000)},"description":"",` +
    `"timeout":${fn.timeout},"memorySize":${fn.memory},"lastModified":"${new Date(t).toISOString().replace('Z', '+0000')}",` +
    `"codeSha256":"${fn.codeSha}","version":"$LATEST"${vpc},"environment":{},"tracingConfig":{"mode":"PassThrough"},` +
    `"revisionId":"${r.uuid()}","state":"${state}","lastUpdateStatus":"InProgress","packageType":"Zip","architectures":["x86_64"],` +
    `"ephemeralStorage":{"size":512},"snapStart":{"applyOn":"None","optimizationStatus":"Off"},` +
    `"loggingConfig":{"logFormat":"Text","logGroup":"/aws/lambda/${fn.name}"}}`
  );
}

type Maker = (r: Rng, w: World, t: number) => Call;

const fnPick = (r: Rng, w: World) => w.fns[Math.min(w.fns.length - 1, Math.floor(r.next() ** 1.6 * w.fns.length))]!;
const natIp = (r: Rng, w: World, fn: Fn) => (fn.vpc ? w.natIps[r.int(w.natIps.length)]! : `44.${200 + (fn.name.length % 50)}.17.${10 + (fn.name.charCodeAt(0) % 200)}`);

/** Calls a function's own code makes with its execution role. */
const fnCalls: Array<[Maker, number]> = [
  [(r, w, t) => {
    const fn = fnPick(r, w);
    const key = `incoming/${t % 97}/${r.hex(12)}.json`;
    return {
      source: 's3.amazonaws.com', name: 'GetObject', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: true, data: true,
      rp: `{"bucketName":"${fn.bucket}","Host":"${fn.bucket}.s3.${REGION}.amazonaws.com","key":"${key}"}`, re: 'null',
      aed: `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"${r.alnum(76)}","bytesTransferredOut":${r.range(200, 900_000)}}`,
      resources: `[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::${fn.bucket}/${key}"},{"accountId":"${ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::${fn.bucket}"}]`,
      host: `${fn.bucket}.s3.${REGION}.amazonaws.com`,
    };
  }, 18],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    const key = `processed/${new Date(t).toISOString().slice(0, 10)}/${r.hex(16)}.json`;
    return {
      source: 's3.amazonaws.com', name: 'PutObject', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: false, data: true,
      rp: `{"bucketName":"${fn.bucket}","Host":"${fn.bucket}.s3.${REGION}.amazonaws.com","key":"${key}"}`,
      re: '{"x-amz-server-side-encryption":"AES256"}',
      aed: `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":${r.range(200, 900_000)},"SSEApplied":"Default_SSE_S3","AuthenticationMethod":"AuthHeader","x-amz-id-2":"${r.alnum(76)}","bytesTransferredOut":0}`,
      resources: `[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::${fn.bucket}/${key}"},{"accountId":"${ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::${fn.bucket}"}]`,
      host: `${fn.bucket}.s3.${REGION}.amazonaws.com`,
    };
  }, 6],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    const op = r.pick(['GetItem', 'PutItem', 'Query', 'UpdateItem']);
    return {
      source: 'dynamodb.amazonaws.com', name: op, ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: op === 'GetItem' || op === 'Query', data: true,
      rp: op === 'Query'
        ? `{"tableName":"${fn.table}","keyConditionExpression":"pk = :pk","expressionAttributeValues":{":pk":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`
        : `{"tableName":"${fn.table}","key":{"pk":"HIDDEN_DUE_TO_SECURITY_REASONS","sk":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`,
      re: 'null',
      resources: `[{"accountId":"${ACCOUNT}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${fn.table}"}]`,
      host: `dynamodb.${REGION}.amazonaws.com`,
    };
  }, 10],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    return {
      source: 'kms.amazonaws.com', name: 'Decrypt', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: true,
      rp: `{"encryptionContext":{"aws:lambda:FunctionArn":"${fn.arn}"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`, re: 'null',
      resources: `[{"accountId":"${ACCOUNT}","type":"AWS::KMS::Key","ARN":"${w.kmsKey}"}]`, host: `kms.${REGION}.amazonaws.com`,
    };
  }, 8],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    return {
      source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: true,
      rp: `{"secretId":"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/${fn.name}/db-${fn.codeSha.slice(0, 6)}"}`, re: 'null',
      host: `secretsmanager.${REGION}.amazonaws.com`,
    };
  }, 5],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    return {
      source: 'ssm.amazonaws.com', name: 'GetParameter', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: true,
      rp: `{"name":"/prod/${fn.name}/config","withDecryption":true}`, re: 'null', host: `ssm.${REGION}.amazonaws.com`,
    };
  }, 4],
  [(r, w, t) => {
    const fn = fnPick(r, w);
    return {
      source: 'sqs.amazonaws.com', name: 'SendMessage', ui: fnIdentity(fn, t), ip: natIp(r, w, fn), ua: fn.ua, readOnly: false, data: true,
      rp: `{"queueUrl":"https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${fn.name}-out","messageBody":"HIDDEN_DUE_TO_SECURITY_REASONS"}`,
      re: `{"mD5OfMessageBody":"${r.hex(32)}","messageId":"${r.uuid()}"}`,
      resources: `[{"accountId":"${ACCOUNT}","type":"AWS::SQS::Queue","ARN":"arn:aws:sqs:${REGION}:${ACCOUNT}:${fn.name}-out"}]`,
      host: `sqs.${REGION}.amazonaws.com`,
    };
  }, 4],
];

/** What the Lambda service does with the roles and ENIs. */
const serviceCalls: Array<[Maker, number]> = [
  [(r, w, t) => {
    const fn = fnPick(r, w);
    return {
      source: 'sts.amazonaws.com', name: 'AssumeRole', ui: serviceIdentity('lambda.amazonaws.com'), ip: 'lambda.amazonaws.com',
      ua: 'lambda.amazonaws.com', readOnly: true, shared: true,
      rp: `{"roleArn":"arn:aws:iam::${ACCOUNT}:role/${fn.role}","roleSessionName":"${fn.name}"}`,
      re: `{"credentials":{"accessKeyId":"${sessionKey(fn.name, t)}","sessionToken":"IQoJb3JpZ2luX2VjE${r.alnum(120)}","expiration":"${new Date(t + 43_200_000).toUTCString()}"},` +
        `"assumedRoleUser":{"assumedRoleId":"${fn.roleId}:${fn.name}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${fn.role}/${fn.name}"}}`,
      resources: `[{"accountId":"${ACCOUNT}","type":"AWS::IAM::Role","ARN":"arn:aws:iam::${ACCOUNT}:role/${fn.role}"}]`,
    };
  }, 8],
  [(r, w, t) => {
    const fn = w.vpcFns[r.int(w.vpcFns.length)]!;
    return {
      source: 'ec2.amazonaws.com', name: 'DescribeNetworkInterfaces', ui: fnIdentity(fn, t, 'lambda.amazonaws.com'), ip: 'lambda.amazonaws.com',
      ua: 'lambda.amazonaws.com', readOnly: true,
      rp: `{"networkInterfaceIdSet":{"items":[{"networkInterfaceId":"${fn.enis[r.int(fn.enis.length)]!.id}"}]},"filterSet":{}}`, re: 'null',
    };
  }, 4],
  [(r, w, t) => {
    const fn = w.fns[r.int(w.fns.length)]!;
    return {
      source: 'lambda.amazonaws.com', name: 'Invoke', ui: serviceIdentity('apigateway.amazonaws.com'), ip: 'apigateway.amazonaws.com',
      ua: 'apigateway.amazonaws.com', readOnly: false, data: true,
      rp: `{"functionName":"${fn.arn}","sourceArn":"arn:aws:execute-api:${REGION}:${ACCOUNT}:${fn.codeSha.slice(0, 10).toLowerCase()}/prod/POST/${fn.name}"}`,
      re: 'null', aed: `{"functionVersion":"${fn.arn}:$LATEST"}`,
      resources: `[{"accountId":"${ACCOUNT}","type":"AWS::Lambda::Function","ARN":"${fn.arn}"}]`,
    };
  }, 12],
];

/** People and pipelines. */
const peopleCalls: Array<[Maker, number]> = [
  [(r, w, t) => {
    const p = w.people[r.int(w.people.length)]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    const name = r.pick(['GetFunction20150331v2', 'GetFunctionConfiguration20150331v2', 'GetPolicy20150331v2', 'ListVersionsByFunction20150331', 'ListTags20170331']);
    return {
      source: 'lambda.amazonaws.com', name, ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: true,
      rp: name === 'ListTags20170331' ? `{"resource":"${fn.arn}"}` : `{"functionName":"${fn.name}"}`, re: 'null',
      host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 5],
  [(r, w, t) => {
    const p = w.people[r.int(w.people.length)]!;
    return {
      source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: true,
      rp: 'null', re: 'null', host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 3],
  [(r, w, t) => {
    const p = w.people[r.int(w.people.length)]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    const name = r.pick(['GetRole', 'ListAttachedRolePolicies', 'ListRolePolicies']);
    const denied = p.kind === 'user' && r.chance(0.15);
    return {
      source: 'iam.amazonaws.com', name, ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: true,
      rp: `{"roleName":"${fn.role}"}`, re: 'null', host: 'iam.amazonaws.com',
      error: denied ? ['AccessDenied', `User: ${p.arn} is not authorized to perform: iam:${name} on resource: role ${fn.role} because no identity-based policy allows the iam:${name} action`] : undefined,
    };
  }, 3],
  [(r, w, t) => {
    const p = w.people[r.int(w.people.length)]!;
    return {
      source: 'sts.amazonaws.com', name: 'GetCallerIdentity', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: true,
      rp: 'null', re: 'null', host: `sts.${REGION}.amazonaws.com`,
    };
  }, 4],
  [(r, w, t) => {
    const p = w.people[r.int(w.people.length)]!;
    return {
      source: 'ec2.amazonaws.com', name: r.pick(['DescribeInstances', 'DescribeSecurityGroups', 'DescribeSubnets']), ui: personIdentity(p, t),
      ip: p.ip, ua: p.ua, readOnly: true,
      rp: '{"maxResults":1000,"filterSet":{},"instancesSet":{}}', re: 'null', host: `ec2.${REGION}.amazonaws.com`,
    };
  }, 4],
  [(r, w, t) => {
    const p = w.people.find((x) => x.kind === 'ci') ?? w.people[0]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    return {
      source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: false,
      rp: `{"functionName":"${fn.name}","s3Bucket":"acme-artifacts-${ACCOUNT}","s3Key":"${fn.name}/${r.hex(40)}.zip","publish":false,"dryRun":false}`,
      re: fnConfig(w, fn, r, t, 'Active'), host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.15],
  [(r, w, t) => {
    const p = w.people.find((x) => x.kind === 'ci') ?? w.people[0]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    return {
      source: 'lambda.amazonaws.com', name: 'UpdateFunctionConfiguration20150331v2', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: false,
      rp: `{"functionName":"${fn.name}","timeout":${fn.timeout},"memorySize":${fn.memory},"environment":{}}`,
      re: fnConfig(w, fn, r, t, 'Active'), host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.1],
  [(r, w, t) => {
    const p = w.people.find((x) => x.kind === 'ci') ?? w.people[0]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    const vpc = fn.vpc ? `,"vpcConfig":{"subnetIds":["${w.subnets[0]!.id}","${w.subnets[1]!.id}"],"securityGroupIds":["${fn.sg}"]}` : '';
    return {
      source: 'lambda.amazonaws.com', name: 'CreateFunction20150331', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: false,
      rp: `{"functionName":"${fn.name}","runtime":"${fn.runtime}","role":"arn:aws:iam::${ACCOUNT}:role/${fn.role}","handler":"app.handler",` +
        `"code":{},"timeout":${fn.timeout},"memorySize":${fn.memory},"publish":false${vpc},"environment":{},"packageType":"Zip"}`,
      re: fnConfig(w, fn, r, t, 'Pending'), host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.02],
  [(r, w, t) => {
    const p = w.people.find((x) => x.kind === 'ci') ?? w.people[0]!;
    const fn = w.fns[r.int(w.fns.length)]!;
    const src = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${fn.codeSha.slice(0, 10).toLowerCase()}/*/POST/${fn.name}`;
    const sid = `apigw-${r.hex(8)}`;
    return {
      source: 'lambda.amazonaws.com', name: 'AddPermission20150331v2', ui: personIdentity(p, t), ip: p.ip, ua: p.ua, readOnly: false,
      rp: `{"functionName":"${fn.name}","statementId":"${sid}","action":"lambda:InvokeFunction","principal":"apigateway.amazonaws.com","sourceArn":"${src}"}`,
      re: `{"statement":"{\\"Sid\\":\\"${sid}\\",\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"Service\\":\\"apigateway.amazonaws.com\\"},\\"Action\\":\\"lambda:InvokeFunction\\",\\"Resource\\":\\"${fn.arn}\\",\\"Condition\\":{\\"ArnLike\\":{\\"AWS:SourceArn\\":\\"${src}\\"}}}"}`,
      host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.03],
];

/** The incident: the victim function's credentials used from outside, and a backdoor. */
const incidentCalls: Array<[Maker, number]> = [
  [(r, w, t) => {
    const name = r.pick(['ListUsers', 'ListRoles', 'ListAttachedUserPolicies', 'GetAccountAuthorizationDetails']);
    return {
      source: 'iam.amazonaws.com', name, ui: fnIdentity(w.victim, t), ip: w.attackerIp, ua: w.attackerUa, readOnly: true,
      rp: name === 'ListAttachedUserPolicies' ? '{"userName":"alice"}' : 'null', re: 'null', host: 'iam.amazonaws.com',
      error: r.chance(0.3) ? ['AccessDenied', `User: arn:aws:sts::${ACCOUNT}:assumed-role/${w.victim.role}/${w.victim.name} is not authorized to perform: iam:${name}`] : undefined,
    };
  }, 4],
  [(r, w, t) => ({
    source: 's3.amazonaws.com', name: 'ListBuckets', ui: fnIdentity(w.victim, t), ip: w.attackerIp, ua: CLI_UA('s3.ls'), readOnly: true,
    rp: `{"Host":"s3.${REGION}.amazonaws.com"}`, re: 'null', host: `s3.${REGION}.amazonaws.com`,
    aed: `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"${r.alnum(76)}","bytesTransferredOut":${r.range(400, 4000)}}`,
  }), 2],
  [(r, w, t) => ({
    source: 'secretsmanager.amazonaws.com', name: r.pick(['ListSecrets', 'GetSecretValue']), ui: fnIdentity(w.victim, t), ip: w.attackerIp,
    ua: CLI_UA('secretsmanager.list-secrets'), readOnly: true,
    rp: `{"secretId":"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/payments/stripe-${r.alnum(6)}"}`, re: 'null',
    host: `secretsmanager.${REGION}.amazonaws.com`,
  }), 2],
  [(r, w, t) => {
    const fn = w.fns[1]!;
    return {
      source: 'lambda.amazonaws.com', name: 'AddPermission20150331v2', ui: fnIdentity(w.victim, t), ip: w.attackerIp, ua: CLI_UA('lambda.add-permission'),
      readOnly: false,
      rp: `{"functionName":"${fn.name}","statementId":"backdoor","action":"lambda:InvokeFunction","principal":"*"}`,
      re: `{"statement":"{\\"Sid\\":\\"backdoor\\",\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"lambda:InvokeFunction\\",\\"Resource\\":\\"${fn.arn}\\"}"}`,
      host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.2],
  [(r, w, t) => {
    const fn = w.fns[1]!;
    return {
      source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', ui: fnIdentity(w.victim, t), ip: w.attackerIp, ua: CLI_UA('lambda.update-function-code'),
      readOnly: false, rp: `{"functionName":"${fn.name}","publish":true,"dryRun":false}`,
      re: fnConfig(w, fn, r, t, 'Active'), host: `lambda.${REGION}.amazonaws.com`,
    };
  }, 0.2],
];

const normal = weighted<Maker>([...fnCalls, ...serviceCalls, ...peopleCalls]);
const incident = weighted<Maker>(incidentCalls);

/** One CloudTrail record at time t (ms) in region `region`. */
export function ctRecord(r: Rng, w: World, t: number, region: string): string {
  const make = t >= INCIDENT_MS && r.chance(0.002) ? incident(r) : normal(r);
  const c = make(r, w, t);
  const reg = c.source === 'iam.amazonaws.com' ? 'us-east-1' : (c.region ?? region);
  const host = c.host?.replace(REGION, reg);
  const err = c.error ? `"errorCode":"${c.error[0]}","errorMessage":"${c.error[1]}",` : '';
  const isS3 = c.source === 's3.amazonaws.com';
  const requestId = isS3 ? r.hex(16).toUpperCase() : r.uuid();
  return (
    `{"eventVersion":"${c.data ? '1.10' : '1.09'}","userIdentity":${c.ui},"eventTime":"${isoSec(t)}","eventSource":"${c.source}",` +
    `"eventName":"${c.name}","awsRegion":"${reg}","sourceIPAddress":"${c.ip}","userAgent":"${c.ua}",${err}` +
    `"requestParameters":${c.error ? 'null' : c.rp},"responseElements":${c.error ? 'null' : c.re},` +
    (c.aed ? `"additionalEventData":${c.aed},` : '') +
    `"requestID":"${requestId}","eventID":"${r.uuid()}","readOnly":${c.readOnly},` +
    (c.resources ? `"resources":${c.resources},` : '') +
    `"eventType":"AwsApiCall","managementEvent":${!c.data},"recipientAccountId":"${ACCOUNT}",` +
    (c.shared ? `"sharedEventID":"${r.uuid()}",` : '') +
    `"eventCategory":"${c.data ? 'Data' : 'Management'}"` +
    (host ? `,"tlsDetails":${TLS(host)}` : '') +
    '}'
  );
}

/**
 * A CloudTrail log file's content, {"Records":[...]} on one line, with `n` records spread evenly
 * over [t0, t1). About one record in `dupEvery` is written twice in a row (CloudTrail delivers
 * the odd event more than once); the caller learns how many.
 */
export function ctFile(r: Rng, w: World, n: number, t0: number, t1: number, region: string, dupEvery: number): { text: string; records: number; duplicates: number } {
  const parts: string[] = [];
  let dups = 0;
  let prev = '';
  const step = (t1 - t0) / n;
  for (let i = 0; i < n; i++) {
    if (prev && dupEvery > 0 && r.int(dupEvery) === 0 && i < n - 1) {
      parts.push(prev);
      dups++;
      continue;
    }
    prev = ctRecord(r, w, Math.floor(t0 + (i + r.next()) * step), region);
    parts.push(prev);
  }
  return { text: `{"Records":[${parts.join(',')}]}`, records: n, duplicates: dups };
}
