/** Section 1: the summary — windows, key figures, data coverage, import issues. */
import { SEVERITIES } from '../../analyzers/types.ts';
import { coverageChart } from '../charts.ts';
import { text } from '../escape.ts';
import { fmtDuration, fmtMinute, fmtNum, fmtRange, fmtTime, plural } from '../format.ts';
import type { IssueRow, ReportModel, SourceCoverage } from '../model.ts';
import { badge, code, dash, detectionTitle, link, sectionHead, shownOf, table, tag } from './common.ts';

export function summarySection(m: ReportModel): string {
  const w = m.window;
  const cards = [
    card('Findings', fmtNum(m.findings.total), SEVERITIES.filter((s) => m.severityCounts[s] > 0).map((s) => `${fmtNum(m.severityCounts[s])} ${s}`).join(' · ') || 'none'),
    card('Functions with findings', fmtNum(m.functionsWithFindings), m.functions.length ? `${plural(m.functions.length, 'function')} detailed below` : 'none detailed'),
    card('Incident window', fmtDuration(m.incidentHours), `${fmtMinute(w.incidentStart)} → ${fmtMinute(w.dataEnd)}`),
    card('Baseline', fmtDuration(m.baselineHours), `${fmtMinute(w.dataStart)} → ${fmtMinute(w.incidentStart)}`),
  ];
  const sevClass = m.severityCounts.critical ? 'critical' : m.severityCounts.high ? 'high' : m.severityCounts.medium ? 'medium' : 'low';

  // the most severe findings of the incident, one per detection and function, with how many more
  // are like it; the access audit's standing configuration risks (no time) are counted apart
  const groups = new Map<string, { first: ReportModel['findings']['rows'][number]; more: number }>();
  for (const f of m.findings.rows) {
    if (f.time === null) continue;
    const k = `${f.analyzer}\u0000${f.function ?? ''}`;
    const g = groups.get(k);
    if (g) g.more++;
    else groups.set(k, { first: f, more: 0 });
  }
  const key = [...groups.values()].slice(0, 7);
  const standing = m.findings.rows.filter((f) => f.time === null);
  const standingBySev = SEVERITIES.filter((sv) => sv !== 'info')
    .map((sv) => [sv, standing.filter((f) => f.severity === sv).length] as const)
    .filter(([, n]) => n > 0);
  const windowNote =
    w.incidentStartFrom === 'default-last-24h'
      ? ' No incident start was given, so the incident window is the last 24 hours of data (set it with --incident-start).'
      : '';
  const affected = table(
    [
      { label: 'Function', cell: (a: ReportModel['affected'][number]) => (a.id ? link(a.id, a.name) : text(a.name)), cls: 'fn-col' },
      { label: 'Worst', cell: (a) => badge(a.worst) },
      { label: 'Findings', cell: (a) => text(fmtNum(a.count)), numeric: true },
      { label: 'First (UTC)', cell: (a) => dash(a.first, (x) => text(fmtMinute(x))), cls: 'nowrap' },
      { label: 'What was detected', cell: (a) => text(a.detections.map(detectionTitle).join(' · ')) },
    ],
    m.affected.slice(0, 15),
  );
  return [
    `<section id="summary" class="block">`,
    sectionHead('summary-title', 'Summary'),
    `<div class="cards cards-${sevClass}">${cards.join('')}</div>`,
    `<p class="lede">The incident window runs from <strong>${text(fmtTime(w.incidentStart))}</strong> to <strong>${text(fmtTime(w.dataEnd))}</strong> UTC. ` +
      `Everything before it, from ${text(fmtTime(w.dataStart))}, is the baseline each detection compares against: a call, peer or actor is <em>new</em> when the baseline never shows it.${text(windowNote)}</p>`,
    key.length
      ? `<h3>Most severe findings in the incident window</h3><ol class="key-findings">${key
          .map(
            ({ first: f, more }) =>
              `<li>${badge(f.severity)} ${link(`ev-${f.n}`, f.title)} <span class="muted">${text(fmtMinute(f.time))}${more ? text(` · and ${plural(more, 'more finding')} of this kind`) : ''}</span></li>`,
          )
          .join('')}</ol>` +
        (standingBySev.length
          ? `<p class="note">${text(`Also ${standingBySev.map(([sv, n]) => `${n} ${sv}`).join(', ')} configuration risk(s) found by the access audit (who can modify or invoke a function, role scope): see the Findings and each function’s Audit.`)}</p>`
          : '')
      : `<p class="empty">No analyzer reported a finding for this window.</p>`,
    m.affected.length ? `<h3>Affected functions</h3>${affected}${shownOf(Math.min(15, m.affected.length), m.affected.length, 'functions')}` : '',
    `</section>`,
  ].join('\n');
}

function card(label: string, value: string, sub: string): string {
  return `<div class="card"><div class="card-label">${text(label)}</div><div class="card-value">${text(value)}</div><div class="card-sub">${text(sub)}</div></div>`;
}

function gapsCell(s: SourceCoverage): string {
  if (s.kind !== 'timed') return '<span class="muted">point in time</span>';
  if (!s.gapCount) return tag('no gaps', 'ok');
  const top = s.gaps.slice(0, 3).map((g) => `${fmtRange(g.start, g.end)} (${fmtDuration(g.hours)})`);
  return `${tag(`${plural(s.gapHours, 'hour')} without data`, 'warn')} <span class="small">${text(top.join('; '))}${s.gapCount > 3 ? text(`; ${s.gapCount - 3} more`) : ''}</span>`;
}

