/**
 * The report's data: every query the report needs, run once, turned into plain values. Rendering
 * (render.ts, sections/*.ts) never touches the database. Every list is cut to a limit and carries
 * its total, so the report stays small however large the incident is.
 */
import { traced } from '../util/trace.ts';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { section } from '../db/sql.ts';
import { collectFindings, type Finding } from '../analyzers/findings.ts';
import { ANALYZERS } from '../analyzers/registry.ts';
import { resolveWindow, runAnalyzer, type AnalyzerResult, type AnalyzerRunner } from '../analyzers/run.ts';
import { codeChanges } from '../analyzers/defs/codeChanges.ts';
import { invocationSpikes } from '../analyzers/defs/invocationSpikes.ts';
import { lambdaPersistence } from '../analyzers/defs/lambdaPersistence.ts';
import { timeline } from '../analyzers/defs/timeline.ts';
import { collectGarbage } from '../util/gc.ts';
import { severityRank, type AnalyzerDescriptor, type AnalyzeContext, type AnalyzeWindow, type AttackTechnique, type Severity } from '../analyzers/types.ts';
import { queryTable, type Value } from '../output/printer.ts';
import { auditTitle, concernsFunction, findingsOf, runAudit } from '../audit/index.ts';
import { fmtBytes } from './format.ts';
import { ANALYZER_MODEL, withModelTables, type ModelView } from '../model/materialize.ts';

export interface ReportLimits {
  /** Findings listed (and given an evidence card). */
  findings: number;
  /** Function sections (functions asked for with --function always get one). */
  functions: number;
  apiCalls: number;
  peers: number;
  changes: number;
  timeline: number;
  importIssues: number;
  problemFiles: number;
  auditRows: number;
  /** Longest text of one evidence value. */
  evidenceChars: number;
  /** Points of the invocations chart (hours are merged into buckets beyond it). */
  chartPoints: number;
}

export const DEFAULT_LIMITS: ReportLimits = {
  findings: 250,
  functions: 20,
  apiCalls: 40,
  peers: 40,
  changes: 40,
  timeline: 250,
  importIssues: 50,
  problemFiles: 30,
  auditRows: 40,
  evidenceChars: 600,
  chartPoints: 1500,
};

/** A row of the access audit (src/audit), as the report shows it. */
export interface AuditRow {
  check: string;
  function: string | null;
  principal: string | null;
  severity: Severity;
  /** One line saying what the row means (auditTitle). */
  title: string;
  /** The policy the row rests on. */
  policy: string | null;
}

/** Where the audit comes from: the access audit of src/audit by default. */
export interface AuditProvider {
  rows(db: Db, opts: { function?: string }): Promise<AuditRow[]>;
  findings?(db: Db): Promise<Finding[]>;
}

/**
 * The access audit of src/audit. The report asks for the rows of each function in turn and for
 * the audit's findings: the audit runs once per report, each function's rows are picked from its
 * result with the same rule `audit --function` uses, and the findings are made from the same rows.
 */
export function accessAudit(): AuditProvider {
  let all: Promise<Awaited<ReturnType<typeof runAudit>>> | undefined;
  return {
    rows: async (db, opts) => {
      all ??= runAudit(db, {});
      const rows = await all;
      return rows
        .filter((r) => opts.function === undefined || concernsFunction(r, opts.function))
        .map((r) => ({
          check: r.check,
          function: r.function,
          principal: r.principal,
          severity: r.severity,
          title: auditTitle(r),
          policy: typeof r.evidence.policy === 'string' ? r.evidence.policy : null,
        }));
    },
    findings: async (db) => findingsOf(await (all ??= runAudit(db, {}))),
  };
}

export interface ReportOptions {
  incidentStart?: string;
  /** Functions that get a section whether or not they have findings. */
  functions?: string[];
  limits?: Partial<ReportLimits>;
  /** The access audit (default: accessAudit()); false leaves the Audit sections out. */
  audit?: AuditProvider | false;
  /** Shown in the header (the database file). */
  source?: string;
  generatedAt?: Date;
}

