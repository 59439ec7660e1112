import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialExfil } from '../../src/analyzers/defs/credentialExfil.ts';
import { lambdaPersistence } from '../../src/analyzers/defs/lambdaPersistence.ts';
import { lambdaRecon } from '../../src/analyzers/defs/lambdaRecon.ts';
import { collectFindings } from '../../src/analyzers/findings.ts';
import { resolveWindow, runAnalyzer } from '../../src/analyzers/run.ts';
import { REAL, importPaths, withMemoryDb } from '../helpers/db.ts';
import { ctRow, fnConfig, insertRows, sessionRow } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };
const STRATUS = path.join(REAL, 'stratus-red-team', 'detonation-logs');
const CLI_UA = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64.ubuntu.22 prompt/off command/s3.ls';

describe('credential-exfil', () => {
  it("flags the function's session used from an outside IP with a CLI agent, not its own calls through the NAT", async () => {
    await withMemoryDb(async (db) => {
      await insertRows(db, 'lambda_functions', [
        fnConfig('orders-api', 'orders-role', { vpc_id: 'vpc-1', subnet_ids: ['subnet-a'], security_group_ids: ['sg-o'] }),
        fnConfig('thumbs', 'thumbs-role'),
      ]);
      await insertRows(db, 'network_interfaces', [
        { snapshot_time: '2026-03-09T00:00:00Z', snapshot_time_source: 'file-name', eni_id: 'eni-nat', interface_type: 'nat_gateway', description: 'Interface for NAT Gateway nat-0abc', private_ip: '10.0.0.5', private_ips: ['10.0.0.5'], public_ip: '52.51.0.10', vpc_id: 'vpc-1', subnet_id: 'subnet-pub', source_file: 't', file_id: 1 },
      ]);
      await insertRows(db, 'cloudtrail_events', [
        sessionRow('orders-api', 'orders-role', '2026-03-09T10:00:00Z', 'dynamodb.amazonaws.com', 'PutItem'),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:00:00Z', 's3.amazonaws.com', 'ListBuckets'), // in-function, NAT IP: decoy
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:40:00Z', 'sts.amazonaws.com', 'GetCallerIdentity', { source_ip: '198.51.100.77', user_agent: CLI_UA }),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:45:00Z', 's3.amazonaws.com', 'GetObject', { source_ip: '198.51.100.77', user_agent: CLI_UA }),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:46:00Z', 'iam.amazonaws.com', 'ListAttachedRolePolicies', { source_ip: '198.51.100.77', user_agent: CLI_UA, error_code: 'AccessDenied' }),
        // same agent as the runtime, but from an IP outside the VPC's NAT: still flagged
        sessionRow('orders-api', 'orders-role', '2026-03-11T09:00:00Z', 's3.amazonaws.com', 'ListBuckets', { source_ip: '203.0.113.9' }),
        // a function outside any VPC: its calls come from Lambda's pool of IPs; only the agent counts
        sessionRow('thumbs', 'thumbs-role', '2026-03-11T09:00:00Z', 's3.amazonaws.com', 'GetObject', { source_ip: '3.250.1.1' }),
        // the Lambda service using the role
        sessionRow('orders-api', 'orders-role', '2026-03-11T09:05:00Z', 'kms.amazonaws.com', 'Decrypt', { source_ip: 'lambda.amazonaws.com', user_agent: 'lambda.amazonaws.com' }),
      ]);
      const r = await runAnalyzer(db, credentialExfil, ctx);
      expect(r.table.rows.map((x) => [x.function, x.source_ip, x.event_names, x.error_codes])).toEqual([
        ['orders-api', '198.51.100.77', ['GetCallerIdentity', 'GetObject', 'ListAttachedRolePolicies'], ['AccessDenied']],
        ['orders-api', '203.0.113.9', ['ListBuckets'], []],
      ]);
      expect(r.table.rows[0]).toMatchObject({ access_key_id: 'ASIAEXAMPLEKEY000001', session_arn: 'arn:aws:sts::111122223333:assumed-role/orders-role/orders-api', first_seen: '2026-03-11T08:40:00.000Z', last_seen: '2026-03-11T08:46:00.000Z' });
      const f = await collectFindings(db, ctx);
      const ce = f.filter((x) => x.analyzer === 'credential-exfil');
      expect(ce.map((x) => x.severity)).toEqual(['critical', 'critical']);
      expect(f[0]!.analyzer).toBe('credential-exfil');
      expect(ce[0]!.evidence.attack_technique).toEqual(['T1552', 'T1078.004']);
    });
  });
});

