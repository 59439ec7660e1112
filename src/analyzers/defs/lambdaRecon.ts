import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  actor_arn: z.string().nullable(),
  source_ip: z.string().nullable(),
  event_name: z.string(),
  function: z.string().nullable(),
  time: z.string(),
  count: z.number().int(),
  new_actor: z.boolean(),
  new_source_ip: z.boolean(),
});

export const lambdaRecon: AnalyzerDescriptor<typeof row> = {
  id: 'lambda-recon',
  title: 'Lambda reconnaissance by a new principal or from a new IP',
  severity: 'medium',
  description:
    'Lambda discovery calls — ListFunctions, GetFunction (its response carries a presigned URL to download the code), GetFunctionConfiguration (environment variables), GetPolicy, ListVersionsByFunction, ListAliases, ListLayers, GetLayerVersion, ListEventSourceMappings and the function-URL reads — in the incident window, by a principal that made none in the baseline, or from an IP that principal never used in the baseline. Assumed-role sessions count as their role, so a CI/CD role that reads the functions it deploys every day is known.',
  falsePositives: [
    'A new engineer, auditor or inventory tool (Security Hub, CSPM scanners) starting to read Lambda configuration.',
    'A known principal working from a new network.',
    'Consoles: opening the Lambda console issues several of these calls at once.',
  ],
  example: 'arn:aws:iam::111122223333:user/dev-mallory  198.51.100.23  GetFunctionConfiguration  orders-api  count 2  new_actor=true',
  sqlFile: 'lambda-recon.sql',
  row,
  attack: [ATTACK.cloudServiceDiscovery, ATTACK.cloudInfrastructureDiscovery],
  finding: (r) => ({
    function: r.function,
    time: r.time,
    title: `${r.event_name}${r.function ? ` on ${r.function}` : ''} by ${r.actor_arn ?? '?'} from ${r.source_ip ?? '?'} (${[r.new_actor ? 'new actor' : '', r.new_source_ip ? 'new IP' : ''].filter(Boolean).join(', ')})`,
    severity: r.new_actor && r.new_source_ip ? 'medium' : 'low',
  }),
};