export interface Counted<T> {
  rows: T[];
  total: number;
}

export interface SourceCoverage {
  source: string;
  label: string;
  kind: 'timed' | 'snapshot';
  rows: number;
  first: string | null;
  last: string | null;
  /** Files (timed sources, configuration, IAM) or snapshots (ENI). */
  files: number;
  gapHours: number;
  gapCount: number;
  /** Longest gaps first. */
  gaps: Array<{ start: string; end: string; hours: number }>;
  /** Hours with data, merged (timed sources), or snapshot times. */
  present: Array<{ start: string; end: string }>;
  snapshots: string[];
}

export interface LedgerRow {
  source: string;
  files: number;
  loaded: number;
  skipped: number;
  failed: number;
  rows_loaded: number;
  rows_duplicate: number;
  rows_rejected: number;
  issues: number;
}

export interface IssueRow {
  path: string;
  location: string | null;
  severity: string;
  code: string;
  message: string;
}

export interface ReportFinding extends Finding {
  /** 1-based rank; the anchor of its evidence card is ev-<n>. */
  n: number;
  attack: AttackTechnique[];
}

export interface ChartPoint {
  /** Bucket start (ISO). */
  t: string;
  /** Invocations; null where the function has no data. */
  n: number | null;
  expected: number | null;
  upper: number | null;
}

export interface SpikeWindow {
  start: string;
  end: string;
  invocations: number;
  expected: number;
  score: number;
}

export interface ApiCallRow {
  event_source: string | null;
  api_name: string | null;
  baseline: number;
  incident: number;
  first_incident: string | null;
  incident_errors: number;
  incident_outside: number;
  incident_ips: number;
  incident_ip_sample: string[];
  is_new: boolean;
}

export interface PeerRow {
  identity: string;
  service_port: number | null;
  protocol: number | null;
  direction: string;
  kind: string;
  name: string | null;
  addresses: string[];
  address_count: number;
  baseline_flows: number;
  baseline_bytes: number;
  incident_flows: number;
  incident_bytes: number;
  incident_rejected: number;
  first_incident: string | null;
  ambiguous: boolean;
  is_new: boolean;
}

export interface ChangeRow {
  time: string;
  event_name: string;
  actor_arn: string | null;
  actor_type: string | null;
  source_ip: string | null;
  user_agent: string | null;
  new_actor: boolean;
  new_source_ip: boolean;
  in_incident: boolean;
  event_id: string;
}

export interface PersistenceRow {
  kind: string;
  time: string | null;
  actor_arn: string | null;
  source_ip: string | null;
  before: string | null;
  after: string | null;
}

export interface TimelineRow {
  time: string;
  source: string;
  kind: string;
  summary: string;
  ref: string | null;
}

export interface TimelineDetailRow extends TimelineRow {
  detail: Record<string, unknown>;
}

export interface FunctionReport {
  name: string;
  /** Anchor id: fn-<index>. */
  id: string;
  requested: boolean;
  info: {
    sources: string[];
    first_seen: string | null;
    last_seen: string | null;
    role_arns: string | null;
    runtime: string | null;
    vpc_id: string | null;
    function_arn: string | null;
  } | null;
  findings: ReportFinding[];
  /** Findings of this function beyond the listed ones. */
  findingsTotal: number;
  invocations: { source: string | null; bucketHours: number; points: ChartPoint[]; spikes: SpikeWindow[] };
  apiCalls: Counted<ApiCallRow> & { totalNew: number; totalBaseline: number; totalIncident: number };
  peers: Counted<PeerRow> & { totalNew: number; totalBaselineFlows: number; totalIncidentFlows: number };
  changes: Counted<ChangeRow>;
  persistence: Counted<PersistenceRow>;
  /** null when the access audit is not wired in. */
  audit: Counted<AuditRow> | null;
  /** total: events before merging; merged: whether per-minute buckets were merged. */
  timeline: Counted<TimelineRow> & { merged: boolean; bySource: Record<string, number>; from: string };
}

