/** Building blocks shared by the report sections. Every data value is escaped here or by the caller
 * with text()/attr(); the markup around it is constant. */
import { ANALYZERS } from '../../analyzers/registry.ts';
import type { Severity } from '../../analyzers/types.ts';
import { attr, internalHref, text } from '../escape.ts';
import { fmtNum } from '../format.ts';

export interface Column<T> {
  label: string;
  /** Cell markup (escaped). */
  cell: (row: T) => string;
  numeric?: boolean;
  /** Extra class of the column's cells. */
  cls?: string;
}

export interface TableOptions<T> {
  /** Class of a row (constant strings only). */
  rowClass?: (row: T) => string | undefined;
  /** Extra data-* attributes of a row, values escaped here. */
  rowData?: (row: T) => Record<string, string>;
  cls?: string;
  empty?: string;
}

export function table<T>(columns: Array<Column<T>>, rows: T[], opts: TableOptions<T> = {}): string {
  if (!rows.length) return `<p class="empty">${text(opts.empty ?? 'Nothing to show.')}</p>`;
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${text(c.label)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cls = opts.rowClass?.(r);
      const data = Object.entries(opts.rowData?.(r) ?? {})
        .map(([k, v]) => ` data-${k}="${attr(v)}"`)
        .join('');
      const cells = columns
        .map((c) => {
          const classes = [c.numeric ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
          return `<td${classes ? ` class="${classes}"` : ''}>${c.cell(r)}</td>`;
        })
        .join('');
      return `<tr${cls ? ` class="${attr(cls)}"` : ''}${data}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table${opts.cls ? ` class="${opts.cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** "Showing 40 of 1,234 <what>." when a list was cut. */
export function shownOf(shown: number, total: number, what: string, hint?: string): string {
  if (total <= shown) return '';
  return `<p class="note">Showing the first ${fmtNum(shown)} of ${fmtNum(total)} ${text(what)}.${hint ? ` ${text(hint)}` : ''}</p>`;
}

export function badge(sev: Severity): string {
  return `<span class="sev sev-${attr(sev)}">${text(sev)}</span>`;
}

export function tag(label: string, cls: 'new' | 'warn' | 'muted' | 'ok' = 'new'): string {
  return `<span class="tag tag-${cls}">${text(label)}</span>`;
}

export function link(id: string, label: string): string {
  return `<a href="${internalHref(id)}">${text(label)}</a>`;
}

/** A value in monospace, cut to max characters with the full value in a tooltip. */
export function code(v: unknown, max = 120): string {
  if (v === null || v === undefined || v === '') return '<span class="muted">–</span>';
  const full = typeof v === 'string' ? v : JSON.stringify(v);
  const short = text(full, { max });
  if (full.length > max) return `<code title="${attr(full, { max: 2000 })}">${short}</code>`;
  // short tokens (IPs, ids, API names) do not wrap mid-token
  return full.length <= 26 && !/\s/.test(full) ? `<code class="nb">${short}</code>` : `<code>${short}</code>`;
}

export function dash(v: string | null | undefined, f: (s: string) => string = (s) => text(s)): string {
  return v === null || v === undefined || v === '' ? '<span class="muted">–</span>' : f(v);
}

export function sectionHead(id: string, title: string, intro?: string, level: 2 | 3 = 2): string {
  return `<h${level} id="${attr(id)}">${text(title)}</h${level}>${intro ? `<p class="intro">${intro}</p>` : ''}`;
}

const ANALYZER_TITLES = new Map<string, string>(ANALYZERS.map((d) => [d.id, d.title]));
const AUDIT_TITLES: Record<string, string> = {
  'can-modify': 'Access audit: who can modify it',
  'unused-modify-right': 'Access audit: modify rights never used',
  'invoke-unrestricted': 'Access audit: invoke without a source condition',
  'public-invoke': 'Access audit: public or cross-account invoke',
  'public-url': 'Access audit: public function URL',
  'broad-role': 'Access audit: broad execution role',
  'actual-vs-allowed': 'Access audit: role use against its permissions',
};

/** A detection's title for readers: the analyzer's title, or the audit check's. */
export function detectionTitle(analyzer: string): string {
  const check = analyzer.startsWith('audit:') ? analyzer.slice(6) : undefined;
  if (check !== undefined) return AUDIT_TITLES[check] ?? `Access audit: ${check}`;
  return ANALYZER_TITLES.get(analyzer) ?? analyzer;
}
