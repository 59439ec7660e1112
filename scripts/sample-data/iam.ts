// `aws iam get-account-authorization-details`, `aws rds describe-db-instances` and
// `aws ec2 describe-security-groups`, taken with the other configuration dumps.
import type { Out } from './io.ts';
import {
  ACCOUNT, CI_ROLE, FUNCTIONS, KMS_ENV_KEY, KMS_RECEIPTS_KEY, RDS_DB, REGION, SG, SUBNET_A, SUBNET_B, USERS, VPC_ID, fnArn, roleArn,
} from './story.ts';

const d = (y: number, m: number, day: number, h = 10, mi = 0) => new Date(Date.UTC(y, m - 1, day, h, mi)).toISOString().replace('.000Z', '+00:00');
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const awsPolicy = (name: string, path = '/') => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy${path}${name}` });
const localPolicy = (name: string) => ({ PolicyName: name, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${name}` });
const LAMBDA_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

const ROLE_INLINE: Record<string, object> = {
  'orders-api-role': doc(
    allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders-idempotency`),
    allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::acme-orders-receipts/*'),
    allow('kms:GenerateDataKey', KMS_RECEIPTS_KEY),
    allow('kms:Decrypt', KMS_ENV_KEY),
  ),
  // over-broad: every S3 action on every bucket, and write actions on every resource
  'report-builder-role': doc(
    allow('s3:*', '*'),
    allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'sqs:SendMessage', 'sns:Publish'], '*'),
    allow('dynamodb:Query', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/reports-meta`),
  ),
  'invoice-renderer-role': doc(
    allow('dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/invoices`),
    allow('s3:PutObject', 'arn:aws:s3:::acme-invoices/*'),
  ),
  'thumbnail-maker-role': doc(allow('s3:GetObject', 'arn:aws:s3:::acme-uploads/*'), allow('s3:PutObject', 'arn:aws:s3:::acme-thumbnails/*')),
  'nightly-billing-role': doc(
    allow('dynamodb:Query', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/billing-ledger`),
    allow('s3:PutObject', 'arn:aws:s3:::acme-billing-exports/*'),
  ),
};

function roles(): object[] {
  const fnRoles = FUNCTIONS.map((f, i) => ({
    Path: '/', RoleName: f.role, RoleId: f.roleId, Arn: roleArn(f.role), CreateDate: d(2025, 11, 3 + i * 5, 9, 12),
    AssumeRolePolicyDocument: LAMBDA_TRUST, InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: `${f.name}-inline`, PolicyDocument: ROLE_INLINE[f.role] }],
    AttachedManagedPolicies: [awsPolicy(f.vpc ? 'AWSLambdaVPCAccessExecutionRole' : 'AWSLambdaBasicExecutionRole', '/service-role/')],
    Tags: [{ Key: 'app', Value: f.name }],
    RoleLastUsed: { LastUsedDate: '2026-03-11T17:58:12+00:00', Region: REGION },
  }));
  const ci = {
    Path: '/', RoleName: CI_ROLE.name, RoleId: CI_ROLE.id, Arn: roleArn(CI_ROLE.name), CreateDate: d(2025, 12, 1, 14, 2),
    AssumeRolePolicyDocument: doc({
      Effect: 'Allow', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/report-builder:ref:refs/heads/main' } },
    }),
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: 'ci-deploy-report-builder', PolicyDocument: doc(
      allow(['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionCode', 'lambda:PublishVersion', 'lambda:UpdateAlias'], [fnArn('report-builder'), `${fnArn('report-builder')}:*`]),
      allow('s3:GetObject', 'arn:aws:s3:::acme-ci-artifacts/report-builder/*'),
    ) }],
    AttachedManagedPolicies: [], Tags: [],
    RoleLastUsed: { LastUsedDate: '2026-03-11T14:01:49+00:00', Region: REGION },
  };
  return [...fnRoles, ci];
}

const POLICY_DOCS: Array<{ name: string; id: string; aws?: string; versions: object[]; attachments: number; created: string }> = [
  { name: 'AdministratorAccess', id: 'ANPAIWMBCKSKIEE64ZLYK', aws: '/', attachments: 1, created: d(2015, 2, 6, 18, 39), versions: [doc(allow('*', '*'))] },
  { name: 'CloudWatchLogsReadOnlyAccess', id: 'ANPAJ2YIYDYSNNEHK3VKW', aws: '/', attachments: 1, created: d(2015, 2, 6, 18, 40),
    versions: [doc(allow(['logs:Describe*', 'logs:Get*', 'logs:List*', 'logs:StartQuery', 'logs:StopQuery', 'logs:TestMetricFilter', 'logs:FilterLogEvents', 'logs:StartLiveTail', 'logs:StopLiveTail', 'cloudwatch:GenerateQuery'], '*'))] },
  { name: 'AWSLambdaBasicExecutionRole', id: 'ANPAJNCQGXC42545SKXIK', aws: '/service-role/', attachments: 2, created: d(2015, 4, 9, 15, 3),
    versions: [doc(allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], '*'))] },
  { name: 'AWSLambdaVPCAccessExecutionRole', id: 'ANPAJVTME3YLVNL72YR2K', aws: '/service-role/', attachments: 3, created: d(2016, 2, 11, 23, 15),
    versions: [doc(allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], '*'))] },
  // alice's old platform-team permission, still attached after she moved to analytics
  { name: 'lambda-deployer-legacy', id: 'ANPAQ3EGRV7LEGACYDP01', attachments: 1, created: d(2025, 3, 4, 11, 20), versions: [
    doc(allow(['lambda:UpdateFunctionCode', 'lambda:GetFunction', 'lambda:PublishVersion'], `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`)),
    doc(allow(['lambda:UpdateFunctionCode', 'lambda:GetFunction'], fnArn('orders-api'))),
  ] },
  { name: 'developers-lambda', id: 'ANPAQ3EGRV7DEVLAMBD02', attachments: 1, created: d(2025, 9, 15, 8, 45), versions: [doc(
    allow(['lambda:Get*', 'lambda:List*', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:AddPermission', 'lambda:CreateFunctionUrlConfig', 'lambda:PublishVersion'], `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`),
    allow(['lambda:ListFunctions', 'lambda:ListLayers', 'lambda:ListEventSourceMappings', 'lambda:GetAccountSettings', 'lambda:GetLayerVersion'], '*'),
    allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`, { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }),
  )] },
  { name: 'analytics-athena-access', id: 'ANPAQ3EGRV7ATHENAAN03', attachments: 1, created: d(2025, 6, 2, 9, 14), versions: [doc(
    allow(['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'glue:GetTables', 'glue:GetTable', 'glue:GetDatabases'], '*'),
    allow(['s3:GetObject', 's3:ListBucket', 's3:PutObject'], ['arn:aws:s3:::acme-analytics', 'arn:aws:s3:::acme-analytics/*']),
  )] },
];

function policies(): object[] {
  return POLICY_DOCS.map((p) => ({
    PolicyName: p.name, PolicyId: p.id,
    Arn: p.aws ? `arn:aws:iam::aws:policy${p.aws}${p.name}` : `arn:aws:iam::${ACCOUNT}:policy/${p.name}`,
    Path: p.aws ?? '/', DefaultVersionId: `v${p.versions.length}`, AttachmentCount: p.attachments, PermissionsBoundaryUsageCount: 0, IsAttachable: true,
    CreateDate: p.created, UpdateDate: p.created,
    // newest version first, as IAM lists them; only the newest is the default
    PolicyVersionList: p.versions.map((Document, i) => ({ Document, VersionId: `v${p.versions.length - i}`, IsDefaultVersion: i === 0, CreateDate: p.created })),
  }));
}

export function authorizationDetails(): object {
  const user = (u: { name: string; id: string }, created: string, groups: string[], attached: object[]) => ({
    Path: '/', UserName: u.name, UserId: u.id, Arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`, CreateDate: created,
    UserPolicyList: [], GroupList: groups, AttachedManagedPolicies: attached, Tags: [],
  });
  const group = (name: string, id: string, attached: object[]) => ({
    Path: '/', GroupName: name, GroupId: id, Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, CreateDate: d(2025, 3, 1, 9, 0), GroupPolicyList: [], AttachedManagedPolicies: attached,
  });
  return {
    UserDetailList: [
      user(USERS.alice, d(2025, 2, 17, 9, 30), ['analytics'], [localPolicy('lambda-deployer-legacy')]),
      user(USERS.mallory, d(2025, 9, 15, 8, 40), ['developers'], []),
      user(USERS.admin, d(2025, 1, 8, 16, 5), ['admins'], []),
    ],
    GroupDetailList: [
      group('admins', 'AGPAQ3EGRV7ADMINSGR01', [awsPolicy('AdministratorAccess')]),
      group('analytics', 'AGPAQ3EGRV7ANALYTIC02', [localPolicy('analytics-athena-access')]),
      group('developers', 'AGPAQ3EGRV7DEVELOPR03', [localPolicy('developers-lambda'), awsPolicy('CloudWatchLogsReadOnlyAccess')]),
    ],
    RoleDetailList: roles(),
    Policies: policies(),
  };
}

function securityGroups(): object {
  const egressAll = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }];
  const from = (port: number, groups: string[]) => ({ FromPort: port, IpProtocol: 'tcp', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], ToPort: port,
    UserIdGroupPairs: groups.map((GroupId) => ({ GroupId, UserId: ACCOUNT })) });
  const sg = (id: string, name: string, desc: string, ingress: object[]) => ({
    Description: desc, GroupName: name, IpPermissions: ingress, OwnerId: ACCOUNT, GroupId: id, IpPermissionsEgress: egressAll, VpcId: VPC_ID,
  });
  return { SecurityGroups: [
    sg(SG.orders, 'orders-api-sg', 'orders-api Lambda ENIs', []),
    sg(SG.reports, 'reports-lambda-sg', 'report-builder and invoice-renderer Lambda ENIs', []),
    sg(SG.rds, 'orders-db-sg', 'orders-db PostgreSQL', [from(5432, [SG.orders, SG.reports])]),
    sg(SG.cache, 'orders-cache-sg', 'orders-cache Redis', [from(6379, [SG.reports, SG.batch])]),
    sg(SG.batch, 'batch-workers-sg', 'batch and ETL workers', []),
  ] };
}

function dbInstances(): object {
  return { DBInstances: [{
    DBInstanceIdentifier: RDS_DB.id, DBInstanceClass: 'db.r6g.large', Engine: 'postgres', DBInstanceStatus: 'available', MasterUsername: 'orders_admin', DBName: 'orders',
    Endpoint: { Address: RDS_DB.endpoint, Port: 5432, HostedZoneId: 'Z29XKXDKYMONMX' },
    AllocatedStorage: 100, InstanceCreateTime: '2025-12-01T03:01:44.912000+00:00', PreferredBackupWindow: '01:00-01:30', BackupRetentionPeriod: 7,
    DBSecurityGroups: [], VpcSecurityGroups: [{ VpcSecurityGroupId: SG.rds, Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'default.postgres16', ParameterApplyStatus: 'in-sync' }],
    AvailabilityZone: 'eu-west-1b',
    DBSubnetGroup: { DBSubnetGroupName: 'orders-db-subnets', DBSubnetGroupDescription: 'private subnets', VpcId: VPC_ID, SubnetGroupStatus: 'Complete',
      Subnets: [SUBNET_A, SUBNET_B].map((s, i) => ({ SubnetIdentifier: s, SubnetAvailabilityZone: { Name: i ? 'eu-west-1b' : 'eu-west-1a' }, SubnetOutpost: {}, SubnetStatus: 'Active' })) },
    PreferredMaintenanceWindow: 'wed:03:00-wed:03:30', PendingModifiedValues: {}, LatestRestorableTime: '2026-03-11T17:55:00+00:00',
    MultiAZ: false, EngineVersion: '16.2', AutoMinorVersionUpgrade: true, ReadReplicaDBInstanceIdentifiers: [], LicenseModel: 'postgresql-license',
    PubliclyAccessible: false, StorageType: 'gp3', StorageEncrypted: true, KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`,
    DbiResourceId: RDS_DB.resourceId, CACertificateIdentifier: 'rds-ca-rsa2048-g1', DeletionProtection: true,
    DBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${RDS_DB.id}`, NetworkType: 'IPV4',
  }] };
}

export function writeIamAndInfra(out: Out): { users: number; groups: number; roles: number; policies: number } {
  const auth = authorizationDetails() as { UserDetailList: unknown[]; GroupDetailList: unknown[]; RoleDetailList: unknown[]; Policies: unknown[] };
  out.cliJson('config/iam/get-account-authorization-details.json', auth);
  out.cliJson('config/rds/describe-db-instances.json', dbInstances());
  out.cliJson('config/ec2/describe-security-groups.json', securityGroups());
  return { users: auth.UserDetailList.length, groups: auth.GroupDetailList.length, roles: auth.RoleDetailList.length, policies: auth.Policies.length };
}
