/** Section 2: one function — invocations, API calls, network peers, changes, audit, timeline. */
import { invocationsChart } from '../charts.ts';
import { attr, internalHref, text } from '../escape.ts';
import { fmtBytes, fmtDuration, fmtMinute, fmtNum, fmtProtocol, fmtRange, fmtTime, PEER_KINDS, plural, SOURCE_NAMES } from '../format.ts';
import type { ApiCallRow, AuditRow, ChangeRow, FunctionReport, PeerRow, PersistenceRow, ReportFinding, ReportModel, SpikeWindow, TimelineRow } from '../model.ts';
import { badge, code, dash, detectionTitle, link, shownOf, table, tag } from './common.ts';

export function functionSection(f: FunctionReport, m: ReportModel): string {
  const id = f.id;
  const sub = (s: string) => `${id}-${s}`;
  const nav = [
    ['invocations', 'Invocations'],
    ['api', 'API calls'],
    ['peers', 'Network peers'],
    ['changes', 'Changes'],
    ['audit', 'Audit'],
    ['timeline', 'Timeline'],
  ]
    .map(([k, label]) => `<a href="${internalHref(sub(k!))}">${text(label)}</a>`)
    .join('');
  return [
    `<section id="${attr(id)}" class="block function" data-function="${attr(f.name)}">`,
    `<h2 class="fn-title"><span class="fn-kicker">Function</span> ${text(f.name)}${f.requested && !f.findings.length ? ` ${tag('requested', 'muted')}` : ''}</h2>`,
    header(f),
    `<nav class="subnav">${nav}</nav>`,
    findingGroups(f),
    invocations(f, m),
    apiCalls(f, m),
    peers(f),
    changes(f),
    audit(f, m),
    timelineBlock(f, m),
    `<p class="back"><a href="#top">back to top</a></p>`,
    `</section>`,
  ].join('\n');
}

/** Opens a subsection of a function; its body follows and `</section>` closes it. */
function subOpen(f: FunctionReport, key: string, title: string): string {
  return `<section class="sub" id="${attr(`${f.id}-${key}`)}"><h3>${text(title)}</h3>`;
}

/** The function's findings per detection: how many, the worst, the first, and an example with a
 * link to its evidence (the full list is in the Findings section). */
function findingGroups(f: FunctionReport): string {
  if (!f.findings.length) return `<p class="empty">No findings for this function in the incident window.</p>`;
  const groups: Array<{ analyzer: string; rows: ReportFinding[] }> = [];
  for (const x of f.findings) {
    const g = groups.find((y) => y.analyzer === x.analyzer);
    if (g) g.rows.push(x);
    else groups.push({ analyzer: x.analyzer, rows: [x] });
  }
  const t = table(
    [
      { label: 'Worst', cell: (g: (typeof groups)[number]) => badge(g.rows[0]!.severity) },
      { label: 'Detection', cell: (g) => `${text(detectionTitle(g.analyzer))}<br><span class="small muted">${text(g.analyzer)}</span>` },
      { label: 'Findings', cell: (g) => text(fmtNum(g.rows.length)), numeric: true },
      { label: 'First (UTC)', cell: (g) => dash(g.rows.map((r) => r.time).filter((x): x is string => x !== null).sort()[0], (x) => text(fmtMinute(x))), cls: 'nowrap' },
      { label: 'Example', cell: (g) => `${text(g.rows[0]!.title, { max: 240 })} ${link(`ev-${g.rows[0]!.n}`, 'evidence')}`, cls: 'title-col' },
    ],
    groups,
    { rowClass: (g) => `sev-row-${g.rows[0]!.severity}` },
  );
  return `<h3>Findings</h3>${t}${f.findingsTotal > f.findings.length ? `<p class="note">${text(`${fmtNum(f.findingsTotal)} findings in all; ${fmtNum(f.findings.length)} are among the listed ones.`)}</p>` : ''}`;
}

function header(f: FunctionReport): string {
  const i = f.info;
  if (!i) return `<p class="intro">This function appears in no imported source.</p>`;
  const roles = (i.role_arns ?? '').split(',').filter(Boolean);
  return [
    `<dl class="kv fn-info">`,
    i.function_arn ? `<dt>ARN</dt><dd>${code(i.function_arn, 200)}</dd>` : '',
    `<dt>Execution role</dt><dd>${roles.length ? roles.map((r) => code(r, 200)).join(' ') : '<span class="muted">unknown (no configuration dump or CreateFunction event)</span>'}</dd>`,
    i.runtime ? `<dt>Runtime</dt><dd>${text(i.runtime)}</dd>` : '',
    `<dt>Network</dt><dd>${i.vpc_id ? `in VPC ${code(i.vpc_id)}` : '<span class="muted">no VPC configuration known</span>'}</dd>`,
    `<dt>Seen in</dt><dd>${text(i.sources.join(', '))}${i.first_seen ? text(`, ${fmtMinute(i.first_seen)} – ${fmtMinute(i.last_seen)}`) : ''}</dd>`,
    `</dl>`,
  ].join('');
}

