import { z } from 'zod';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  time: z.string(),
  function: z.string(),
  source: z.enum(['cloudtrail', 'logs', 'flow', 'eni', 'metrics', 'config']),
  kind: z.string(),
  summary: z.string(),
  ref: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const timeline: AnalyzerDescriptor<typeof row> = {
  id: 'timeline',
  title: 'Everything that touched one function, in time order',
  severity: 'info',
  description:
    'Every event from every source touching the function: control-plane calls naming it, calls made with its role session (function or Lambda service), invocations and flow records bucketed per minute, ENI snapshots of its attributed ENIs, metrics data points and configuration dumps. Needs --function; --from/--to narrow the range.',
  falsePositives: ['Not a detection: it lists everything.'],
  example: '2026-03-11T09:55:02Z  orders-api  cloudtrail  UpdateFunctionCode  UpdateFunctionCode by arn:aws:iam::111122223333:user/dev-mallory from 198.51.100.23',
  sqlFile: 'timeline.sql',
  row,
  requiresFunction: true,
};