export interface ReportModel {
  generatedAt: string;
  source: string | null;
  window: AnalyzeWindow;
  baselineHours: number;
  incidentHours: number;
  coverage: SourceCoverage[];
  ledger: LedgerRow[];
  problemFiles: Counted<{ path: string; format: string | null; source: string | null; status: string; reason: string | null }>;
  issueCounts: Array<{ severity: string; code: string; n: number; files: number }>;
  issues: Counted<IssueRow>;
  findings: Counted<ReportFinding>;
  severityCounts: Record<Severity, number>;
  /** Distinct functions named by any finding (listed or not). */
  functionsWithFindings: number;
  /** Per function with findings, most severe first: for the summary. */
  affected: Array<{ name: string; id: string | null; worst: Severity; count: number; detections: string[]; first: string | null }>;
  /** Functions with findings that got no section (over the limit). */
  functionsOmitted: string[];
  functions: FunctionReport[];
  auditWired: boolean;
  limits: ReportLimits;
}

/** The JavaScript heap above which the report collects garbage after each function's section. */
const GC_HEAP_BYTES = 128 * 1024 * 1024;

const SOURCE_LABELS: Record<string, [string, 'timed' | 'snapshot']> = {
  cloudtrail: ['CloudTrail', 'timed'],
  'lambda-logs': ['Lambda logs (CloudWatch Logs)', 'timed'],
  flow: ['VPC Flow Logs', 'timed'],
  metrics: ['CloudWatch metrics', 'timed'],
  eni: ['ENI snapshots', 'snapshot'],
  'lambda-config': ['Lambda configuration dumps', 'snapshot'],
  iam: ['IAM authorization details', 'snapshot'],
};

type Row = Record<string, Value>;

const num = (v: Value | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : 0);
const str = (v: Value | undefined): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
const strs = (v: Value | undefined): string[] => (Array.isArray(v) ? v.filter((x) => x !== null).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);

async function rows(db: Db, sql: string, params: Record<string, DuckDBValue> = {}): Promise<Row[]> {
  const used = new Set([...sql.matchAll(/\$([a-z_]+)/g)].map((m) => m[1]!));
  const bound = Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k)));
  return traced(sql.replace(/^(\s*--.*\n)+/, '').trim().slice(0, 60).replace(/\s+/g, ' '), async () => (await queryTable(db, sql, bound)).rows);
}

const techniquesByAnalyzer = new Map(ANALYZERS.map((d) => [d.id, d.attack ?? []]));

async function coverage(db: Db, w: AnalyzeWindow): Promise<SourceCoverage[]> {
  const params = { data_start: w.dataStart, data_end: w.dataEnd };
  const stats = await rows(db, section('report/coverage.sql', 'stats'));
  const gaps = await rows(db, section('report/coverage.sql', 'gaps'), params);
  const present = await rows(db, section('report/coverage.sql', 'present'));
  const snaps = await rows(db, section('report/coverage.sql', 'snapshots'));
  return stats
    .filter((s) => num(s.rows) > 0)
    .map((s) => {
      const source = String(s.source);
      const [label, kind] = SOURCE_LABELS[source] ?? [source, 'snapshot'];
      const g = gaps.filter((x) => x.source === source).map((x) => ({ start: String(x.gap_start), end: String(x.gap_end), hours: num(x.hours) }));
      return {
        source,
        label,
        kind,
        rows: num(s.rows),
        first: str(s.first),
        last: str(s.last),
        files: num(s.files),
        gapHours: g.reduce((a, x) => a + x.hours, 0),
        gapCount: g.length,
        gaps: [...g].sort((a, b) => b.hours - a.hours || a.start.localeCompare(b.start)),
        present: present.filter((x) => x.source === source).map((x) => ({ start: String(x.range_start), end: String(x.range_end) })),
        snapshots: snaps.filter((x) => x.source === source).map((x) => String(x.time)),
      };
    });
}