function invocations(f: FunctionReport, m: ReportModel): string {
  const inv = f.invocations;
  const src =
    inv.source === 'logs' ? 'REPORT/START lines of its logs' : inv.source === 'metrics' ? 'the CloudWatch Invocations metric (no logs were imported)' : 'no source';
  const spikeTable = table(
    [
      { label: 'Window (UTC)', cell: (s: SpikeWindow) => text(fmtRange(s.start, s.end)), cls: 'nowrap' },
      { label: 'Invocations', cell: (s) => text(fmtNum(s.invocations)), numeric: true },
      { label: 'Expected', cell: (s) => text(fmtNum(s.expected)), numeric: true },
      { label: 'Score', cell: (s) => text(fmtNum(s.score)), numeric: true },
    ],
    inv.spikes,
    { rowClass: () => 'row-new' },
  );
  return [
    subOpen(f, 'invocations', 'Invocations'),
    `<p class="intro">Invocations per ${inv.bucketHours === 1 ? 'hour' : text(`${inv.bucketHours} hours`)}, counted from ${text(src)}. The band is what the baseline learned for each hour of the day (median to 90th percentile); a spike is an hour far above it (the invocation-spikes detection).</p>`,
    invocationsChart({ functionName: f.name, points: inv.points, bucketHours: inv.bucketHours, spikes: inv.spikes, incidentStart: m.window.incidentStart }),
    inv.spikes.length ? spikeTable : inv.points.length ? '<p class="note">No spike window in the incident window.</p>' : '',
    '</section>',
  ].join('\n');
}

function apiCalls(f: FunctionReport, m: ReportModel): string {
  const a = f.apiCalls;
  const t = table(
    [
      { label: 'Service', cell: (r: ApiCallRow) => code(r.event_source, 60) },
      { label: 'API', cell: (r) => `${code(r.api_name, 60)}${r.is_new ? ` ${tag('new')}` : ''}` },
      { label: 'Baseline', cell: (r) => text(fmtNum(r.baseline)), numeric: true },
      { label: 'Incident', cell: (r) => text(fmtNum(r.incident)), numeric: true },
      { label: 'First in incident', cell: (r) => dash(r.first_incident, (x) => text(fmtMinute(x))), cls: 'nowrap' },
      { label: 'Errors', cell: (r) => (r.incident_errors ? tag(fmtNum(r.incident_errors), 'warn') : '0'), numeric: true },
      { label: 'Outside Lambda', cell: (r) => (r.incident_outside ? tag(fmtNum(r.incident_outside), 'warn') : '0'), numeric: true },
      { label: 'Source IPs', cell: (r) => (r.incident_ip_sample.length ? r.incident_ip_sample.map((x) => code(x, 45)).join(' ') + (r.incident_ips > r.incident_ip_sample.length ? text(` +${r.incident_ips - r.incident_ip_sample.length}`) : '') : '<span class="muted">–</span>') },
    ],
    a.rows,
    { rowClass: (r) => (r.is_new ? 'row-new' : undefined), empty: 'No CloudTrail calls were made with this function’s role session.' },
  );
  return [
    subOpen(f, 'api', 'API calls'),
    `<p class="intro">Calls made with the function’s own execution-role session (session name = function name), per API: baseline (${text(fmtDuration(m.baselineHours))}) next to incident (${text(fmtDuration(m.incidentHours))}). <strong>New</strong> calls never occurred in the baseline. “Outside Lambda” counts calls whose user agent lacks the Lambda runtime marker: the credentials were used elsewhere.</p>`,
    a.total ? `<p class="stat">${text(`${plural(a.total, 'distinct API')}, ${fmtNum(a.totalNew)} new; ${plural(a.totalBaseline, 'call')} in the baseline, ${plural(a.totalIncident, 'call')} in the incident window.`)}</p>` : '',
    t,
    shownOf(a.rows.length, a.total, 'APIs', 'New ones and the busiest come first.'),
    '</section>',
  ].join('\n');
}

function peerName(r: PeerRow): string {
  const kind = PEER_KINDS[r.kind] ?? r.kind;
  const kindCls = r.kind === 'external' && r.is_new ? 'warn' : 'muted';
  const main = r.name ? `${text(r.name, { max: 80 })} ` : '';
  const addrs = r.addresses.map((a) => code(a, 45)).join(' ') + (r.address_count > r.addresses.length ? text(` +${r.address_count - r.addresses.length}`) : '');
  return `${tag(kind, kindCls)} ${main}${addrs}`;
}

