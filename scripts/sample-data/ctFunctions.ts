// CloudTrail events of the functions' execution roles: the calls the code makes (in-function,
// exec-env user agent, from the NAT IP for VPC functions), and what the Lambda service does with
// the role (AssumeRole at each new execution environment, kms:Decrypt of environment variables,
// ENI management), which is not the function's behaviour.
import { awsService, denied, event, roleSession, type CtEvent, type Rec } from './ctRecords.ts';
import {
  ACCOUNT, ENI, KMS_ENV_KEY, KMS_RECEIPTS_KEY, NAT, ORDERS_ENI_B_CREATED, ORDERS_ENI_B_DELETED, REGION, Rng, SECRET_ARN,
  SG, SUBNET_B, VPC_ID, fn, roleArn, type FnSpec,
} from './story.ts';
import type { Call, Env, Invocation, World } from './world.ts';

const NODE_SDK = '3.592.0';
const BOTO = '1.34.84';
export function sdkUa(f: FnSpec, service: string): string {
  return f.runtime === 'nodejs20.x'
    ? `aws-sdk-js/${NODE_SDK} ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 lang/js md/nodejs#20.13.1 api/${service}#${NODE_SDK} exec-env/AWS_Lambda_nodejs20.x`
    : `Boto3/${BOTO} md/Botocore#${BOTO} ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/${BOTO}`;
}

export function sourceIp(env: Env): string {
  return env.subnet ? NAT.publicIp : env.publicIp!;
}

