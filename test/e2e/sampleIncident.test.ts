import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzerById } from '../../src/analyzers/registry.ts';
import { collectFindings } from '../../src/analyzers/findings.ts';
import { resolveWindow, runAnalyzer } from '../../src/analyzers/run.ts';
import type { AnalyzeContext } from '../../src/analyzers/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { listValue } from '@duckdb/node-api';
import { ROOT, section } from '../../src/db/sql.ts';
import { SHARED_BY_FUNCTION, sharedRuns } from '../../src/report/model.ts';
import { ANALYZER_MODEL, withModelTables } from '../../src/model/materialize.ts';
import { count, importPaths, memoryDb } from '../helpers/db.ts';

/**
 * The sample incident end to end: every planted finding of sample-data/README.md's answer key is
 * found, and none of its decoys is flagged.
 */
let db: Db;
let ctx: AnalyzeContext;
const run = async (id: string, c: AnalyzeContext = ctx) => (await runAnalyzer(db, analyzerById(id)!, c)).table.rows;

beforeAll(async () => {
  db = await memoryDb();
  await importPaths(db, [path.join(ROOT, 'sample-data')]);
  ctx = await resolveWindow(db, '2026-03-11T08:00:00Z');
}, 120_000);
afterAll(() => db.close());

describe('sample incident: import', () => {
  it('loads every source once; the lookup-events copies are duplicates', async () => {
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(5488);
    expect(await count(db, 'SELECT sum(rows_duplicate) FROM import_files WHERE source = $s', { s: 'cloudtrail' })).toBe(20);
    expect(await count(db, 'SELECT count(*) FROM lambda_invocations')).toBe(4262);
    expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(19944);
    expect(await count(db, `SELECT count(*) FROM import_files WHERE status = 'failed'`)).toBe(0);
  });
});