function peers(f: FunctionReport): string {
  const p = f.peers;
  const t = table(
    [
      { label: 'Peer', cell: (r: PeerRow) => `${peerName(r)}${r.is_new ? ` ${tag('new')}` : ''}${r.ambiguous ? ` ${tag('shared ENI', 'muted')}` : ''}` },
      { label: 'Port', cell: (r) => text(`${r.service_port ?? '?'}/${fmtProtocol(r.protocol)}`), cls: 'nowrap' },
      { label: 'Direction', cell: (r) => text(r.direction) },
      { label: 'Baseline flows', cell: (r) => text(fmtNum(r.baseline_flows)), numeric: true },
      { label: 'Baseline bytes', cell: (r) => text(fmtBytes(r.baseline_bytes)), numeric: true },
      { label: 'Incident flows', cell: (r) => text(fmtNum(r.incident_flows)), numeric: true },
      { label: 'Incident bytes', cell: (r) => text(fmtBytes(r.incident_bytes)), numeric: true },
      { label: 'First in incident', cell: (r) => dash(r.first_incident, (x) => text(fmtMinute(x))), cls: 'nowrap' },
    ],
    p.rows,
    { rowClass: (r) => (r.is_new ? 'row-new' : undefined), empty: 'No flow records of this function’s ENIs (not in a VPC, or no flow logs / ENI snapshots imported).' },
  );
  return [
    subOpen(f, 'peers', 'Network peers'),
    `<p class="intro">Who the function talked to, from the flow records of its Lambda ENIs. Internal addresses are named from the ENI snapshots (RDS, ElastiCache, NAT gateway, EC2, Lambda); a managed resource keeps its name when its IP changes. <strong>New</strong> peers had no flow in the baseline.</p>`,
    p.total ? `<p class="stat">${text(`${plural(p.total, 'peer')}, ${fmtNum(p.totalNew)} new; ${plural(p.totalBaselineFlows, 'flow record')} in the baseline, ${plural(p.totalIncidentFlows, 'flow record')} in the incident window.`)}</p>` : '',
    t,
    shownOf(p.rows.length, p.total, 'peers', 'New ones and those with the most incident traffic come first.'),
    '</section>',
  ].join('\n');
}

function changes(f: FunctionReport): string {
  const c = f.changes;
  const t = table(
    [
      { label: 'Time (UTC)', cell: (r: ChangeRow) => `${text(fmtTime(r.time))}${r.in_incident ? '' : ` ${tag('baseline', 'muted')}`}`, cls: 'nowrap' },
      { label: 'Change', cell: (r) => code(r.event_name, 60) },
      { label: 'Actor', cell: (r) => `${code(r.actor_arn, 90)}${r.new_actor ? ` ${tag('new actor')}` : ''}` },
      { label: 'Source IP', cell: (r) => `${code(r.source_ip, 45)}${r.new_source_ip ? ` ${tag('new IP')}` : ''}` },
      { label: 'User agent', cell: (r) => code(r.user_agent, 70) },
    ],
    c.rows,
    { rowClass: (r) => (r.in_incident && (r.new_actor || r.new_source_ip) ? 'row-new' : undefined), empty: 'No Lambda control-plane change to this function in CloudTrail.' },
  );
  const persist = table(
    [
      { label: 'Time (UTC)', cell: (r: PersistenceRow) => dash(r.time, (x) => text(fmtTime(x))), cls: 'nowrap' },
      { label: 'What', cell: (r) => tag(r.kind, 'warn') },
      { label: 'Now', cell: (r) => code(r.after, 120) },
      { label: 'Before', cell: (r) => code(r.before, 80) },
      { label: 'Actor', cell: (r) => code(r.actor_arn, 90) },
      { label: 'Source IP', cell: (r) => code(r.source_ip, 45) },
    ],
    f.persistence.rows,
  );
  return [
    subOpen(f, 'changes', 'Changes'),
    `<p class="intro">Code and configuration changes to the function (successful Lambda control-plane calls in CloudTrail), with who made them and from where. Changes in the incident window come first; a <strong>new actor</strong> never changed a function before, a <strong>new IP</strong> was never used by that actor in the baseline.</p>`,
    t,
    shownOf(c.rows.length, c.total, 'changes'),
    f.persistence.total
      ? `<h4>Configuration that gives a foothold</h4>${persist}${shownOf(f.persistence.rows.length, f.persistence.total, 'configuration findings')}`
      : '',
    '</section>',
  ].join('\n');
}

/** The audit's checks under the three questions the report answers. */
const AUDIT_GROUPS: Array<[string, string[]]> = [
  ['Who can modify it', ['can-modify', 'unused-modify-right']],
  ['Who can invoke it', ['invoke-unrestricted', 'public-invoke', 'public-url']],
  ['Its role’s scope', ['broad-role', 'actual-vs-allowed']],
];