describe('lambda-recon', () => {
  it('reports a new principal reading functions, not CI reading what it deploys', async () => {
    await withMemoryDb(async (db) => {
      const ci = (day: number, run: number) => ctRow({
        event_time: `2026-03-${day}T14:00:00Z`, event_source: 'lambda.amazonaws.com', api_name: 'GetFunction', identity_type: 'AssumedRole',
        principal_arn: `arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions-${run}`, session_issuer_arn: 'arn:aws:iam::111122223333:role/ci-deployer',
        source_ip: '192.0.2.10', request_parameters: { functionName: 'report-builder' },
      });
      const mallory = (t: string, api: string, rp: Record<string, unknown> | null = null) => ctRow({
        event_time: t, event_source: 'lambda.amazonaws.com', api_name: api, identity_type: 'IAMUser',
        principal_arn: 'arn:aws:iam::111122223333:user/dev-mallory', source_ip: '198.51.100.23', request_parameters: rp,
      });
      await insertRows(db, 'cloudtrail_events', [
        ci(9, 1), ci(10, 2), ci(11, 3),
        ctRow({ event_time: '2026-03-10T09:00:00Z', event_source: 's3.amazonaws.com', api_name: 'GetObject', identity_type: 'IAMUser', principal_arn: 'arn:aws:iam::111122223333:user/dev-mallory', source_ip: '192.0.2.50' }),
        mallory('2026-03-11T09:40:00Z', 'ListFunctions'),
        mallory('2026-03-11T09:41:00Z', 'GetFunction', { functionName: 'orders-api' }),
        mallory('2026-03-11T09:42:00Z', 'GetFunctionConfiguration', { functionName: 'orders-api' }),
        mallory('2026-03-11T09:43:00Z', 'GetFunctionConfiguration', { functionName: 'orders-api' }),
      ]);
      const r = await runAnalyzer(db, lambdaRecon, ctx);
      expect(r.table.rows.map((x) => [x.event_name, x.function, x.count, x.new_actor, x.new_source_ip])).toEqual([
        ['ListFunctions', null, 1, true, true],
        ['GetFunction', 'orders-api', 1, true, true],
        ['GetFunctionConfiguration', 'orders-api', 2, true, true],
      ]);
    });
  });
});

describe('lambda-persistence', () => {
  it('finds the Stratus malicious layer and backdoor permission', async () => {
    await withMemoryDb(async (db) => {
      await importPaths(db, [STRATUS]);
      const r = await runAnalyzer(db, lambdaPersistence, await resolveWindow(db, '2024-01-01T00:00:00Z'));
      expect(r.table.rows.map((x) => [x.function, x.kind, x.after])).toEqual([
        ['stratus-red-team-lambda-layer-simpleLambda', 'layer', 'arn:aws:lambda:eugov-eastcentral-1r:712967571683:layer:stratus-red-team-lambda-layer-my-lambda-extension:1'],
        ['stratus-red-team-backdoor-f-func', 'public-permission', 'Principal * lambda:InvokeFunction'],
      ]);
    });
  });

  it('diffs layers, exec variables, runtime/handler/role; ignores memory-only changes and restricted permissions', async () => {
    await withMemoryDb(async (db) => {
      const ucfg = (t: string, rp: Record<string, unknown>, api = 'UpdateFunctionConfiguration') => ctRow({
        event_time: t, event_source: 'lambda.amazonaws.com', api_name: api, identity_type: 'IAMUser', recipient_account_id: '111122223333',
        principal_arn: 'arn:aws:iam::111122223333:user/dev-mallory', source_ip: '198.51.100.23', request_parameters: rp,
      });
      await insertRows(db, 'lambda_functions', [fnConfig('thumbs', 'thumbs-role', { last_modified: '2026-03-01T00:00:00Z', handler: 'index.handler', runtime: 'nodejs20.x' })]);
      await insertRows(db, 'cloudtrail_events', [
        ucfg('2026-03-09T10:00:00Z', { functionName: 'thumbs', runtime: 'nodejs20.x', handler: 'index.handler', layers: ['arn:aws:lambda:eu-west-1:111122223333:layer:sharp:1'] }, 'CreateFunction'),
        ucfg('2026-03-11T10:00:00Z', { functionName: 'thumbs', memorySize: 1024 }),
        ucfg('2026-03-11T10:20:00Z', { functionName: 'thumbs', layers: ['arn:aws:lambda:eu-west-1:111122223333:layer:sharp:1', 'arn:aws:lambda:eu-west-1:999988887777:layer:perf-tools:3'], environment: { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh', STAGE: 'prod' } } }),
        ucfg('2026-03-11T10:25:00Z', { functionName: 'thumbs', handler: 'evil.handler', role: 'arn:aws:iam::111122223333:role/admin' }),
        ucfg('2026-03-11T10:30:00Z', { functionName: 'thumbs', principal: 's3.amazonaws.com', action: 'lambda:InvokeFunction', sourceArn: 'arn:aws:s3:::b' }, 'AddPermission'),
        ucfg('2026-03-11T10:31:00Z', { functionName: 'thumbs', principal: '999988887777', action: 'lambda:InvokeFunction' }, 'AddPermission'),
        ucfg('2026-03-11T10:32:00Z', { functionName: 'thumbs', authType: 'NONE' }, 'CreateFunctionUrlConfig'),
        ucfg('2026-03-11T10:33:00Z', { functionName: 'thumbs', eventSourceArn: 'arn:aws:sqs:eu-west-1:999988887777:q' }, 'CreateEventSourceMapping'),
      ]);
      const r = await runAnalyzer(db, lambdaPersistence, ctx);
      expect(r.table.rows.map((x) => [x.kind, x.before, x.after])).toEqual([
        ['exec-env-var', null, 'AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper.sh'],
        ['layer', 'arn:aws:lambda:eu-west-1:111122223333:layer:sharp:1', 'arn:aws:lambda:eu-west-1:999988887777:layer:perf-tools:3'],
        ['handler', 'index.handler', 'evil.handler'],
        ['role', 'arn:aws:iam::111122223333:role/thumbs-role', 'arn:aws:iam::111122223333:role/admin'],
        ['cross-account-permission', null, 'Principal 999988887777 lambda:InvokeFunction'],
        ['public-url', null, 'AuthType NONE'],
        ['foreign-event-source', null, 'arn:aws:sqs:eu-west-1:999988887777:q'],
      ]);
      const f = await collectFindings(db, ctx);
      expect(f.find((x) => x.analyzer === 'lambda-persistence' && x.evidence.kind === 'layer')?.severity).toBe('high');
    });
  });
});