describe('sample incident: planted findings', () => {
  it('injection-hints names each attacker input', async () => {
    const rows = await run('injection-hints', { ...ctx, function: 'orders-api' });
    const byReq = new Map(rows.map((r) => [r.request_id, r.pattern]));
    expect(byReq.get('7c982d6b-400d-4f43-9d28-001d515af0ae')).toBe('sql-injection');
    expect(byReq.get('3d0a1a45-4dcc-44dd-a30d-54b7dfafcf5d')).toBe('path-traversal');
    expect(byReq.get('27a1882c-dbe7-4498-8218-55e502602c4f')).toBe('command-injection');
    expect(byReq.get('914907b4-de06-4c01-ba48-87087aa55ae1')).toBe('ssrf-metadata');
    expect(byReq.get('e8a7732e-d05b-4653-9dff-032efab26e97')).toBe('template-injection');
    expect(byReq.get('177c7444-111f-47f8-8f6f-edf357466073')).toBe('script-injection');
    expect(new Set(rows.map((r) => r.time)).size).toBe(15); // 14 inputs and the app's own SSRF error line
    expect(rows.every((r) => String(r.time) >= '2026-03-11T08:02:00')).toBe(true);
  });

  it('invocation-spikes: orders-api 08:00-09:00, 376 against ~34; the nightly burst is not a spike', async () => {
    const rows = await run('invocation-spikes');
    expect(rows.map((r) => [r.function, r.window_start, r.window_end, r.invocations, r.expected])).toEqual([
      ['orders-api', '2026-03-11T08:00:00.000Z', '2026-03-11T09:00:00.000Z', 376, 34],
    ]);
  });

  it('unusual-api: the in-function reconnaissance calls, not the rare kms call present in the baseline', async () => {
    const rows = await run('unusual-api');
    expect(new Set(rows.map((r) => r.function))).toEqual(new Set(['orders-api']));
    const names = rows.map((r) => `${r.event_source} ${r.event_name}`);
    for (const n of ['sts.amazonaws.com GetCallerIdentity', 's3.amazonaws.com ListBuckets', 'secretsmanager.amazonaws.com GetSecretValue', 'iam.amazonaws.com ListRoles'])
      expect(names).toContain(n);
    expect(names.some((n) => n.includes('GenerateDataKey') || n.includes('Decrypt') || n.includes('AssumeRole'))).toBe(false);
  });

  it('new-connections: 203.0.113.50 on 443 and 4444 through the NAT, nothing else', async () => {
    const rows = await run('new-connections');
    expect(rows.map((r) => [r.function, r.peer_address, r.peer_port, r.direction, r.peer_kind, r.via_nat, r.ambiguous, r.eni_id])).toEqual([
      ['orders-api', '203.0.113.50', 443, 'outbound', 'external', true, false, 'eni-0c5e7a9b1d3f40013'],
      ['orders-api', '203.0.113.50', 4444, 'outbound', 'external', true, false, 'eni-0c5e7a9b1d3f40013'],
    ]);
  });

  it('credential-exfil: the stolen key from 198.51.100.77, never the in-function calls from the NAT', async () => {
    const rows = await run('credential-exfil');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => `${r.function} ${r.access_key_id} ${r.source_ip}`))).toEqual(new Set(['orders-api ASIA4TKR6XZXUKSIVQB7 198.51.100.77']));
    const calls = new Set(rows.flatMap((r) => r.event_names as string[]));
    expect(calls).toEqual(new Set(['GetCallerIdentity', 'ListBuckets', 'GetObject', 'ListFunctions', 'ListAttachedRolePolicies']));
  });

  it('lambda-recon then code-changes by dev-mallory from her new IP; CI reading what it deploys is not reported', async () => {
    const recon = await run('lambda-recon');
    const mallory = recon.filter((r) => r.actor_arn === 'arn:aws:iam::111122223333:user/dev-mallory');
    expect(mallory.map((r) => r.event_name)).toEqual(
      expect.arrayContaining(['ListFunctions', 'GetFunction', 'GetFunctionConfiguration', 'GetPolicy', 'ListLayers', 'ListEventSourceMappings']),
    );
    expect(mallory.every((r) => r.source_ip === '198.51.100.23' && r.new_actor && r.new_source_ip)).toBe(true);
    expect(recon.some((r) => String(r.actor_arn).includes('ci-deployer') || String(r.actor_arn).includes('ops-admin'))).toBe(false);
    const f = (await collectFindings(db, ctx, [])).filter((x) => x.analyzer === 'code-changes');
    expect(f.map((x) => [x.function, x.evidence.event_name, x.evidence.event_id])).toEqual([
      ['orders-api', 'UpdateFunctionCode', 'dc0ee8f6-3a4a-4a15-b3e1-2dbaaf15bcca'],
      ['orders-api', 'AddPermission', '76b08257-07d7-4f68-9e00-a2a1edbe787f'],
      ['thumbnail-maker', 'UpdateFunctionConfiguration', '71cb8745-30a0-4af3-a874-9ab70cf8f4d7'],
      ['invoice-renderer', 'CreateFunctionUrlConfig', '64b9d88f-9785-4f06-acca-3ee10e0e2768'],
      ['invoice-renderer', 'AddPermission', 'f9deedf1-1772-4f56-ac13-b3ec32ea964b'],
    ]);
  });

  it('lambda-persistence: the foreign layer and exec wrapper, the public permission and the public URL; not the memory change', async () => {
    const rows = await run('lambda-persistence');
    const inIncident = rows.filter((r) => r.event_id !== null);
    expect(inIncident.map((r) => [r.function, r.kind, r.event_id])).toEqual([
      ['orders-api', 'public-permission', '76b08257-07d7-4f68-9e00-a2a1edbe787f'],
      ['thumbnail-maker', 'exec-env-var', '71cb8745-30a0-4af3-a874-9ab70cf8f4d7'],
      ['thumbnail-maker', 'layer', '71cb8745-30a0-4af3-a874-9ab70cf8f4d7'],
      ['invoice-renderer', 'public-url', '64b9d88f-9785-4f06-acca-3ee10e0e2768'],
      ['invoice-renderer', 'public-permission', 'f9deedf1-1772-4f56-ac13-b3ec32ea964b'],
    ]);
    expect(rows.some((r) => r.event_id === '2b987eb6-facf-431b-84ef-1a28874a9cca')).toBe(false);
  });
});