/** An IAM principal ARN shown by its last part (user/alice), the full ARN in a tooltip. */
function principal(arn: string | null): string {
  if (!arn) return '<span class="muted">–</span>';
  const m = /^arn:[^:]*:(?:iam|sts)::[^:]*:(.+)$/.exec(arn);
  return m ? `<code class="nb" title="${attr(arn)}">${text(m[1]!, { max: 60 })}</code>` : code(arn, 60);
}

function audit(f: FunctionReport, m: ReportModel): string {
  const head = subOpen(f, 'audit', 'Audit');
  if (!m.auditWired || !f.audit) {
    return `${head}<p class="empty">The access audit was left out of this report.</p></section>`;
  }
  const a = f.audit;
  const known = new Set(AUDIT_GROUPS.flatMap(([, c]) => c));
  const groups: Array<[string, AuditRow[]]> = [
    ...AUDIT_GROUPS.map(([label, checks]): [string, AuditRow[]] => [label, a.rows.filter((r) => checks.includes(r.check))]),
    ['Other checks', a.rows.filter((r) => !known.has(r.check))],
  ];
  const cols = [
    { label: 'Severity', cell: (r: AuditRow) => badge(r.severity) },
    { label: 'Check', cell: (r: AuditRow) => code(r.check, 40) },
    { label: 'Principal', cell: (r: AuditRow) => principal(r.principal) },
    { label: 'What it means', cell: (r: AuditRow) => text(r.title, { max: 400 }) },
    { label: 'Policy', cell: (r: AuditRow) => (r.policy ? text(r.policy, { max: 160 }) : '<span class="muted">–</span>') },
  ];
  return [
    head,
    `<p class="intro">Who can modify the function, who can invoke it, and what its execution role may do, from the imported IAM authorization details, resource policies and function URLs (permission boundaries and SCPs are not applied).</p>`,
    ...groups
      .filter(([label, rows]) => rows.length || label !== 'Other checks')
      .map(([label, rows]) => `<h4>${text(label)}</h4>${table(cols, rows, { empty: 'Nothing reported (or the dump that would show it was not imported).' })}`),
    shownOf(a.rows.length, a.total, 'audit rows', `All of them: lambda-forensics audit --function ${f.name}`),
    '</section>',
  ].join('\n');
}

function timelineBlock(f: FunctionReport, m: ReportModel): string {
  const tl = f.timeline;
  const sources = Object.keys(tl.bySource).sort();
  const controls = `<div class="tl-controls"><label class="tl-search">Filter <input type="search" placeholder="text in any column" aria-label="Filter the timeline"></label>${sources
    .map((s) => `<label class="tl-src"><input type="checkbox" checked data-src="${attr(s)}"> ${text(SOURCE_NAMES[s] ?? s)} <span class="muted">${text(fmtNum(tl.bySource[s] ?? 0))}</span></label>`)
    .join('')}<span class="tl-count muted" aria-live="polite"></span></div>`;
  const t = table(
    [
      { label: 'Time (UTC)', cell: (r: TimelineRow) => text(fmtTime(r.time)), cls: 'nowrap' },
      { label: 'Source', cell: (r) => `<span class="src src-${r.source.replace(/[^a-z]/g, '')}">${text(SOURCE_NAMES[r.source] ?? r.source)}</span>` },
      { label: 'Event', cell: (r) => code(r.kind, 40) },
      { label: 'Summary', cell: (r) => text(r.summary, { max: 260 }) },
    ],
    tl.rows,
    { rowData: (r) => ({ src: r.source }), cls: 'tl-table', empty: 'Nothing touched this function in the incident window.' },
  );
  return [
    subOpen(f, 'timeline', 'Timeline'),
    `<p class="intro">Everything that touched the function from the incident start (${text(fmtMinute(tl.from))} UTC): control-plane calls, calls with its role, configuration and ENI snapshots, and invocations, flows and metrics per minute. Filter by text or source.</p>`,
    `<div class="tl">${tl.rows.length ? controls : ''}${t}</div>`,
    tl.merged
      ? `<p class="note">${text(`${fmtNum(tl.total)} events in the incident window, shown compactly: every control-plane, configuration and ENI event and the first of each distinct call made with the function’s role are kept; repeated calls and the per-minute invocation, flow and metric buckets are merged per hour (or per day)${tl.rows.length >= m.limits.timeline ? `, within ${fmtNum(m.limits.timeline)} rows` : ''}. The full timeline: lambda-forensics analyze timeline --function ${f.name} --from ${tl.from}`)}</p>`
      : '',
    '</section>',
  ].join('\n');
}
