import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string(),
  access_key_id: z.string().nullable(),
  session_arn: z.string().nullable(),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  first_seen: z.string(),
  last_seen: z.string(),
  event_names: z.array(z.string()),
  error_codes: z.array(z.string()),
});

export const credentialExfil: AnalyzerDescriptor<typeof row> = {
  id: 'credential-exfil',
  title: "A function's credentials used outside the function",
  severity: 'critical',
  description:
    "CloudTrail calls made with a function's execution-role session (assumed-role/<role>/<function-name>, an ASIA… key) from a user agent without the Lambda runtime's `exec-env/AWS_Lambda_…` marker, or — for a function in a VPC — from a source IP that is neither a NAT gateway public IP of its VPC (from the ENI snapshots) nor an IP its in-function calls used in the baseline. Someone holds the function's credentials (read from the environment, /proc/self/environ or the runtime API after code execution or SSRF).",
  falsePositives: [
    'Code that calls AWS with a hand-built HTTP client or an SDK that does not add exec-env to its user agent.',
    'A VPC function whose NAT gateway is not in the ENI snapshots and that reaches AWS through a VPC endpoint: its calls come from private IPs.',
    'Local testing that reuses a function role session name (sam local, lambda emulators) with copied credentials.',
  ],
  example: 'orders-api  ASIA…  198.51.100.77  aws-cli/2.15.0 …  [GetCallerIdentity, ListBuckets, GetObject, ListFunctions]',
  sqlFile: 'credential-exfil.sql',
  row,
  attack: [ATTACK.unsecuredCredentials, ATTACK.validCloudAccounts],
  finding: (r, _ctx, x) => ({
    function: r.function,
    time: r.first_seen,
    title: `${r.function}'s role credentials${r.access_key_id ? ` (${r.access_key_id})` : ''} used from ${r.source_ip ?? '?'}${x._foreign_agent ? ` with a non-Lambda user agent` : ''}: ${r.event_names.join(', ')}`,
  }),
};
