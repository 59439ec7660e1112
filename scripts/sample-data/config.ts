// Lambda configuration dumps taken after the incident (2026-03-11 ~18:00): list-functions,
// get-policy (Policy is a JSON string), get-function-url-config, and the CloudWatch
// get-metric-data output of AWS/Lambda Invocations (Id inv_<fn with underscores>, Label "<fn> Invocations Sum 300").
import { ORDERS_URL_ID, INVOICE_URL_ID } from './logLines.ts';
import type { Out } from './io.ts';
import {
  ACCOUNT, ATTACK, FOREIGN_LAYER, FUNCTIONS, REGION, Rng, T_END, VPC_ID, fnArn, lambdaTime, roleArn, type FnName, type FnSpec,
} from './story.ts';
import { BACKDOORED_SHA, ciCodeSha, ciDeployTime, type World } from './world.ts';

function current(f: FnSpec): { lastModified: number; codeSha: string; memory: number; env: Record<string, string>; layers: string[] } {
  const base = { lastModified: Date.UTC(2026, 2, 1, 10, 0, 0), codeSha: f.codeSha, memory: f.memory, env: f.env, layers: [] as string[] };
  switch (f.name) {
    case 'orders-api': return { ...base, lastModified: ATTACK.codeUpdate, codeSha: BACKDOORED_SHA };
    case 'report-builder': return { ...base, lastModified: ciDeployTime(3), codeSha: ciCodeSha(3) };
    case 'invoice-renderer': return { ...base, lastModified: ATTACK.memoryChange, memory: 1536 };
    case 'thumbnail-maker': return { ...base, lastModified: ATTACK.layer, env: { ...f.env, AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh' }, layers: [FOREIGN_LAYER] };
    default: return base;
  }
}

function listFunctions(rng: Rng): unknown {
  return {
    Functions: FUNCTIONS.map((f) => {
      const c = current(f);
      return {
        FunctionName: f.name,
        FunctionArn: fnArn(f.name),
        Runtime: f.runtime,
        Role: roleArn(f.role),
        Handler: f.handler,
        CodeSize: f.codeSize,
        Description: f.description,
        Timeout: f.timeout,
        MemorySize: c.memory,
        LastModified: lambdaTime(c.lastModified),
        CodeSha256: c.codeSha,
        Version: '$LATEST',
        VpcConfig: f.vpc ? { SubnetIds: f.vpc.subnets, SecurityGroupIds: f.vpc.sgs, VpcId: VPC_ID, Ipv6AllowedForDualStack: false } : undefined,
        Environment: { Variables: c.env },
        KMSKeyArn: f.kmsKey,
        TracingConfig: { Mode: 'PassThrough' },
        RevisionId: rng.uuid(),
        Layers: c.layers.length ? c.layers.map((Arn) => ({ Arn, CodeSize: 1843212 })) : undefined,
        PackageType: 'Zip',
        Architectures: ['x86_64'],
        EphemeralStorage: { Size: 512 },
        SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
        LoggingConfig: { LogFormat: f.logFormat, LogGroup: `/aws/lambda/${f.name}` },
      };
    }),
  };
}

const urlStatement = (name: string) => ({
  Sid: 'FunctionURLAllowPublicAccess', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: fnArn(name),
  Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
});

/** Resource-based policies as they stand after the incident. report-builder's is on its alias. */
export const POLICIES: Partial<Record<FnName, object[]>> = {
  'orders-api': [
    urlStatement('orders-api'),
    { Sid: 'allow-invoke-public', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: fnArn('orders-api') },
  ],
  'report-builder': [{
    Sid: 'events-report-builder-hourly', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction',
    Resource: `${fnArn('report-builder')}:live`, Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/report-builder-hourly` } },
  }],
  'invoice-renderer': [urlStatement('invoice-renderer')],
  // S3 may invoke it, with no SourceArn / SourceAccount condition: any bucket, in any account, could
  'thumbnail-maker': [{ Sid: 's3-invoke-thumbnails', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('thumbnail-maker') }],
  'nightly-billing': [{
    Sid: 'events-nightly-billing', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('nightly-billing'),
    Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly-billing-0200` } },
  }],
};

function urlConfig(name: string, urlId: string, created: number): unknown {
  const t = new Date(created).toISOString().replace('Z', '000Z');
  return {
    FunctionUrl: `https://${urlId}.lambda-url.${REGION}.on.aws/`,
    FunctionArn: fnArn(name),
    AuthType: 'NONE',
    Cors: name === 'orders-api'
      ? { AllowCredentials: false, AllowHeaders: ['content-type'], AllowMethods: ['GET', 'POST'], AllowOrigins: ['https://shop.acme.example'], ExposeHeaders: [], MaxAge: 300 }
      : undefined,
    CreationTime: t,
    LastModifiedTime: t,
    InvokeMode: 'BUFFERED',
  };
}

/** get-metric-data of AWS/Lambda Invocations, Sum per 5 minutes, newest first; empty periods are absent. */
function metricData(w: World): { doc: unknown; points: number } {
  const P = 300_000;
  let points = 0;
  const MetricDataResults = FUNCTIONS.map((f) => {
    const counts = new Map<number, number>();
    for (const i of w.invocations) if (i.fn === f.name && i.start <= T_END) counts.set(Math.floor(i.start / P) * P, (counts.get(Math.floor(i.start / P) * P) ?? 0) + 1);
    const ts = [...counts.keys()].sort((a, b) => b - a);
    points += ts.length;
    return {
      Id: `inv_${f.name.replace(/-/g, '_')}`,
      Label: `${f.name} Invocations Sum 300`,
      Timestamps: ts.map((t) => new Date(t).toISOString().replace('.000Z', '+00:00')),
      Values: ts.map((t) => counts.get(t)!),
      StatusCode: 'Complete',
    };
  });
  return { doc: { MetricDataResults, Messages: [] }, points };
}

export interface ConfigSummary { functions: number; policyStatements: number; urlConfigs: number; metricPoints: number }

export function writeLambdaConfig(out: Out, w: World): ConfigSummary {
  const rng = new Rng('config/lambda');
  out.cliJson('config/lambda/list-functions.json', listFunctions(rng));
  let statements = 0;
  for (const f of FUNCTIONS) {
    const st = POLICIES[f.name];
    if (!st) continue;
    statements += st.length;
    out.cliJson(`config/lambda/get-policy_${f.name}.json`, { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: st }), RevisionId: rng.uuid() });
  }
  out.cliJson('config/lambda/get-function-url-config_orders-api.json', urlConfig('orders-api', ORDERS_URL_ID, Date.UTC(2026, 1, 10, 9, 14, 22, 118)));
  out.cliJson('config/lambda/get-function-url-config_invoice-renderer.json', urlConfig('invoice-renderer', INVOICE_URL_ID, ATTACK.url));
  const m = metricData(w);
  out.cliJson('config/metrics/get-metric-data_invocations.json', m.doc);
  return { functions: FUNCTIONS.length, policyStatements: statements, urlConfigs: 2, metricPoints: m.points };
}
