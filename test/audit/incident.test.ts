import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runAudit, type AuditRow } from '../../src/audit/index.ts';
import { main } from '../../src/cli/main.ts';
import { ROOT } from '../../src/db/sql.ts';
import { cli } from '../helpers/cli.ts';
import { FIXTURES, importPaths, tempDir, withMemoryDb } from '../helpers/db.ts';

/**
 * The IAM plants of the sample incident: report-builder's role allows s3:* and write actions on
 * "*"; thumbnail-maker's resource policy lets s3.amazonaws.com invoke it without SourceArn or
 * SourceAccount; orders-api has a function URL with AuthType NONE; alice moved team (group
 * analytics) and kept a policy allowing lambda:UpdateFunctionCode on every function of
 * 111122223333/eu-west-1, and never makes a modifying call. Each must be found, and nothing else
 * may be flagged high.
 */
function assertPlants(rows: AuditRow[], incidentHigh: string[] = []) {
  const allHigh = rows.filter((r) => r.severity === 'high' || r.severity === 'critical');
  expect(new Set(allHigh.map((r) => `${r.check}|${r.function}`))).toEqual(
    new Set(['broad-role|report-builder', 'invoke-unrestricted|thumbnail-maker', 'public-url|orders-api', ...incidentHigh]),
  );
  const high = allHigh.filter((r) => !incidentHigh.includes(`${r.check}|${r.function}`));
  const broad = high.filter((r) => r.check === 'broad-role');
  expect(broad.every((r) => String(r.principal).endsWith('role/report-builder-role') || String(r.principal).endsWith('/report-builder-role'))).toBe(true);
  expect(broad.flatMap((r) => r.detail.actions as string[])).toContain('s3:*');
  expect(broad.every((r) => r.detail.resource === '*')).toBe(true);
  const writes = rows.filter((r) => r.check === 'broad-role' && r.function === 'report-builder' && (r.detail.kinds as string[]).includes('write'));
  expect(writes.length).toBeGreaterThan(0);

  const s3 = high.filter((r) => r.check === 'invoke-unrestricted');
  expect(s3.map((r) => r.principal)).toEqual(['s3.amazonaws.com']);

  const url = high.filter((r) => r.check === 'public-url' && r.function === 'orders-api');
  expect(url).toHaveLength(1);
  expect(url[0]!.detail.auth_type).toBe('NONE');

  const alice = rows.filter((r) => r.check === 'unused-modify-right' && String(r.principal).endsWith(':user/alice'));
  expect(alice).toHaveLength(1);
  expect(alice[0]!.severity).toBe('medium');
  expect(alice[0]!.detail.groups).toContain('analytics');
  expect(alice[0]!.detail.actions).toContain('lambda:UpdateFunctionCode');
  expect(alice[0]!.evidence.statement).toMatchObject({ Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:*' });
}

describe('the sample incident plants (own fixture test/fixtures/audit/incident, same plants)', () => {
  let rows: AuditRow[];
  beforeAll(async () => {
    await withMemoryDb(async (db) => {
      const s = await importPaths(db, [path.join(FIXTURES, 'audit', 'incident')]);
      expect(s.files.map((f) => f.status)).toEqual(Array(7).fill('loaded'));
      rows = await runAudit(db);
    });
  });

  it('finds each plant and flags nothing else high', () => assertPlants(rows));

  it('gives exactly these rows', () => {
    const A = '111122223333';
    const alice = `arn:aws:iam::${A}:user/alice`;
    const ci = `arn:aws:iam::${A}:role/ci-deployer`;
    const rb = `arn:aws:iam::${A}:role/service-role/report-builder-role`;
    expect(rows.map((r) => [r.check, r.function, r.principal, r.severity])).toEqual([
      ['can-modify', 'orders-api', ci, 'info'],
      ['can-modify', 'orders-api', alice, 'info'],
      ['can-modify', 'report-builder', ci, 'info'],
      ['can-modify', 'report-builder', alice, 'info'],
      ['can-modify', 'thumbnail-maker', ci, 'info'],
      ['can-modify', 'thumbnail-maker', alice, 'info'],
      ['invoke-unrestricted', 'thumbnail-maker', 's3.amazonaws.com', 'high'],
      ['public-url', 'orders-api', '*', 'high'],
      ['broad-role', 'report-builder', rb, 'high'],
      ['broad-role', 'report-builder', rb, 'medium'],
      ['unused-modify-right', null, alice, 'medium'],
      ['actual-vs-allowed', 'report-builder', rb, 'info'],
      ['actual-vs-allowed', 'thumbnail-maker', `arn:aws:iam::${A}:role/service-role/thumbnail-maker-role`, 'info'],
    ]);
    // alice's policy has a non-default v1 allowing lambda:*: only the default v2 counts
    const a = rows.find((r) => r.check === 'can-modify' && r.principal === alice)!;
    expect(a.detail.actions).toEqual(['lambda:UpdateFunctionCode']);
    expect(a.evidence).toMatchObject({ policy: `arn:aws:iam::${A}:policy/orders-team-deploy (v2)`, sid: 'DeployOrders', via: 'user' });
    // the orders-api URL statements (Principal "*" with FunctionUrlAuthType NONE / InvokedViaFunctionUrl) are public-url, not public-invoke
    expect(rows.find((r) => r.check === 'public-url')!.detail).toMatchObject({ found_in: ['url-config', 'resource-policy'], policy_grants_public: true, cors_allow_origins: ['*'] });
    expect(rows.find((r) => r.check === 'public-url')!.evidence).toMatchObject({ sid: 'FunctionURLAllowPublicAccess', condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } });
    expect(rows.find((r) => r.check === 'broad-role' && r.severity === 'medium')!.detail.actions).toEqual(['sns:Publish', 'sqs:SendMessage', 'dynamodb:PutItem']);
    expect(rows.find((r) => r.check === 'actual-vs-allowed' && r.function === 'report-builder')!.detail).toMatchObject({
      used: [{ action: 's3:GetObject', calls: 2, errors: 0 }, { action: 's3:PutObject', calls: 1, errors: 0 }, { action: 'sns:Publish', calls: 1, errors: 0 }],
      allowed_unused: ['sqs:SendMessage', 'dynamodb:PutItem'],
      used_not_allowed: [],
      for_lambda_service: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    });
  });
});

const SAMPLE = path.join(ROOT, 'sample-data');
const sampleReady = fs.existsSync(SAMPLE) && fs.readdirSync(SAMPLE, { recursive: true }).some((f) => /authorization-details/i.test(String(f)));

describe.skipIf(!sampleReady)('the sample incident in sample-data/', () => {
  it('finds each IAM plant; the only other high rows are what the attacker left', async () => {
    await withMemoryDb(async (db) => {
      await importPaths(db, [SAMPLE]);
      const rows = await runAudit(db);
      // Besides the four plants, the attack itself left two public exposures that are rightly high
      // (scripts/sample-data/config.ts): the Principal "*" InvokeFunction statement added to
      // orders-api (sid allow-invoke-public), and the AuthType NONE URL created on invoice-renderer.
      assertPlants(rows, ['public-invoke|orders-api', 'public-url|invoice-renderer']);
      expect(rows.find((r) => r.check === 'public-invoke' && r.function === 'orders-api')!.detail).toMatchObject({ kind: 'public', sid: 'allow-invoke-public' });
      // alice's policy: the default version (function:*), not v1 (orders-api only)
      const alice = rows.filter((r) => r.check === 'can-modify' && String(r.principal).endsWith(':user/alice'));
      expect(alice.map((r) => r.function).sort()).toEqual(['invoice-renderer', 'nightly-billing', 'orders-api', 'report-builder', 'thumbnail-maker']);
    });
  });
});

describe('lambda-forensics audit (CLI)', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'audit.duckdb');
    expect(cli(['import', '--db', db, path.join(FIXTURES, 'audit', 'incident')]).code).toBe(0);
  });

  it('prints JSON rows with the six columns; --strict exits 1 on medium and above', () => {
    const r = cli(['audit', '--db', db, '--format', 'json', '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(13);
    expect(Object.keys(rows[0]!)).toEqual(['check', 'function', 'principal', 'severity', 'detail', 'evidence']);
    expect(Object.keys(rows[0]!.evidence as object)).toEqual(expect.arrayContaining(['policy', 'statement', 'condition']));
  });

  it('--function and --check filter; CSV has a header', () => {
    const csv = cli(['audit', '--db', db, '--function', 'orders-api', '--check', 'public-url', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('check,function,principal,severity,detail,evidence');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['public-url,orders-api,*,high']);
  });

  it('an unknown --check is a usage error (exit 2)', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['audit', '--db', db, '--check', 'no-such-check'])).toBe(2);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/^error: Invalid values:/);
    } finally {
      err.mockRestore();
    }
  });

  it('audit rows appear in analyze findings', () => {
    const r = cli(['analyze', 'findings', '--db', db, '--format', 'json', '--incident-start', '2026-03-11T00:00:00Z']);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as Array<{ analyzer: string; severity: string; function: string | null }>;
    expect(f.filter((x) => x.analyzer.startsWith('audit:') && x.severity === 'high').map((x) => `${x.analyzer} ${x.function}`)).toEqual([
      'audit:broad-role report-builder',
      'audit:invoke-unrestricted thumbnail-maker',
      'audit:public-url orders-api',
    ]);
    expect(f.filter((x) => x.analyzer.startsWith('audit:'))).toHaveLength(13);
  });
});
