import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string(),
  peer_address: z.string(),
  peer_port: z.number().int().nullable(),
  protocol: z.number().int().nullable(),
  direction: z.enum(['outbound', 'inbound']),
  peer_name: z.string().nullable(),
  peer_kind: z.enum(['rds', 'elasticache', 'nat', 'lambda', 'ec2', 'external', 'internal-unknown']),
  first_seen: z.string(),
  packets: z.number().nullable(),
  bytes: z.number().nullable(),
  action: z.string().nullable(),
  eni_id: z.string(),
  ambiguous: z.boolean(),
  via_nat: z.boolean(),
});

export const newConnections: AnalyzerDescriptor<typeof row> = {
  id: 'new-connections',
  title: 'New network peers of a function',
  severity: 'high',
  description:
    "Peers of a function, seen in flow records of its attributed Lambda ENIs, in the incident window that it never had in the baseline. A peer is its named resource when the ENI snapshots identify it (RDS, ElastiCache, NAT, EC2, Lambda) — so an RDS instance that moved to a new IP is not new — else its IP; with the service port (not the ephemeral one), protocol and direction. External peers reached through a NAT gateway are marked via_nat when v5 NAT records (pkt-srcaddr/pkt-dstaddr) tie the hops.",
  falsePositives: [
    'Functions calling AWS public endpoints (S3, DynamoDB, STS) whose IPs rotate: every new edge IP looks new. Compare against pkt_dst_aws_service where the log has it.',
    'A shared Hyperplane ENI (ambiguous=true): the peer may belong to another function with the same subnet and security groups.',
    'A peer that was used only outside the baseline window by a legitimate, rare code path.',
  ],
  example: 'orders-api  203.0.113.50:4444/6 outbound external  first_seen 2026-03-11T08:31Z  via_nat=true',
  sqlFile: 'new-connections.sql',
  row,
  attack: [ATTACK.applicationLayerProtocol, ATTACK.exfiltrationOverC2],
  finding: (r) => ({
    function: r.function,
    time: r.first_seen,
    title: `${r.function} ${r.direction === 'outbound' ? 'connected to' : 'accepted from'} new peer ${r.peer_name ?? r.peer_address}:${r.peer_port ?? '?'} (${r.peer_kind}${r.via_nat ? ', via NAT' : ''}${r.ambiguous ? ', shared ENI: ambiguous' : ''})`,
    severity: r.peer_kind === 'external' && !r.ambiguous ? 'high' : r.ambiguous ? 'low' : 'medium',
  }),
};