export function coverageSection(m: ReportModel): string {
  const covTable = table(
    [
      { label: 'Source', cell: (s: SourceCoverage) => text(s.label) },
      { label: 'Rows', cell: (s) => text(fmtNum(s.rows)), numeric: true },
      { label: 'Files / snapshots', cell: (s) => text(fmtNum(s.files)), numeric: true },
      { label: 'First', cell: (s) => dash(s.first, (x) => text(fmtMinute(x))), cls: 'nowrap' },
      { label: 'Last', cell: (s) => dash(s.last, (x) => text(fmtMinute(x))), cls: 'nowrap' },
      { label: 'Gaps (hours with no data)', cell: gapsCell },
    ],
    m.coverage,
    { empty: 'The database holds no data.' },
  );
  const inWindow = (t: string) => t >= m.window.dataStart.slice(0, 19) && t <= m.window.dataEnd;
  const lanes = m.coverage.filter((s) => s.kind === 'timed' || s.snapshots.some((t) => inWindow(t.slice(0, 19))));
  const ledger = m.ledger.length
    ? table(
        [
          { label: 'Source', cell: (r: ReportModel['ledger'][number]) => text(r.source) },
          { label: 'Files', cell: (r) => text(fmtNum(r.files)), numeric: true },
          { label: 'Loaded', cell: (r) => text(fmtNum(r.loaded)), numeric: true },
          { label: 'Skipped', cell: (r) => text(fmtNum(r.skipped)), numeric: true },
          { label: 'Failed', cell: (r) => (r.failed ? tag(fmtNum(r.failed), 'warn') : '0'), numeric: true },
          { label: 'Rows loaded', cell: (r) => text(fmtNum(r.rows_loaded)), numeric: true },
          { label: 'Duplicates', cell: (r) => text(fmtNum(r.rows_duplicate)), numeric: true },
          { label: 'Rejected', cell: (r) => text(fmtNum(r.rows_rejected)), numeric: true },
          { label: 'Issues', cell: (r) => text(fmtNum(r.issues)), numeric: true },
        ],
        m.ledger,
      )
    : '';
  return [
    `<section id="coverage" class="block">`,
    sectionHead('coverage-title', 'Data coverage'),
    `<p class="intro">What the database holds, per source. A gap is an hour of the data window (${text(fmtMinute(m.window.dataStart))} – ${text(fmtMinute(m.window.dataEnd))}) with no record of a source that otherwise has data: logging that was off, not exported, or tampered with. Findings cannot see into gaps.</p>`,
    coverageChart(lanes, m.window.dataStart, m.window.dataEnd, m.window.incidentStart),
    covTable,
    ledger ? `<h3>Imported files</h3>${ledger}` : '',
    `</section>`,
  ].join('\n');
}

export function importIssuesSection(m: ReportModel): string {
  const total = m.issueCounts.reduce((a, r) => a + r.n, 0);
  const byCode = table(
    [
      { label: 'Severity', cell: (r: ReportModel['issueCounts'][number]) => (r.severity === 'error' ? tag('error', 'warn') : tag(r.severity, 'muted')) },
      { label: 'Code', cell: (r) => code(r.code) },
      { label: 'Issues', cell: (r) => text(fmtNum(r.n)), numeric: true },
      { label: 'Files', cell: (r) => text(fmtNum(r.files)), numeric: true },
    ],
    m.issueCounts,
  );
  const list = table(
    [
      { label: 'File', cell: (r: IssueRow) => code(r.path, 60) },
      { label: 'Where', cell: (r) => dash(r.location) },
      { label: 'Code', cell: (r) => code(r.code) },
      { label: 'Message', cell: (r) => text(r.message, { max: 300 }) },
    ],
    m.issues.rows,
    { rowClass: (r) => (r.severity === 'error' ? 'row-warn' : undefined) },
  );
  const files = table(
    [
      { label: 'File', cell: (r: ReportModel['problemFiles']['rows'][number]) => code(r.path, 60) },
      { label: 'Status', cell: (r) => (r.status === 'failed' ? tag('failed', 'warn') : tag(r.status, 'muted')) },
      { label: 'Format', cell: (r) => dash(r.format) },
      { label: 'Why', cell: (r) => dash(r.reason, (x) => text(x, { max: 300 })) },
    ],
    m.problemFiles.rows,
  );
  return [
    `<section id="import-issues" class="block">`,
    sectionHead('import-issues-title', 'Import issues'),
    total || m.problemFiles.total
      ? `<p class="intro">${text(plural(total, 'issue'))} were recorded while importing; records with a problem were skipped and the rest of each file was loaded. ${text(plural(m.problemFiles.total, 'file'))} ${m.problemFiles.total === 1 ? 'was' : 'were'} not loaded.</p>`
      : `<p class="intro">Every file was imported without issues.</p>`,
    total ? byCode : '',
    total ? `<h3>Issues</h3>${list}${shownOf(m.issues.rows.length, m.issues.total, 'issues', 'All of them are in the import_issues table.')}` : '',
    m.problemFiles.total ? `<h3>Files not loaded</h3>${files}${shownOf(m.problemFiles.rows.length, m.problemFiles.total, 'files', 'All of them are in the import_files table.')}` : '',
    `</section>`,
  ].join('\n');
}