function bucketPoints(points: ChartPoint[], max: number): { bucketHours: number; points: ChartPoint[] } {
  if (points.length <= max) return { bucketHours: 1, points };
  const size = Math.ceil(points.length / max);
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const chunk = points.slice(i, i + size);
    const sum = (k: 'n' | 'expected' | 'upper') => (chunk.every((p) => p[k] === null) ? null : chunk.reduce((a, p) => a + (p[k] ?? 0), 0));
    out.push({ t: chunk[0]!.t, n: sum('n'), expected: sum('expected'), upper: sum('upper') });
  }
  return { bucketHours: size, points: out };
}

/** Sources whose timeline rows are per-minute buckets of many records. */
const BULK = new Set(['logs', 'flow', 'metrics']);
const isSession = (r: TimelineRow) => r.source === 'cloudtrail' && r.kind.startsWith('role-session:');

/** What is kept first when even merged rows are too many: control-plane events, configuration
 * and ENI snapshots, the first of each kind of role-session call, then the merged buckets. */
type Tier = 'control' | 'config' | 'eni' | 'session-first' | 'flow' | 'logs' | 'session-more' | 'metrics';
const TIER_RANK: Record<Tier, number> = { control: 0, config: 1, eni: 2, 'session-first': 3, flow: 4, logs: 5, 'session-more': 6, metrics: 7 };

const n0 = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : 0);

/** Merges rows of one source and kind (and, for role-session calls, one summary) in one bucket. */
function mergeBucket(rows: TimelineDetailRow[], bucket: string, label: string): TimelineRow {
  const first = rows[0]!;
  const minutes = `${rows.length} minute${rows.length === 1 ? '' : 's'}`;
  let summary: string;
  if (isSession(first)) {
    summary = `${rows.length} more × ${first.summary}`;
  } else if (first.source === 'logs') {
    const count = rows.reduce((a, r) => a + n0(r.detail.count), 0);
    const bad = rows.reduce((a, r) => a + n0(r.detail.timeouts) + n0(r.detail.errors), 0);
    summary = `${count} invocation(s) in ${minutes}${bad ? `, ${bad} not successful` : ''}`;
  } else if (first.source === 'flow') {
    const peers = new Set(rows.flatMap((r) => (Array.isArray(r.detail.peers) ? r.detail.peers.map(String) : [])));
    const bytes = rows.reduce((a, r) => a + n0(r.detail.bytes), 0);
    summary = `flows in ${minutes}: ${peers.size} peer(s), ${fmtBytes(bytes)}`;
  } else {
    summary = `${rows.length} data point(s) of ${first.kind}`;
  }
  return { time: bucket, source: first.source, kind: first.kind, summary: `${summary} (${label})`, ref: first.ref };
}

/**
 * A compact timeline. When there are more rows than the limit: every control-plane,
 * configuration and ENI event stays as it is; of the calls made with the function's role, the
 * first of each distinct call (API, service, source IP, error) stays, and its repeats are merged
 * per hour; the per-minute invocation, flow and metric buckets are merged per hour. If that is
 * still too many, per day; beyond that, rows are kept in the order of TIER_RANK.
 */
