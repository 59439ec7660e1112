import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeChanges } from '../../src/analyzers/defs/codeChanges.ts';
import { collectFindings } from '../../src/analyzers/findings.ts';
import { resolveWindow, runAnalyzer } from '../../src/analyzers/run.ts';
import { REAL, importPaths, withMemoryDb } from '../helpers/db.ts';
import { ctRow, insertRows } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };

const change = (time: string, api: string, actor: Record<string, unknown>, rp: Record<string, unknown>, o: Record<string, unknown> = {}) =>
  ctRow({ event_time: time, event_source: 'lambda.amazonaws.com', event_name: `${api}20150331v2`, api_name: api, request_parameters: rp, ...actor, ...o });

const ci = (run: number) => ({
  identity_type: 'AssumedRole',
  principal_arn: `arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions-${run}`,
  session_issuer_arn: 'arn:aws:iam::111122223333:role/ci-deployer',
  source_ip: '192.0.2.10',
  user_agent: 'aws-cli/2.15.0',
});
const mallory = { identity_type: 'IAMUser', principal_arn: 'arn:aws:iam::111122223333:user/dev-mallory', user_name: 'dev-mallory', source_ip: '198.51.100.23', user_agent: 'aws-cli/2.15.0' };
const admin = { identity_type: 'IAMUser', principal_arn: 'arn:aws:iam::111122223333:user/admin', source_ip: '192.0.2.99' };

describe('code-changes', () => {
  it('lists changes with new actor / new IP flags, and only suspicious incident rows become findings', async () => {
    await withMemoryDb(async (db) => {
      await insertRows(db, 'cloudtrail_events', [
        change('2026-03-09T14:00:00Z', 'UpdateFunctionCode', ci(1), { functionName: 'report-builder' }),
        change('2026-03-10T14:00:00Z', 'UpdateFunctionCode', ci(2), { functionName: 'arn:aws:lambda:eu-west-1:111122223333:function:report-builder' }),
        change('2026-03-11T14:00:00Z', 'UpdateFunctionCode', ci(3), { functionName: 'report-builder' }),
        change('2026-03-11T09:55:00Z', 'UpdateFunctionCode', mallory, { functionName: 'orders-api' }),
        change('2026-03-11T10:00:00Z', 'AddPermission', mallory, { functionName: 'orders-api', principal: '*', statementId: 'x' }),
        change('2026-03-11T10:01:00Z', 'AddPermission', mallory, { functionName: 'orders-api', principal: '*' }, { error_code: 'AccessDeniedException' }),
        change('2026-03-11T11:00:00Z', 'UpdateFunctionConfiguration', admin, { functionName: 'invoice-renderer', memorySize: 512 }),
        ctRow({ event_time: '2026-03-11T11:05:00Z', event_source: 'lambda.amazonaws.com', api_name: 'GetFunction', ...mallory }),
      ]);
      const r = await runAnalyzer(db, codeChanges, ctx);
      expect(r.table.rows.map((x) => [x.function, x.event_name, x.actor_arn, x.new_actor, x.new_source_ip])).toEqual([
        ['report-builder', 'UpdateFunctionCode', ci(1).principal_arn, true, false],
        ['report-builder', 'UpdateFunctionCode', ci(2).principal_arn, false, false],
        ['orders-api', 'UpdateFunctionCode', mallory.principal_arn, true, true],
        ['orders-api', 'AddPermission', mallory.principal_arn, false, true],
        ['invoice-renderer', 'UpdateFunctionConfiguration', admin.principal_arn, true, true],
        ['report-builder', 'UpdateFunctionCode', ci(3).principal_arn, false, false],
      ]);
      expect(Object.keys(r.table.rows[0]!)).toEqual(['function', 'time', 'event_name', 'actor_arn', 'actor_type', 'source_ip', 'user_agent', 'new_actor', 'new_source_ip', 'event_id']);
      const f = await collectFindings(db, ctx);
      expect(f.filter((x) => x.analyzer === 'code-changes').map((x) => [x.function, x.evidence.event_name])).toEqual([
        ['orders-api', 'UpdateFunctionCode'],
        ['orders-api', 'AddPermission'],
      ]);
      expect(f[0]!.evidence.attack_technique).toEqual(['T1525', 'T1648']);
    });
  });

  it('finds the Stratus Red Team code overwrite', async () => {
    await withMemoryDb(async (db) => {
      await importPaths(db, [path.join(REAL, 'stratus-red-team', 'detonation-logs', 'aws.persistence.lambda-overwrite-code.json')]);
      const w = await resolveWindow(db, '2024-01-01T00:00:00Z');
      const r = await runAnalyzer(db, codeChanges, w);
      expect(r.table.rows).toEqual([
        expect.objectContaining({ function: 'stratus-red-team-olc-func-vayhjqkdav', event_name: 'UpdateFunctionCode', actor_arn: 'arn:aws:iam::266106314375:user/christophe', new_actor: true, new_source_ip: true }),
      ]);
    });
  });
});
