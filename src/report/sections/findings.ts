/** The ranked findings and the evidence each one links to. */
import { ANALYZERS } from '../../analyzers/registry.ts';
import { attr, internalHref, text } from '../escape.ts';
import { fmtMinute, fmtNum, fmtTime } from '../format.ts';
import type { ReportFinding, ReportModel } from '../model.ts';
import { badge, code, dash, detectionTitle, link, sectionHead, shownOf, table } from './common.ts';


export function findingsTable(rows: ReportFinding[], fnIds: Map<string, string>, opts: { showFunction?: boolean } = {}): string {
  return table(
    [
      { label: '#', cell: (f: ReportFinding) => text(f.n), numeric: true },
      { label: 'Severity', cell: (f) => badge(f.severity) },
      { label: 'Time (UTC)', cell: (f) => dash(f.time, (t) => text(fmtMinute(t))), cls: 'nowrap' },
      ...(opts.showFunction === false
        ? []
        : [
            {
              label: 'Function',
              cell: (f: ReportFinding) =>
                f.function === null ? '<span class="muted">–</span>' : fnIds.has(f.function) ? link(fnIds.get(f.function)!, f.function) : text(f.function),
              cls: 'fn-col',
            },
          ]),
      { label: 'Finding', cell: (f) => `${text(f.title, { max: 300 })} <a class="ev-link" href="${internalHref(`ev-${f.n}`)}">evidence</a>`, cls: 'title-col' },
      {
        label: 'Detection',
        cell: (f) =>
          `<span class="small">${text(f.analyzer)}</span>${f.attack.length ? `<br><span class="small muted">${f.attack.map((a) => `<abbr title="${attr(a.name)}">${text(a.id)}</abbr>`).join(' ')}</span>` : ''}`,
      },
    ],
    rows,
    { rowClass: (f) => `sev-row-${f.severity}`, cls: 'findings' },
  );
}

export function findingsSection(m: ReportModel, fnIds: Map<string, string>): string {
  return [
    `<section id="findings" class="block">`,
    sectionHead('findings-title', 'Findings'),
    `<p class="intro">Every detection that fired, most severe first, then by time. Each finding links to its evidence: the exact record the detection returned. Severity is the detection's own; known false positives of each detection are listed with its evidence.</p>`,
    findingsTable(m.findings.rows, fnIds),
    shownOf(m.findings.rows.length, m.findings.total, 'findings', 'Run `lambda-forensics analyze findings` for all of them.'),
    `</section>`,
  ].join('\n');
}

function evidenceValue(v: unknown): string {
  if (v === null || v === undefined) return '<span class="muted">–</span>';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return text(fmtNum(v));
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) ? text(fmtTime(v)) : code(v, 400);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length ? v.map((x) => code(x, 200)).join(' ') : '<span class="muted">none</span>';
  return code(v, 400);
}

export function evidenceSection(m: ReportModel, fnIds: Map<string, string>): string {
  const fp = new Map(ANALYZERS.map((d) => [d.id, d.falsePositives]));
  const cards = m.findings.rows.map((f) => {
    const rows = Object.entries(f.evidence).filter(([k, v]) => k !== 'attack_technique' && !(k === 'function' && v === f.function));
    return [
      `<article class="evidence" id="ev-${f.n}">`,
      `<header>${badge(f.severity)} <span class="ev-n">#${text(f.n)}</span> ${text(f.title, { max: 400 })}</header>`,
      `<dl class="kv">`,
      `<dt>Detection</dt><dd>${text(detectionTitle(f.analyzer))} <span class="muted">(${text(f.analyzer)})</span></dd>`,
      f.function !== null ? `<dt>Function</dt><dd>${fnIds.has(f.function) ? link(fnIds.get(f.function)!, f.function) : text(f.function)}</dd>` : '',
      f.attack.length ? `<dt>ATT&amp;CK</dt><dd>${f.attack.map((a) => `${text(a.id)} ${text(a.name)}`).join('; ')}</dd>` : '',
      ...rows.map(([k, v]) => `<dt>${text(k)}</dt><dd>${evidenceValue(v)}</dd>`),
      `</dl>`,
      (fp.get(f.analyzer) ?? []).length
        ? `<details class="fp"><summary>Known false positives of this detection</summary><ul>${(fp.get(f.analyzer) ?? []).map((x) => `<li>${text(x)}</li>`).join('')}</ul></details>`
        : '',
      `<footer><a href="#findings">back to findings</a></footer>`,
      `</article>`,
    ].join('');
  });
  return [
    `<section id="evidence" class="block">`,
    sectionHead('evidence-title', 'Evidence'),
    `<p class="intro">The record behind each finding, as the detection returned it. Text is shown as written in the logs; characters that hide or reorder text are shown as ⟨U+…⟩ markers.</p>`,
    cards.length ? cards.join('\n') : '<p class="empty">No findings.</p>',
    `</section>`,
  ].join('\n');
}