export function compactTimeline(all: TimelineDetailRow[], limit: number): TimelineRow[] {
  const plainRow = ({ detail: _d, ...r }: TimelineDetailRow): TimelineRow => r;
  if (all.length <= limit) return all.map(plainRow);
  let out: Array<{ r: TimelineRow; tier: Tier }> = [];
  for (const [unit, len, label] of [['hour', 13, 'per hour'], ['day', 10, 'per day']] as const) {
    const groups = new Map<string, TimelineDetailRow[]>();
    const seen = new Set<string>();
    out = [];
    for (const r of all) {
      let key: string | undefined;
      if (isSession(r)) {
        const k = `${r.kind}\u0000${r.summary}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push({ r: plainRow(r), tier: 'session-first' });
          continue;
        }
        key = `s\u0000${r.time.slice(0, len)}\u0000${k}`;
      } else if (BULK.has(r.source)) {
        key = `b\u0000${r.time.slice(0, len)}\u0000${r.source}\u0000${r.kind}`;
      } else {
        out.push({ r: plainRow(r), tier: r.source === 'config' ? 'config' : r.source === 'eni' ? 'eni' : 'control' });
        continue;
      }
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    for (const rs of groups.values()) {
      const first = rs[0]!;
      const b = first.time.slice(0, len);
      const iso = isSession(first) ? first.time : unit === 'hour' ? `${b}:00:00.000Z` : `${b}T00:00:00.000Z`;
      const tier: Tier = isSession(first) ? 'session-more' : (first.source as Tier);
      out.push({ r: rs.length === 1 && !isSession(first) ? plainRow(first) : mergeBucket(rs, iso, label), tier });
    }
    out.sort((a, b) => a.r.time.localeCompare(b.r.time) || TIER_RANK[a.tier] - TIER_RANK[b.tier]);
    if (out.length <= limit) return out.map((x) => x.r);
  }
  const ranked = out.map((x, i) => ({ ...x, i })).sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier] || a.i - b.i);
  return ranked.slice(0, limit).sort((a, b) => a.i - b.i).map((x) => x.r);
}

/**
 * Analyzer runs shared by the findings list and the function sections. An analyzer that partitions
 * by function (its `$function` filter only picks the rows whose `function` column is that name) is
 * run once over every function, and each section takes its own rows from that run instead of
 * scanning the data again. test/report/model.test.ts checks that the picked rows equal a run with
 * `--function`.
 */
export interface SharedRuns {
  /** Runs `d` over `ctx`; the run over the report's whole context is made only once. */
  run: AnalyzerRunner;
  /** The rows (and internal columns) of `d` whose function is `name`. */
  forFunction<S extends z.ZodObject>(d: AnalyzerDescriptor<S>, name: string): Promise<AnalyzerResult<S>>;
}

/** The analyzers whose rows the function sections take from one shared run. */
export const SHARED_BY_FUNCTION: AnalyzerDescriptor[] = [invocationSpikes, codeChanges, lambdaPersistence];

export function sharedRuns(db: Db, ctx: AnalyzeContext): SharedRuns {
  const whole = new Map<string, Promise<AnalyzerResult>>();
  const once = <S extends z.ZodObject>(d: AnalyzerDescriptor<S>): Promise<AnalyzerResult<S>> => {
    let p = whole.get(d.id);
    if (!p) {
      p = traced(`${d.id} (every function)`, () => runAnalyzer(db, d, { ...ctx, function: undefined })) as Promise<AnalyzerResult>;
      whole.set(d.id, p);
    }
    return p as unknown as Promise<AnalyzerResult<S>>;
  };
  return {
    run: (db2, d, c) => (db2 === db && c === ctx ? once(d) : runAnalyzer(db2, d, c)),
    async forFunction(d, name) {
      const all = await once(d);
      const keep = all.rows.map((r, i) => ((r as { function?: unknown }).function === name ? i : -1)).filter((i) => i >= 0);
      const rows = keep.map((i) => all.rows[i]!);
      return {
        descriptor: all.descriptor,
        table: { columns: all.table.columns, rows: rows as Array<Record<string, Value>> },
        rows,
        internal: keep.map((i) => all.internal[i]!),
      };
    },
  };
}

/** Rows of the report queries that serve every function section at once, by function name. */
interface PerFunctionRows {
  api: Map<string, Row[]>;
  peers: Map<string, Row[]>;
}

async function perFunctionRows(db: Db, names: string[], ctx: AnalyzeContext, limits: ReportLimits): Promise<PerFunctionRows> {
  const byName = (rs: Row[]) => {
    const m = new Map<string, Row[]>();
    for (const r of rs) {
      const k = String(r.function_name);
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const p = { functions: listValue(names), incident_start: ctx.incidentStart };
  return {
    api: byName(await rows(db, section('report/api_calls.sql', 'main'), { ...p, limit: limits.apiCalls })),
    peers: byName(await rows(db, section('report/peers.sql', 'main'), { ...p, limit: limits.peers })),
  };
}

async function functionReport(
  db: Db,
  name: string,
  index: number,
  requested: boolean,
  ctx: AnalyzeContext,
  findings: ReportFinding[],
  allFindings: Finding[],
  limits: ReportLimits,
  audit: AuditProvider | undefined,
  shared: SharedRuns,
  perFunction: PerFunctionRows,
): Promise<FunctionReport> {
  const fctx: AnalyzeContext = { ...ctx, function: name };
  const p = { function: name, incident_start: ctx.incidentStart, data_start: ctx.dataStart, data_end: ctx.dataEnd };

  const [info] = await rows(db, section('report/functions.sql', 'info'), p);

  const inv = await rows(db, section('report/invocations.sql', 'main'), p);
  const rawPoints: ChartPoint[] = inv.map((r) => ({
    t: String(r.hour),
    n: r.n === null ? null : num(r.n),
    expected: r.expected === null ? null : num(r.expected),
    upper: r.upper === null ? null : num(r.upper),
  }));
  const spikes = (await shared.forFunction(invocationSpikes, name)).rows.map((r) => ({
    start: r.window_start,
    end: r.window_end,
    invocations: r.invocations,
    expected: r.expected,
    score: r.score,
  }));

  const api = perFunction.api.get(name) ?? [];
  const peers = perFunction.peers.get(name) ?? [];

  const changesRes = await shared.forFunction(codeChanges, name);
  const changeRows: ChangeRow[] = changesRes.rows.map((r, i) => ({
    time: r.time,
    event_name: r.event_name,
    actor_arn: r.actor_arn,
    actor_type: r.actor_type,
    source_ip: r.source_ip,
    user_agent: r.user_agent,
    new_actor: r.new_actor,
    new_source_ip: r.new_source_ip,
    in_incident: Boolean(changesRes.internal[i]?._in_incident),
    event_id: r.event_id,
  }));
  // the incident window's changes first, then the baseline's; each in time order
  const changesSorted = [...changeRows].sort(
    (a, b) => Number(b.in_incident) - Number(a.in_incident) || a.time.localeCompare(b.time),
  );

  const persistence = (await shared.forFunction(lambdaPersistence, name)).rows.map((r) => ({
    kind: r.kind,
    time: r.time,
    actor_arn: r.actor_arn,
    source_ip: r.source_ip,
    before: r.before,
    after: r.after,
  }));

  const tl: TimelineDetailRow[] = (await traced('timeline', () => runAnalyzer(db, timeline, { ...fctx, from: ctx.incidentStart, to: undefined }))).rows.map((r) => ({
    time: r.time,
    source: r.source,
    kind: r.kind,
    summary: r.summary,
    ref: r.ref,
    detail: r.detail,
  }));
  const tlRows = compactTimeline(tl, limits.timeline);
  const bySource: Record<string, number> = {};
  for (const r of tlRows) bySource[r.source] = (bySource[r.source] ?? 0) + 1;

  let auditRows: Counted<AuditRow> | null = null;
  if (audit) {
    // runAudit({function}) also returns rows about a principal that concern this function among others
    const all = await traced('audit rows', () => audit.rows(db, { function: name }));
    all.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    auditRows = { rows: all.slice(0, limits.auditRows), total: all.length };
  }

  const first = (r: Row[]) => r[0] ?? {};
  return {
    name,
    id: `fn-${index + 1}`,
    requested,
    info: info
      ? {
          sources: strs(info.sources),
          first_seen: str(info.first_seen),
          last_seen: str(info.last_seen),
          role_arns: str(info.role_arns),
          runtime: str(info.runtime),
          vpc_id: str(info.vpc_id),
          function_arn: str(info.function_arn),
        }
      : null,
    findings,
    findingsTotal: allFindings.filter((f) => f.function === name).length,
    invocations: { source: str(inv[0]?.source), ...bucketPoints(rawPoints, limits.chartPoints), spikes },
    apiCalls: {
      rows: api.map((r) => ({
        event_source: str(r.event_source),
        api_name: str(r.api_name),
        baseline: num(r.baseline),
        incident: num(r.incident),
        first_incident: str(r.first_incident),
        incident_errors: num(r.incident_errors),
        incident_outside: num(r.incident_outside),
        incident_ips: num(r.incident_ips),
        incident_ip_sample: strs(r.incident_ip_sample),
        is_new: r.is_new === true,
      })),
      total: num(first(api).total_pairs),
      totalNew: num(first(api).total_new),
      totalBaseline: num(first(api).total_baseline),
      totalIncident: num(first(api).total_incident),
    },
    peers: {
      rows: peers.map((r) => ({
        identity: String(r.identity),
        service_port: r.service_port === null ? null : num(r.service_port),
        protocol: r.protocol === null ? null : num(r.protocol),
        direction: String(r.direction),
        kind: String(r.kind),
        name: str(r.name),
        addresses: strs(r.addresses),
        address_count: num(r.address_count),
        baseline_flows: num(r.baseline_flows),
        baseline_bytes: num(r.baseline_bytes),
        incident_flows: num(r.incident_flows),
        incident_bytes: num(r.incident_bytes),
        incident_rejected: num(r.incident_rejected),
        first_incident: str(r.first_incident),
        ambiguous: r.ambiguous === true,
        is_new: r.is_new === true,
      })),
      total: num(first(peers).total_peers),
      totalNew: num(first(peers).total_new),
      totalBaselineFlows: num(first(peers).total_baseline_flows),
      totalIncidentFlows: num(first(peers).total_incident_flows),
    },
    changes: { rows: changesSorted.slice(0, limits.changes), total: changeRows.length },
    persistence: { rows: persistence.slice(0, limits.changes), total: persistence.length },
    audit: auditRows,
    timeline: { rows: tlRows, total: tl.length, merged: tlRows.length !== tl.length, bySource, from: ctx.incidentStart },
  };
}

const hoursBetween = (a: string, b: string) => Math.max(0, (new Date(b).getTime() - new Date(a).getTime()) / 3_600_000);

function cutValue(v: Value, max: number): Value {
  if (typeof v === 'string') return v.length > max ? `${v.slice(0, max)}… (${v.length} characters)` : v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => cutValue(x, max));
  if (v && typeof v === 'object') {
    const s = JSON.stringify(v);
    if (s.length > max) return `${s.slice(0, max)}… (${s.length} characters)`;
    return v;
  }
  return v;
}

/** Runs every query of the report and returns its data. */
export async function buildReportModel(db: Db, opts: ReportOptions = {}): Promise<ReportModel> {
  // The report reads each function's flows and facts several times: compute those views once.
  return withModelTables(db, [...ANALYZER_MODEL, ...REPORT_MODEL], () => buildModel(db, opts));
}

const REPORT_MODEL: ModelView[] = ['function_sessions', 'function_flows', 'functions', 'source_hours', 'function_hourly_invocations'];

async function buildModel(db: Db, opts: ReportOptions): Promise<ReportModel> {
  const limits: ReportLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const audit = opts.audit === false ? undefined : (opts.audit ?? accessAudit());
  const window = await resolveWindow(db, opts.incidentStart);
  const ctx: AnalyzeContext = { ...window };

  const extra = audit?.findings ? await traced('audit findings', () => audit.findings!(db)) : [];
  const shared = sharedRuns(db, ctx);
  const all = await traced('findings', () => collectFindings(db, ctx, extra, shared.run));
  const ranked: ReportFinding[] = all.slice(0, limits.findings).map((f, i) => ({
    ...f,
    evidence: Object.fromEntries(Object.entries(f.evidence).map(([k, v]) => [k, cutValue(v, limits.evidenceChars)])),
    n: i + 1,
    attack: techniquesByAnalyzer.get(f.analyzer) ?? [],
  }));
  const severityCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  for (const f of all) severityCounts[f.severity]++;

  // functions with findings, most severe first (the order of the ranked list), then those asked for
  const withFindings: string[] = [];
  for (const f of all) if (f.function !== null && !withFindings.includes(f.function)) withFindings.push(f.function);
  const requested = [...new Set(opts.functions ?? [])];
  const chosen = [...requested, ...withFindings.filter((f) => !requested.includes(f)).slice(0, Math.max(0, limits.functions - requested.length))];
  const omitted = withFindings.filter((f) => !chosen.includes(f));

  const functions: FunctionReport[] = [];
  const perFunction = await perFunctionRows(db, chosen, ctx, limits);
  for (const [i, name] of chosen.entries()) {
    functions.push(
      await functionReport(db, name, i, requested.includes(name), ctx, ranked.filter((f) => f.function === name), all, limits, audit, shared, perFunction),
    );
    // A function's whole timeline (tens of thousands of rows at bench scale 5) is garbage once it
    // is compacted; V8 let it pile up to 400 MB of heap across functions before collecting, the
    // report's peak RSS (1.9 GB against a 2 GB target at scale 5 with a 1 GB budget).
    if (process.memoryUsage().heapUsed > GC_HEAP_BYTES) collectGarbage();
  }

  const ledger = (await rows(db, section('report/coverage.sql', 'files'))).map((r) => ({
    source: String(r.source),
    files: num(r.files),
    loaded: num(r.loaded),
    skipped: num(r.skipped),
    failed: num(r.failed),
    rows_loaded: num(r.rows_loaded),
    rows_duplicate: num(r.rows_duplicate),
    rows_rejected: num(r.rows_rejected),
    issues: num(r.issues),
  }));
  const problem = await rows(db, section('report/coverage.sql', 'problem_files'), { limit: limits.problemFiles });
  const issues = await rows(db, section('report/coverage.sql', 'issues'), { limit: limits.importIssues });
  const issueCounts = (await rows(db, section('report/coverage.sql', 'issue_counts'))).map((r) => ({
    severity: String(r.severity),
    code: String(r.code),
    n: num(r.n),
    files: num(r.files),
  }));

  return {
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    source: opts.source ?? null,
    window,
    baselineHours: hoursBetween(window.dataStart, window.incidentStart),
    incidentHours: hoursBetween(window.incidentStart, window.dataEnd),
    coverage: await coverage(db, window),
    ledger,
    problemFiles: {
      rows: problem.map((r) => ({ path: String(r.path), format: str(r.format), source: str(r.source), status: String(r.status), reason: str(r.reason) })),
      total: num(problem[0]?.total),
    },
    issueCounts,
    issues: {
      rows: issues.map((r) => ({ path: String(r.path), location: str(r.location), severity: String(r.severity), code: String(r.code), message: String(r.message) })),
      total: num(issues[0]?.total),
    },
    findings: { rows: ranked, total: all.length },
    severityCounts,
    functionsWithFindings: withFindings.length,
    affected: withFindings.map((name) => {
      const fs = all.filter((f) => f.function === name);
      const times = fs.map((f) => f.time).filter((t): t is string => t !== null).sort();
      return {
        name,
        id: functions.find((f) => f.name === name)?.id ?? null,
        worst: fs[0]!.severity,
        count: fs.length,
        detections: [...new Set(fs.map((f) => f.analyzer))],
        first: times[0] ?? null,
      };
    }),
    functionsOmitted: omitted,
    functions,
    auditWired: Boolean(audit),
    limits,
  };
}
