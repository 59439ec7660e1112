import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string(),
  role_arn: z.string().nullable(),
  event_source: z.string().nullable(),
  event_name: z.string().nullable(),
  first_seen: z.string(),
  last_seen: z.string(),
  count: z.number().int(),
  error_codes: z.array(z.string()),
  source_ips: z.array(z.string()),
});

/** API calls that reveal reconnaissance or credential access when a function suddenly makes them. */
const SENSITIVE = /^(ListBuckets|GetSecretValue|BatchGetSecretValue|ListSecrets|GetParameter|GetParameters|GetParametersByPath|ListRoles|ListUsers|ListAttachedRolePolicies|GetAccountAuthorizationDetails|GetCallerIdentity|AssumeRole|CreateAccessKey|CreateUser|AttachRolePolicy|PutRolePolicy|ListFunctions|GetFunction|UpdateFunctionCode|DescribeInstances|GetObject)$/;

export const unusualApi: AnalyzerDescriptor<typeof row> = {
  id: 'unusual-api',
  title: 'API calls new for the function',
  severity: 'high',
  description:
    "API calls made by a function's own execution-role session (session name = function name, role = its configured role) in the incident window whose (event_source, api_name) pair never occurred for that function in the baseline. A rare call present in the baseline is not unusual. The Lambda service's own use of the role (invokedBy, *.amazonaws.com source) is excluded.",
  falsePositives: [
    'A legitimate deployment that changed what the code calls (check code-changes for a matching UpdateFunctionCode by a known actor).',
    'A code path that runs rarely (month-end jobs) and did not run in the baseline window.',
    'Functions with no baseline at all: every call is "new" (reported at low severity).',
  ],
  example: 'orders-api  secretsmanager.amazonaws.com  GetSecretValue  first_seen 2026-03-11T08:12Z  count 3  source_ips [52.51.0.10]',
  sqlFile: 'unusual-api.sql',
  row,
  attack: [ATTACK.validCloudAccounts, ATTACK.cloudServiceDiscovery],
  finding: (r, _ctx, x) => ({
    function: r.function,
    time: r.first_seen,
    title: `${r.function} called ${r.event_source ?? '?'} ${r.event_name ?? '?'} ${r.count}x, never seen in its baseline${r.error_codes.length ? ` (errors: ${r.error_codes.join(', ')})` : ''}`,
    severity: !x._has_baseline ? 'low' : SENSITIVE.test(r.event_name ?? '') ? 'high' : 'medium',
  }),
};