/** One AWS call made by code holding the role session's credentials. */
export function callEvent(rng: Rng, f: FnSpec, env: Env, c: Call, ip: string, ua: string): CtEvent {
  const identity = roleSession(f, f.name, env.key, env.created);
  const who = identity.arn as string;
  const base = { t: c.time, identity, ip, ua };
  switch (c.source) {
    case 'dynamodb': {
      const table = c.target!;
      const keyAttr = table === 'orders-idempotency' ? { pk: `ORDER#${rng.int(1000, 9999)}` } : { id: `${table.slice(0, 3).toUpperCase()}-${rng.int(100000, 999999)}` };
      const req: Rec = c.action === 'Query'
        ? { tableName: table, keyConditionExpression: 'pk = :pk', limit: 25, scanIndexForward: false }
        : c.action === 'PutItem'
          ? { tableName: table, key: keyAttr, conditionExpression: 'attribute_not_exists(pk)' }
          : { tableName: table, key: keyAttr, consistentRead: false };
      return event(rng, { ...base, source: 'dynamodb.amazonaws.com', name: c.action, req, readOnly: c.action !== 'PutItem', data: true,
        resources: [{ type: 'AWS::DynamoDB::Table', arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}` }] });
    }
    case 's3': {
      if (c.action === 'ListBuckets') {
        return event(rng, { ...base, source: 's3.amazonaws.com', name: 'ListBuckets', req: { Host: `s3.${REGION}.amazonaws.com` }, readOnly: true,
          error: c.error ? denied(who, 's3', 'ListAllMyBuckets') : undefined,
          additional: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': amzId2(rng), bytesTransferredOut: 0 } });
      }
      const [bucket, ...rest] = c.target!.split('/');
      const key = rest.join('/');
      const put = c.action === 'PutObject';
      return event(rng, { ...base, source: 's3.amazonaws.com', name: c.action, data: true, readOnly: !put,
        req: { bucketName: bucket!, Host: `${bucket}.s3.${REGION}.amazonaws.com`, key },
        resp: put ? { 'x-amz-server-side-encryption': 'AES256' } : null,
        additional: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: put ? rng.int(20000, 400000) : 0,
          'x-amz-id-2': amzId2(rng), bytesTransferredOut: put ? 0 : rng.int(20000, 400000), AuthenticationMethod: 'AuthHeader' },
        resources: [{ type: 'AWS::S3::Object', arn: `arn:aws:s3:::${bucket}/${key}`, account: false }, { type: 'AWS::S3::Bucket', arn: `arn:aws:s3:::${bucket}` }] });
    }
    case 'kms':
      return event(rng, { ...base, source: 'kms.amazonaws.com', name: 'GenerateDataKey', readOnly: true,
        req: { keyId: 'alias/orders-receipts', keySpec: 'AES_256', encryptionContext: { bucket: 'acme-orders-receipts' } },
        resources: [{ type: 'AWS::KMS::Key', arn: KMS_RECEIPTS_KEY }] });
    case 'sts':
      return event(rng, { ...base, source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true });
    case 'secretsmanager':
      return event(rng, { ...base, source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', readOnly: true, req: { secretId: c.target! },
        error: c.error ? denied(who, 'secretsmanager', 'GetSecretValue', SECRET_ARN) : undefined });
    case 'iam': {
      const req: Rec | undefined = c.action === 'ListAttachedRolePolicies' ? { roleName: f.role } : undefined;
      return event(rng, { ...base, source: 'iam.amazonaws.com', name: c.action, readOnly: true, region: 'us-east-1', req,
        error: c.error ? denied(who, 'iam', c.action, c.action === 'ListAttachedRolePolicies' ? roleArn(f.role) : `arn:aws:iam::${ACCOUNT}:role/`) : undefined });
    }
  }
}

function amzId2(rng: Rng): string {
  return rng.chars(76, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
}

/** Lambda assumes the execution role for each new execution environment. */
function assumeRole(rng: Rng, env: Env): CtEvent {
  const f = fn(env.fn);
  const shared = rng.uuid();
  return event(rng, {
    t: env.created - 40, source: 'sts.amazonaws.com', name: 'AssumeRole', identity: awsService('lambda.amazonaws.com'),
    ip: 'lambda.amazonaws.com', ua: 'lambda.amazonaws.com', readOnly: true, sharedEventID: shared,
    req: { roleArn: roleArn(f.role), roleSessionName: f.name },
    resp: {
      credentials: { accessKeyId: env.key, sessionToken: `IQoJb3JpZ2luX2VjE${rng.chars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`, expiration: cliDate(env.created + 12 * 3600_000) },
      assumedRoleUser: { assumedRoleId: `${f.roleId}:${f.name}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${f.role}/${f.name}` },
    },
    resources: [{ type: 'AWS::IAM::Role', arn: roleArn(f.role) }],
  });
}

/** "Mar 9, 2026, 10:00:00 PM", the way STS responseElements print expirations. */
export function cliDate(ms: number): string {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const h = d.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${mon} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** Lambda decrypts the customer-managed-key environment variables with the role, for each new environment. */
function decryptEnv(rng: Rng, env: Env): CtEvent {
  const f = fn(env.fn);
  return event(rng, {
    t: env.created + 15, source: 'kms.amazonaws.com', name: 'Decrypt', identity: roleSession(f, f.name, env.key, env.created, 'lambda.amazonaws.com'),
    ip: 'lambda.amazonaws.com', ua: 'lambda.amazonaws.com', readOnly: true,
    req: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { LambdaFunctionName: f.name } },
    resources: [{ type: 'AWS::KMS::Key', arn: KMS_ENV_KEY }],
  });
}

/** The Hyperplane ENI of orders-api in subnet B is replaced (create, then delete the old one). */
function eniReplacement(rng: Rng, w: World): CtEvent[] {
  const f = fn('orders-api');
  const env = [...w.envs].filter((e) => e.fn === 'orders-api' && e.created <= ORDERS_ENI_B_CREATED).pop()!;
  const identity = roleSession(f, f.name, env.key, env.created, 'lambda.amazonaws.com');
  const common = { identity, ip: 'lambda.amazonaws.com', ua: 'lambda.amazonaws.com', source: 'ec2.amazonaws.com' };
  const desc = `AWS Lambda VPC ENI-orders-api-${ENI.ordersBNew.uuid}`;
  const created = event(rng, {
    ...common, t: ORDERS_ENI_B_CREATED, name: 'CreateNetworkInterface', readOnly: false,
    req: { subnetId: SUBNET_B, description: desc, groupSet: { items: [{ groupId: SG.orders }] }, privateIpAddressesSet: {} },
    resp: {
      requestId: rng.uuid(),
      networkInterface: {
        networkInterfaceId: ENI.ordersBNew.id, subnetId: SUBNET_B, vpcId: VPC_ID, availabilityZone: 'eu-west-1b', description: desc,
        ownerId: ACCOUNT, requesterId: `${f.roleId}:${ENI.ordersBNew.uuid.replace(/-/g, '')}`, requesterManaged: false, status: 'pending',
        macAddress: '06:3c:9e:41:7a:5d', privateIpAddress: ENI.ordersBNew.ip, sourceDestCheck: true, interfaceType: 'lambda',
        groupSet: { items: [{ groupId: SG.orders, groupName: 'orders-api-sg' }] },
        privateIpAddressesSet: { item: [{ privateIpAddress: ENI.ordersBNew.ip, primary: true }] }, tagSet: {},
      },
    },
  });
  const deleted = event(rng, {
    ...common, t: ORDERS_ENI_B_DELETED, name: 'DeleteNetworkInterface', readOnly: false,
    req: { networkInterfaceId: ENI.ordersBOld.id }, resp: { requestId: rng.uuid(), _return: true },
  });
  return [created, deleted];
}

export function functionEvents(w: World): CtEvent[] {
  const rng = new Rng('cloudtrail/functions');
  const out: CtEvent[] = [];
  for (const env of w.envs) {
    out.push(assumeRole(rng, env));
    if (fn(env.fn).kmsKey) out.push(decryptEnv(rng, env));
  }
  for (const inv of w.invocations as Invocation[]) {
    const f = fn(inv.fn);
    for (const c of inv.calls) out.push(callEvent(rng, f, inv.env, c, sourceIp(inv.env), sdkUa(f, c.source)));
  }
  out.push(...eniReplacement(rng, w));
  return out;
}

