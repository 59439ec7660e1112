import type { DuckDBResultReader } from '@duckdb/node-api';
import type { Db } from '../db/connection.ts';
import type { DuckDBValue } from '@duckdb/node-api';

/**
 * The one path every command prints through, so table, JSON and CSV never drift apart.
 * Values are normalized first: BIGINT to number (or string when too large), timestamps to ISO
 * 8601 UTC, JSON columns to parsed values, lists and structs kept as arrays and objects.
 */
export type OutputFormat = 'table' | 'json' | 'csv';
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'json', 'csv'];

export type Value = null | string | number | boolean | Value[] | { [k: string]: Value };
export interface Table {
  columns: string[];
  rows: Array<Record<string, Value>>;
}

function normalize(v: unknown, isJson: boolean, isDate: boolean): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    return isDate ? v.toISOString().slice(0, 10) : v.toISOString();
  }
  if (typeof v === 'string') {
    if (isJson) {
      try {
        return JSON.parse(v) as Value;
      } catch {
        return v;
      }
    }
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => normalize(x, false, false));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object') {
    const o: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = normalize(x, false, false);
    return o;
  }
  return String(v);
}

export function readerToTable(reader: DuckDBResultReader): Table {
  const columns = reader.columnNames();
  const types = reader.columnTypes();
  const jsonCol = types.map((t) => t.alias === 'JSON' || t.toString() === 'JSON');
  const dateCol = types.map((t) => t.toString() === 'DATE');
  const raw = reader.getRowsJS();
  const rows = raw.map((r) => {
    const o: Record<string, Value> = {};
    columns.forEach((c, i) => {
      o[c] = normalize(r[i], jsonCol[i]!, dateCol[i]!);
    });
    return o;
  });
  return { columns, rows };
}

export async function queryTable(db: Db, sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<Table> {
  const reader = await db.conn.runAndReadAll(sql, params as never);
  return readerToTable(reader);
}

/** Makes any text safe to show in a terminal: control characters, escape sequences and
 * bidirectional overrides written by an attacker become visible escapes. */
export function terminalSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function cellText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export interface RenderOptions {
  /** Largest cell width in table output (longer values are cut with …); 0 for no limit. */
  maxWidth?: number;
}

export function renderTable(t: Table, opts: RenderOptions = {}): string {
  const max = opts.maxWidth ?? 60;
  const cut = (s: string) => {
    const safe = terminalSafe(s).replace(/\t/g, ' ').replace(/\n/g, '\\n');
    return max > 0 && safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
  };
  const cells = t.rows.map((r) => t.columns.map((c) => cut(cellText(r[c] ?? null))));
  const head = t.columns.map((c) => cut(c));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const numeric = t.columns.map((c) => t.rows.length > 0 && t.rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const line = (row: string[]) =>
    row.map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) out.push(line(r));
  out.push(`(${t.rows.length} row${t.rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

/** RFC 4180 CSV. Text cells that a spreadsheet would run as a formula get a leading '. */
export function renderCsv(t: Table): string {
  const esc = (v: Value) => {
    let s = cellText(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [t.columns.map((c) => esc(c)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => esc(r[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function renderJson(t: Table): string {
  const ordered = t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c, r[c] ?? null])));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function render(t: Table, format: OutputFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(t);
    case 'csv':
      return renderCsv(t);
    default:
      return renderTable(t, opts);
  }
}

export function print(t: Table, format: OutputFormat, opts: RenderOptions = {}): void {
  process.stdout.write(render(t, format, opts));
}
