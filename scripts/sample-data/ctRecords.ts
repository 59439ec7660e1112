// CloudTrail record builders: userIdentity shapes and the event envelope, field order as AWS
// writes them (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
import { ACCOUNT, CI_ROLE, REGION, Rng, fnArn, isoS, lambdaTime, roleArn, type FnSpec, type UserSpec } from './story.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };
export type Rec = Record<string, Json | undefined>;
/** A record plus its time as a number, for sorting and file placement. */
export interface CtEvent {
  t: number;
  rec: Rec;
}

export function roleSession(f: Pick<FnSpec, 'role' | 'roleId'>, session: string, key: string, created: number, invokedBy?: string): Rec {
  return {
    type: 'AssumedRole',
    principalId: `${f.roleId}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${f.role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: key,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: f.roleId, arn: roleArn(f.role), accountId: ACCOUNT, userName: f.role },
      attributes: { creationDate: isoS(created), mfaAuthenticated: 'false' },
    },
    invokedBy,
  };
}

export function ciSession(runId: string, key: string, created: number): Rec {
  return roleSession({ role: CI_ROLE.name, roleId: CI_ROLE.id }, `GitHubActions-${runId}`, key, created);
}

/** An IAM user: with long-term keys (AKIA...), or in a console session (ASIA... with sessionContext). */
export function iamUser(u: UserSpec, key: string, consoleSince?: number): Rec {
  return {
    type: 'IAMUser',
    principalId: u.id,
    arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`,
    accountId: ACCOUNT,
    accessKeyId: key,
    userName: u.name,
    sessionContext: consoleSince === undefined ? undefined : { attributes: { creationDate: isoS(consoleSince), mfaAuthenticated: 'true' } },
  };
}

export const awsService = (invokedBy: string): Rec => ({ type: 'AWSService', invokedBy });

export interface EventOpts {
  t: number;
  source: string; // dynamodb.amazonaws.com
  name: string; // GetItem, UpdateFunctionCode20150331v2
  identity: Rec;
  ip: string;
  ua: string;
  req?: Json;
  resp?: Json;
  error?: { code: string; message: string };
  additional?: Rec;
  resources?: Array<{ type: string; arn: string; account?: boolean }>;
  readOnly: boolean;
  data?: boolean;
  region?: string;
  requestId?: string;
  sharedEventID?: string;
  console?: boolean;
  eventType?: string;
  version?: string;
}

export function event(rng: Rng, o: EventOpts): CtEvent {
  const service = o.source.split('.')[0]!;
  const region = o.region ?? REGION;
  const fromService = o.ip.endsWith('.amazonaws.com');
  const rec: Rec = {
    eventVersion: o.version ?? (o.data && service === 's3' ? '1.10' : '1.09'),
    userIdentity: o.identity,
    eventTime: isoS(o.t),
    eventSource: o.source,
    eventName: o.name,
    awsRegion: region,
    sourceIPAddress: o.ip,
    userAgent: o.ua,
    errorCode: o.error?.code,
    errorMessage: o.error?.message,
    requestParameters: o.req ?? null,
    responseElements: o.error ? null : (o.resp ?? null),
    additionalEventData: o.additional,
    requestID: o.requestId ?? (service === 's3' ? rng.chars(16, '0123456789ABCDEF') : rng.uuid()),
    eventID: rng.uuid(),
    readOnly: o.readOnly,
    resources: o.resources?.map((r) => (r.account === false ? { type: r.type, ARN: r.arn } : { accountId: ACCOUNT, type: r.type, ARN: r.arn })),
    eventType: o.eventType ?? 'AwsApiCall',
    managementEvent: !o.data,
    recipientAccountId: ACCOUNT,
    sharedEventID: o.sharedEventID,
    eventCategory: o.data ? 'Data' : 'Management',
    tlsDetails: fromService || o.eventType === 'AwsConsoleSignIn'
      ? undefined
      : { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host(service, region, o.req) },
    sessionCredentialFromConsole: o.console ? 'true' : undefined,
  };
  return { t: o.t, rec };
}

function host(service: string, region: string, req: Json | undefined): string {
  if (service === 's3') {
    const b = req && typeof req === 'object' && !Array.isArray(req) ? req.bucketName : undefined;
    return typeof b === 'string' ? `${b}.s3.${region}.amazonaws.com` : `s3.${region}.amazonaws.com`;
  }
  if (service === 'iam') return 'iam.amazonaws.com';
  if (service === 'signin') return 'signin.aws.amazon.com';
  return `${service}.${region}.amazonaws.com`;
}

/** The access-denied error as each service reports it in CloudTrail. */
export function denied(identityArn: string, service: string, action: string, resource?: string): { code: string; message: string } {
  if (service === 's3') return { code: 'AccessDenied', message: 'Access Denied' };
  const what = `${service}:${action}`;
  const on = resource ? ` on resource: ${resource}` : '';
  const code = service === 'lambda' ? 'AccessDeniedException' : 'AccessDenied';
  return { code, message: `User: ${identityArn} is not authorized to perform: ${what}${on} because no identity-based policy allows the ${what} action` };
}

/** The function configuration Lambda returns (responseElements of Update*, PublishVersion). */
export function fnConfig(
  f: FnSpec,
  o: { lastModified: number; codeSha?: string; memory?: number; version?: string; layers?: string[]; env?: Record<string, string>; revisionId: string; status?: string },
): Rec {
  const arn = o.version && o.version !== '$LATEST' ? `${fnArn(f.name)}:${o.version}` : fnArn(f.name);
  return {
    functionName: f.name,
    functionArn: arn,
    runtime: f.runtime,
    role: roleArn(f.role),
    handler: f.handler,
    codeSize: f.codeSize,
    description: f.description,
    timeout: f.timeout,
    memorySize: o.memory ?? f.memory,
    lastModified: lambdaTime(o.lastModified),
    codeSha256: o.codeSha ?? f.codeSha,
    version: o.version ?? '$LATEST',
    vpcConfig: f.vpc ? { subnetIds: f.vpc.subnets, securityGroupIds: f.vpc.sgs, ipv6AllowedForDualStack: false } : undefined,
    environment: { variables: o.env ?? f.env },
    kMSKeyArn: f.kmsKey,
    tracingConfig: { mode: 'PassThrough' },
    revisionId: o.revisionId,
    layers: o.layers?.map((arn) => ({ arn, codeSize: 1843212 })),
    state: 'Active',
    lastUpdateStatus: o.status ?? 'InProgress',
    lastUpdateStatusReason: (o.status ?? 'InProgress') === 'InProgress' ? 'The function is being created.' : undefined,
    lastUpdateStatusReasonCode: (o.status ?? 'InProgress') === 'InProgress' ? 'Creating' : undefined,
    packageType: 'Zip',
    architectures: ['x86_64'],
    ephemeralStorage: { size: 512 },
    snapStart: { applyOn: 'None', optimizationStatus: 'Off' },
    runtimeVersionConfig: { runtimeVersionArn: runtimeVersionArn(f) },
    loggingConfig: { logFormat: f.logFormat, logGroup: `/aws/lambda/${f.name}` },
  };
}

export function runtimeVersionArn(f: Pick<FnSpec, 'runtime'>): string {
  return f.runtime === 'nodejs20.x'
    ? `arn:aws:lambda:${REGION}::runtime:c8e24cf4a4c1a9e1d4f3b2a1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1`
    : `arn:aws:lambda:${REGION}::runtime:3b6a7e2c1d0f9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a`;
}

export const lambdaResource = (name: string) => [{ type: 'AWS::Lambda::Function', arn: fnArn(name) }];
