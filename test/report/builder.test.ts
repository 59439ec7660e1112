import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConnections } from '../../src/analyzers/defs/newConnections.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import type { Db } from '../../src/db/connection.ts';
import { CSS, SCRIPT } from '../../src/report/assets.ts';
import { buildReportModel, compactTimeline, type ReportModel } from '../../src/report/model.ts';
import { renderReport } from '../../src/report/render.ts';
import { memoryDb } from '../helpers/db.ts';
import { checkHtml, sha256b64 } from './html.ts';
import { BIDI_FN, HOSTILE_AUDIT, HOSTILE_FN, INCIDENT_START, loadIncident, PAYLOADS } from './fixture.ts';

let db: Db;
let model: ReportModel;
let html: string;

beforeAll(async () => {
  db = await memoryDb();
  await loadIncident(db);
  model = await buildReportModel(db, { incidentStart: INCIDENT_START, audit: HOSTILE_AUDIT, generatedAt: new Date('2026-03-12T00:00:00Z') });
  html = renderReport(model);
});
afterAll(() => db.close());

describe('report model of the planted incident', () => {
  it('has the windows, the coverage with gaps, and the import problems', () => {
    expect(model.window).toEqual({
      incidentStart: '2026-03-11T00:00:00.000Z',
      dataEnd: '2026-03-11T21:02:00.000Z',
      dataStart: '2026-03-08T00:01:00.000Z',
      incidentStartFrom: 'option',
    });
    expect(model.coverage.map((c) => [c.source, c.rows, c.first, c.last])).toEqual([
      ['cloudtrail', 80, '2026-03-08T00:07:00.000Z', '2026-03-11T09:30:00.000Z'],
      ['lambda-logs', 4, '2026-03-11T08:04:00.000Z', '2026-03-11T09:10:00.000Z'],
      ['flow', 34, '2026-03-08T00:01:00.000Z', '2026-03-11T21:02:00.000Z'],
      ['metrics', 2, '2026-03-10T00:00:00.000Z', '2026-03-11T08:00:00.000Z'],
      ['eni', 9, '2026-03-08T00:00:00.000Z', '2026-03-11T12:00:00.000Z'],
      ['lambda-config', 2, '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z'],
    ]);
    // metrics: data at 03-10 00:00 and 03-11 08:00 only, over the 94 hours 03-08 00:00 .. 03-11 21:00
    const metrics = model.coverage.find((c) => c.source === 'metrics')!;
    expect(metrics.gapHours).toBe(94 - 2);
    expect(metrics.gaps).toEqual([
      { start: '2026-03-08T00:00:00.000Z', end: '2026-03-10T00:00:00.000Z', hours: 48 },
      { start: '2026-03-10T01:00:00.000Z', end: '2026-03-11T08:00:00.000Z', hours: 31 },
      { start: '2026-03-11T09:00:00.000Z', end: '2026-03-11T22:00:00.000Z', hours: 13 },
    ]);
    expect(model.coverage.find((c) => c.source === 'eni')!.snapshots).toEqual(['2026-03-08T00:00:00.000Z', '2026-03-10T00:00:00.000Z', '2026-03-11T12:00:00.000Z']);
    expect(model.issues.total).toBe(2);
    expect(model.issues.rows.map((r) => [r.severity, r.code])).toEqual([['error', 'load-failed'], ['warning', 'bad-json-line']]);
    expect(model.problemFiles).toEqual({ rows: [{ path: `evil/${PAYLOADS.img}.json`, format: null, source: null, status: 'failed', reason: `load-failed: ${PAYLOADS.script}` }], total: 1 });
    expect(model.ledger.find((l) => l.source === 'unknown')).toMatchObject({ files: 1, failed: 1 });
  });

  it('ranks the findings and gives each function with findings a section', () => {
    expect(model.findings.total).toBe(model.findings.rows.length);
    expect(model.findings.rows.map((f) => f.n)).toEqual(model.findings.rows.map((_f, i) => i + 1));
    const sev = model.findings.rows.map((f) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect(sev).toEqual([...sev].sort((a, b) => a - b));
    // the planted findings
    const planted = model.findings.rows.filter((f) => f.function === 'orders-api').map((f) => f.analyzer);
    for (const a of ['credential-exfil', 'code-changes', 'lambda-persistence', 'invocation-spikes', 'injection-hints', 'unusual-api', 'new-connections', 'audit:public-url']) {
      expect(planted).toContain(a);
    }
    expect(model.functions.map((f) => [f.id, f.name])).toEqual([
      ['fn-1', 'orders-api'],
      ['fn-2', HOSTILE_FN],
      ['fn-3', BIDI_FN],
    ]);
    expect(model.functionsWithFindings).toBe(3);
    expect(model.severityCounts.critical).toBe(2);
  });

  it('charts invocations with the baseline band and the spike window', () => {
    const inv = model.functions[0]!.invocations;
    expect(inv.source).toBe('logs');
    expect(inv.bucketHours).toBe(1);
    // 03-08 00:00 .. 03-11 23:00: the function's own span reaches past the data window's end
    expect(inv.points).toHaveLength(96);
    expect(inv.points[0]).toEqual({ t: '2026-03-08T00:00:00.000Z', n: 20, expected: 20, upper: 20 });
    expect(inv.points.find((p) => p.t === '2026-03-11T08:00:00.000Z')).toEqual({ t: '2026-03-11T08:00:00.000Z', n: 335, expected: 35, upper: 35 });
    expect(inv.spikes).toEqual([{ start: '2026-03-11T08:00:00.000Z', end: '2026-03-11T10:00:00.000Z', invocations: 635, expected: 75, score: expect.any(Number) }]);
    // the SVG marks it
    expect(html).toContain('<g class="spike-window" data-start="2026-03-11T08:00:00.000Z" data-end="2026-03-11T10:00:00.000Z">');
  });

  it('lists the role session’s API calls, baseline next to incident, new ones first', () => {
    const a = model.functions[0]!.apiCalls;
    expect(a.rows.map((r) => [r.event_source, r.api_name, r.baseline, r.incident, r.is_new, r.incident_outside])).toEqual([
      ['s3.amazonaws.com', 'ListBuckets', 0, 1, true, 0],
      ['secretsmanager.amazonaws.com', 'GetSecretValue', 0, 1, true, 0],
      ['sts.amazonaws.com', 'GetCallerIdentity', 0, 1, true, 1],
      ['dynamodb.amazonaws.com', 'GetItem', 36, 1, false, 0],
      ['dynamodb.amazonaws.com', 'PutItem', 36, 0, false, 0],
    ]);
    expect([a.total, a.totalNew, a.totalBaseline, a.totalIncident]).toEqual([5, 3, 72, 4]);
  });

  it('names the network peers and marks the same new ones as new-connections', async () => {
    const p = model.functions[0]!.peers;
    expect(p.rows.map((r) => [r.kind, r.name, r.addresses, r.service_port, r.direction, r.baseline_flows, r.incident_flows, r.incident_bytes, r.is_new])).toEqual([
      ['external', null, ['203.0.113.50'], 4444, 'outbound', 0, 2, 5_000_700, true],
      ['rds', 'RDS sg-db', ['10.0.3.5'], 5432, 'outbound', 24, 8, 8000, false],
    ]);
    const analyzer = await runAnalyzer(db, newConnections, { ...model.window, function: 'orders-api' });
    expect(p.rows.filter((r) => r.is_new).flatMap((r) => r.addresses)).toEqual(analyzer.rows.map((r) => r.peer_address));
  });

  it('shows the changes with actor and source IP, the incident’s first', () => {
    const c = model.functions[0]!.changes;
    expect(c.rows.map((r) => [r.time, r.event_name, r.actor_arn, r.source_ip, r.new_actor, r.new_source_ip, r.in_incident])).toEqual([
      ['2026-03-11T07:55:00.000Z', 'UpdateFunctionCode', 'arn:aws:iam::111122223333:user/dev-mallory', '198.51.100.23', true, true, true],
      ['2026-03-11T07:58:00.000Z', 'UpdateFunctionConfiguration', 'arn:aws:iam::111122223333:user/dev-mallory', '198.51.100.23', false, true, true],
      ['2026-03-09T10:00:00.000Z', 'UpdateFunctionCode', 'arn:aws:sts::111122223333:assumed-role/ci-deploy/run-1', '52.1.1.1', true, false, false],
    ]);
    expect(model.functions[0]!.persistence.rows.map((r) => [r.kind, r.after])).toEqual([['exec-env-var', `NODE_OPTIONS=--require /tmp/${PAYLOADS.script}`]]);
    expect(model.functions[0]!.audit!.rows.map((r) => r.check)).toEqual(['can-modify', 'public-url', 'broad-role']);
  });

  it('keeps the timeline compact: per-minute buckets merged per hour, every CloudTrail event kept', () => {
    const tl = model.functions[0]!.timeline;
    expect(tl.total).toBeGreaterThan(model.limits.timeline);
    expect(tl.merged).toBe(true);
    expect(tl.rows.length).toBeLessThanOrEqual(model.limits.timeline);
    expect(tl.rows.filter((r) => r.source === 'cloudtrail').map((r) => r.kind)).toEqual([
      'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'role-session:function', 'role-session:function', 'role-session:function', 'role-session:function',
    ]);
    expect(tl.rows.find((r) => r.source === 'logs' && r.time === '2026-03-11T08:00:00.000Z')!.summary).toBe('335 invocation(s) in 60 minutes (per hour)');
  });
});

describe('compactTimeline', () => {
  const row = (time: string, source: string, detail: Record<string, unknown> = {}) => ({ time, source, kind: source === 'logs' ? 'invocations' : 'x', summary: `${source} ${time}`, ref: null, detail });
  it('returns short timelines unchanged and cuts by source priority when merging is not enough', () => {
    const short = [row('2026-03-11T08:00:00.000Z', 'cloudtrail')];
    expect(compactTimeline(short, 5)).toEqual([{ time: '2026-03-11T08:00:00.000Z', source: 'cloudtrail', kind: 'x', summary: 'cloudtrail 2026-03-11T08:00:00.000Z', ref: null }]);
    const many = [
      ...Array.from({ length: 6 }, (_, i) => row(`2026-03-1${i}T08:00:00.000Z`, 'cloudtrail')),
      row('2026-03-11T08:01:00.000Z', 'logs', { count: 2, errors: 1 }),
      row('2026-03-11T08:02:00.000Z', 'logs', { count: 3, timeouts: 1 }),
    ];
    const out = compactTimeline(many, 7);
    // merged per hour, in time order (a tie goes to the control plane)
    expect(out.map((r) => [r.time.slice(0, 13), r.source])).toEqual([
      ['2026-03-10T08', 'cloudtrail'], ['2026-03-11T08', 'cloudtrail'], ['2026-03-11T08', 'logs'], ['2026-03-12T08', 'cloudtrail'],
      ['2026-03-13T08', 'cloudtrail'], ['2026-03-14T08', 'cloudtrail'], ['2026-03-15T08', 'cloudtrail'],
    ]);
    expect(out[2]!.summary).toBe('5 invocation(s) in 2 minutes, 2 not successful (per hour)');
    expect(compactTimeline(many, 4).map((r) => r.source)).toEqual(['cloudtrail', 'cloudtrail', 'cloudtrail', 'cloudtrail']);
  });

  it('keeps the first of each distinct role-session call and merges its repeats per hour', () => {
    const call = (time: string, summary: string) => ({ time, source: 'cloudtrail', kind: 'role-session:function', summary, ref: null, detail: {} });
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => call(`2026-03-11T08:0${i}:00.000Z`, 'GetItem (dynamodb.amazonaws.com) from 52.51.0.10')),
      call('2026-03-11T08:30:00.000Z', 'GetSecretValue (secretsmanager.amazonaws.com) from 52.51.0.10 (AccessDenied)'),
      ...Array.from({ length: 3 }, (_, i) => call(`2026-03-11T09:1${i}:00.000Z`, 'GetItem (dynamodb.amazonaws.com) from 52.51.0.10')),
      { time: '2026-03-11T09:30:00.000Z', source: 'cloudtrail', kind: 'UpdateFunctionCode', summary: 'UpdateFunctionCode by x', ref: 'e1', detail: {} },
    ];
    expect(compactTimeline(rows, 6).map((r) => [r.time, r.summary])).toEqual([
      ['2026-03-11T08:00:00.000Z', 'GetItem (dynamodb.amazonaws.com) from 52.51.0.10'],
      ['2026-03-11T08:01:00.000Z', '4 more × GetItem (dynamodb.amazonaws.com) from 52.51.0.10 (per hour)'],
      ['2026-03-11T08:30:00.000Z', 'GetSecretValue (secretsmanager.amazonaws.com) from 52.51.0.10 (AccessDenied)'],
      ['2026-03-11T09:10:00.000Z', '3 more × GetItem (dynamodb.amazonaws.com) from 52.51.0.10 (per hour)'],
      ['2026-03-11T09:30:00.000Z', 'UpdateFunctionCode by x'],
    ]);
  });
});

