import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string().nullable(),
  time: z.string(),
  event_name: z.string(),
  actor_arn: z.string().nullable(),
  actor_type: z.string().nullable(),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  new_actor: z.boolean(),
  new_source_ip: z.boolean(),
  event_id: z.string(),
});

export const codeChanges: AnalyzerDescriptor<typeof row> = {
  id: 'code-changes',
  title: 'Lambda code and configuration changes',
  severity: 'high',
  description:
    'Every successful Lambda control-plane change (CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, AddPermission, function URLs, versions, aliases, concurrency, event source mappings, layer permissions, DeleteFunction) with its actor and source IP, flagging an actor who never changed a function before and an IP the actor never used in the baseline. In findings: changes in the incident window by a new actor or from a new IP, except configuration changes that only touch memory, timeout, description or ephemeral storage.',
  falsePositives: [
    'A new engineer or a new CI/CD role making its first deployment.',
    'A known actor working from a new network (travel, VPN exit change, new CI runner range).',
    'Changes made outside the exported CloudTrail scope look "new" when the baseline is short.',
  ],
  example: 'orders-api  2026-03-11T09:55Z  UpdateFunctionCode  arn:aws:iam::111122223333:user/dev-mallory  198.51.100.23  new_actor=true',
  sqlFile: 'code-changes.sql',
  row,
  attack: [ATTACK.implantInternalImage, ATTACK.serverlessExecution],
  finding: (r, _ctx, x) => {
    if (!x._in_incident || x._benign_config) return undefined;
    if (!r.new_actor && !r.new_source_ip) return undefined;
    const why = [r.new_actor ? 'new actor' : '', r.new_source_ip ? `new source IP ${r.source_ip ?? ''}` : ''].filter(Boolean).join(', ');
    return {
      function: r.function,
      time: r.time,
      title: `${r.event_name} on ${r.function ?? '(no function)'} by ${r.actor_arn ?? 'unknown'} (${why})`,
      // a first change by an actor from an IP it never used is the classic takeover shape
      severity: r.new_actor && r.new_source_ip ? 'high' : 'medium',
    };
  },
};
