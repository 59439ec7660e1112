import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor, Severity } from '../types.ts';

const KINDS = ['layer', 'exec-env-var', 'runtime', 'handler', 'role', 'public-permission', 'cross-account-permission', 'public-url', 'foreign-event-source'] as const;

const row = z.object({
  function: z.string().nullable(),
  kind: z.enum(KINDS),
  actor_arn: z.string().nullable(),
  time: z.string().nullable(),
  source_ip: z.string().nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  event_id: z.string().nullable(),
});

const SEVERITY: Record<(typeof KINDS)[number], Severity> = {
  layer: 'medium',
  'exec-env-var': 'high',
  runtime: 'medium',
  handler: 'medium',
  role: 'high',
  'public-permission': 'high',
  'cross-account-permission': 'high',
  'public-url': 'high',
  'foreign-event-source': 'medium',
};

export const lambdaPersistence: AnalyzerDescriptor<typeof row> = {
  id: 'lambda-persistence',
  title: 'Persistence through function configuration',
  severity: 'high',
  description:
    "Diffs each function's CreateFunction / UpdateFunctionConfiguration request parameters in time order, and the configuration dumps, for: a layer added (high when it comes from another account, whose id is in the layer ARN); an execution-changing environment variable (AWS_LAMBDA_EXEC_WRAPPER, NODE_OPTIONS, PYTHONPATH, PYTHONSTARTUP, JAVA_TOOL_OPTIONS, LD_PRELOAD, PERL5OPT, RUBYOPT and similar) set or changed; a change of runtime, handler or execution role; a resource-policy statement added for Principal * (without SourceArn/SourceAccount/PrincipalOrgID) or for a foreign account; a function URL with AuthType NONE; an event source mapping reading another account's resource. Memory, timeout and description changes alone are not reported.",
  falsePositives: [
    'Observability and security vendors install layers and set AWS_LAMBDA_EXEC_WRAPPER or NODE_OPTIONS (Datadog, New Relic, Dynatrace, Lumigo): check the layer account against the vendor.',
    'Runtime upgrades (nodejs18.x to nodejs20.x) during maintenance.',
    'Intentionally public functions and URLs (webhooks): confirm with the owner.',
    'CloudTrail may redact environment variables; then only the configuration dumps show them (with the dump time, and the last configuration change before it as the likely cause).',
  ],
  example: 'thumbnail-maker  layer  arn:aws:iam::111122223333:user/dev-mallory  2026-03-11T10:20Z  after arn:aws:lambda:eu-west-1:999988887777:layer:perf-tools:3',
  sqlFile: 'lambda-persistence.sql',
  row,
  attack: [ATTACK.implantInternalImage, ATTACK.hijackExecutionFlow, ATTACK.accountManipulation, ATTACK.eventTriggeredExecution],
  finding: (r, _ctx, x) => ({
    function: r.function,
    time: r.time,
    title: `${r.kind} on ${r.function ?? '?'}: ${r.after ?? ''}${r.before ? ` (was ${r.before})` : ''}${r.actor_arn ? ` by ${r.actor_arn}` : ''}`,
    severity: r.kind === 'layer' && x._foreign_account ? 'high' : SEVERITY[r.kind],
  }),
};