describe('sample incident: decoys', () => {
  it('the shared Hyperplane ENI is attributed to both functions, marked ambiguous', async () => {
    const rows = await db.json<{ function_name: string; ambiguous: boolean }>(
      `SELECT DISTINCT function_name, ambiguous FROM eni_attribution WHERE eni_id = 'eni-0d6f8b0c2e4a40014' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { function_name: 'invoice-renderer', ambiguous: true },
      { function_name: 'report-builder', ambiguous: true },
    ]);
  });

  it('no analyzer finding touches the CI deployment, the nightly burst, the moved RDS, the rare kms call or the NAT calls', async () => {
    for (const c of [ctx, await resolveWindow(db)]) {
      const f = await collectFindings(db, c, []);
      const text = JSON.stringify(f);
      expect(f.filter((x) => x.function === 'nightly-billing' || x.function === 'report-builder')).toEqual([]);
      expect(text).not.toContain('ci-deployer');
      expect(text).not.toContain('53f4ed7d-5e06-4697-bec5-ddc89b3239ea');
      expect(text).not.toContain('1d6258b2-612a-4370-8f8f-77f0b16a1407');
      expect(text).not.toContain('2b987eb6-facf-431b-84ef-1a28874a9cca');
      expect(text).not.toContain('10.20.2.210');
      expect(f.filter((x) => x.analyzer === 'credential-exfil' && x.evidence.source_ip === '52.51.0.10')).toEqual([]);
      expect(f.length).toBeGreaterThan(20);
    }
  });
});

describe('sample incident: the report shares analyzer runs', () => {
  it('each function gets from the shared run exactly the rows (and internal columns) of a --function run', async () => {
    const names = (await db.all<{ n: string }>('SELECT DISTINCT function_name AS n FROM functions ORDER BY 1')).map((r) => r.n);
    expect(names.length).toBe(5);
    names.push('no-such-function');
    const shared = sharedRuns(db, ctx);
    let nonEmpty = 0;
    for (const d of SHARED_BY_FUNCTION) {
      for (const name of names) {
        const own = await runAnalyzer(db, d, { ...ctx, function: name });
        const picked = await shared.forFunction(d, name);
        expect(picked.rows, `${d.id} ${name}`).toEqual(own.rows);
        expect(picked.internal, `${d.id} ${name}`).toEqual(own.internal);
        if (own.rows.length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(3);
  });

  it('findings collected through the shared runner are the same as without it', async () => {
    const shared = sharedRuns(db, ctx);
    expect(await collectFindings(db, ctx, [], shared.run)).toEqual(await collectFindings(db, ctx, []));
  });
});

describe('sample incident: report queries for every function at once', () => {
  it.each(['peers', 'api_calls'])('%s.sql gives each function the rows and totals it gets when asked alone', async (file) => {
    const names = (await db.all<{ n: string }>('SELECT DISTINCT function_name AS n FROM functions ORDER BY 1')).map((r) => r.n);
    const sql = section(`report/${file}.sql`, 'main');
    const run = (fns: string[]) => db.json<Record<string, unknown>>(sql, { functions: listValue(fns), incident_start: ctx.incidentStart, limit: 3 });
    const together = await run(names);
    let withRows = 0;
    for (const name of names) {
      const alone = await run([name]);
      expect(together.filter((r) => r.function_name === name), name).toEqual(alone);
      expect(alone.length).toBeLessThanOrEqual(3);
      if (alone.length) withRows++;
    }
    expect(withRows).toBeGreaterThanOrEqual(2);
    expect(together.length).toBe(names.reduce((a, n) => a + together.filter((r) => r.function_name === n).length, 0));
  });
});

describe('sample incident: model views materialized for a command', () => {
  const temps = async () => (await db.all<{ n: string }>(`SELECT table_name AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = 'temp' ORDER BY 1`)).map((r) => r.n);

  it('gives the same findings as the views, and drops its tables afterwards, also on error', async () => {
    const plain = await collectFindings(db, ctx, []);
    let inside: string[] = [];
    const shadowed = await withModelTables(db, ANALYZER_MODEL, async () => {
      inside = await temps();
      return collectFindings(db, ctx, []);
    });
    expect(shadowed).toEqual(plain);
    expect(plain.length).toBeGreaterThan(10);
    expect(inside).toEqual(['eni_attribution', 'function_names', 'function_roles', 'peers']);
    expect(await temps()).toEqual([]);
    await expect(withModelTables(db, ANALYZER_MODEL, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await temps()).toEqual([]);
  });
});