describe('rendered report fed with hostile values', () => {
  it('contains only the report’s own markup, and only fragment links that resolve', () => {
    const c = checkHtml(html);
    expect(c.problems).toEqual([]);
    for (const t of c.tags) for (const k of Object.keys(t.attrs)) expect(k.startsWith('on')).toBe(false);
    expect(c.tags.filter((t) => t.name === 'script')).toHaveLength(2);
    expect(c.hrefs.length).toBeGreaterThan(50);
    // every section is there
    for (const id of ['summary', 'coverage', 'import-issues', 'findings', 'evidence', 'fn-1', 'fn-1-invocations', 'fn-1-api', 'fn-1-peers', 'fn-1-changes', 'fn-1-audit', 'fn-1-timeline', 'fn-2', 'fn-3', 'ev-1']) {
      expect(c.ids.has(id), id).toBe(true);
    }
  });

  it('carries a CSP that allows only the hashed style and script', () => {
    const c = checkHtml(html);
    expect(c.style).toBe(CSS);
    expect(c.script).toBe(SCRIPT);
    expect(c.csp).toBe(
      `default-src 'none'; style-src 'sha256-${sha256b64(CSS)}'; script-src 'sha256-${sha256b64(SCRIPT)}'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`,
    );
    // the meta comes before anything the policy governs
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    // the only URL-bearing attribute is href, and every href is a fragment (checkHtml); the SVG
    // namespace is a name, never fetched
    const urlAttrs = new Set(c.tags.flatMap((t) => Object.keys(t.attrs)).filter((k) => ['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'background', 'xlink:href', 'ping'].includes(k)));
    expect([...urlAttrs]).toEqual(['href']);
    expect(c.hrefs.every((h) => /^#[a-z][a-z0-9-]*$/.test(h))).toBe(true);
  });

  it('shows every payload as text', () => {
    // payloads appear escaped (as visible text), never as markup
    expect(html).toContain('&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2;alert(2)&quot;&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;');
    expect(html).toContain('javascript:alert(3)');
    expect(html).not.toMatch(/<img|<svg onload|<link|<iframe|<style>@import/i);
    // the hostile function name in its section heading, the bidi one with a visible marker
    expect(html).toContain(`<span class="fn-kicker">Function</span> pwn&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2;alert(2)&quot;&gt;</h2>`);
    expect(html).toContain('billing-invoice<span class="cc" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>fdp.exe');
    // no raw hiding character outside the JSON data block
    const outside = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    expect(outside).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\ufeff\u2060]/);
  });

  it('embeds the findings as JSON that parses back to the exact values', () => {
    const data = JSON.parse(checkHtml(html).json) as { findings: Array<{ title: string; function: string | null }>; functions: Array<{ name: string }> };
    expect(data.findings.map((f) => f.title)).toEqual(model.findings.rows.map((f) => f.title));
    expect(data.functions.map((f) => f.name)).toEqual(['orders-api', HOSTILE_FN, BIDI_FN]);
  });
});
