import { traceLine } from '../util/trace.ts';
import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { sqlFile } from '../db/sql.ts';
import { UserError } from '../errors.ts';
import { queryTable, type Table, type Value } from '../output/printer.ts';
import type { AnalyzeContext, AnalyzeWindow, AnalyzerDescriptor } from './types.ts';

/** Sources that carry time, for the data window. Tables that are absent or empty are ignored. */
const TIME_SOURCES: Array<[string, string, string]> = [
  ['cloudtrail_events', 'event_time', 'event_time'],
  ['lambda_log_events', 'time', 'time'],
  ['flow_records', 'start_time', 'end_time'],
  ['lambda_metrics', 'time', 'time'],
];

async function tableExists(db: Db, name: string): Promise<boolean> {
  const n = await db.scalar<bigint>(
    `SELECT count(*) FROM information_schema.tables WHERE table_name = $name`,
    { name },
  );
  return Number(n) > 0;
}

function parseIso(s: string, what: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(s)) {
    throw new UserError(`${what} '${s}' is not an ISO 8601 time.`, { hint: 'Write it like 2026-03-11T08:00:00Z.' });
  }
  return d;
}

/**
 * The windows every analyzer shares: the baseline is all data before the incident start; the
 * incident runs from it to the end of the data. Without --incident-start, the incident is the
 * last 24 hours of data.
 */
export async function resolveWindow(db: Db, incidentStart?: string): Promise<AnalyzeWindow> {
  const parts: string[] = [];
  for (const [table, lo, hi] of TIME_SOURCES) {
    if (await tableExists(db, table)) parts.push(`SELECT min(${lo}) AS lo, max(${hi}) AS hi FROM ${table}`);
  }
  const [row] = await db.all<{ lo: Date | null; hi: Date | null }>(
    `SELECT min(lo) AS lo, max(hi) AS hi FROM (${parts.join(' UNION ALL ')})`,
  );
  if (!row?.hi || !row.lo) {
    throw new UserError('The database holds no timed records yet.', { hint: 'Import CloudTrail, Lambda logs or flow logs first: lambda-forensics import <paths>' });
  }
  const dataEnd = row.hi;
  const start = incidentStart ? parseIso(incidentStart, '--incident-start') : new Date(dataEnd.getTime() - 24 * 3600 * 1000);
  return {
    incidentStart: start.toISOString(),
    dataEnd: dataEnd.toISOString(),
    dataStart: row.lo.toISOString(),
    incidentStartFrom: incidentStart ? 'option' : 'default-last-24h',
  };
}

/** Binds only the parameters the SQL text names, so every analyzer takes the same context. */
export function bindParams(sql: string, ctx: AnalyzeContext): Record<string, DuckDBValue> {
  const all: Record<string, DuckDBValue> = {
    incident_start: ctx.incidentStart,
    data_end: ctx.dataEnd,
    data_start: ctx.dataStart,
    function: ctx.function ?? null,
    from: ctx.from ? parseIso(ctx.from, '--from').toISOString() : null,
    to: ctx.to ? parseIso(ctx.to, '--to').toISOString() : null,
  };
  const used = new Set([...sql.matchAll(/\$([a-z_]+)/g)].map((m) => m[1]!));
  return Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));
}

export interface AnalyzerResult<S extends z.ZodObject = z.ZodObject> {
  descriptor: AnalyzerDescriptor<S>;
  table: Table;
  rows: Array<z.infer<S>>;
  /** The internal (_-prefixed) columns of each row, in the same order. */
  internal: Array<Record<string, Value>>;
}

export type AnalyzerRunner = <S extends z.ZodObject>(db: Db, d: AnalyzerDescriptor<S>, ctx: AnalyzeContext) => Promise<AnalyzerResult<S>>;

/** Runs one analyzer: its SQL with bound parameters, then every row checked against its schema. */
export async function runAnalyzer<S extends z.ZodObject>(
  db: Db,
  d: AnalyzerDescriptor<S>,
  ctx: AnalyzeContext,
): Promise<AnalyzerResult<S>> {
  if (d.requiresFunction && !ctx.function) {
    throw new UserError(`The ${d.id} analyzer needs --function NAME.`, { hint: `Example: lambda-forensics analyze ${d.id} --function orders-api` });
  }
  const sql = sqlFile(`analyzers/${d.sqlFile}`);
  const started = Date.now();
  const raw = await queryTable(db, sql, bindParams(sql, ctx));
  traceLine((Date.now() - started) / 1000, `analyzer ${d.id}${ctx.function ? ` (${ctx.function})` : ''}: ${raw.rows.length} rows`);
  // Columns whose name starts with _ are internal: they inform `finding` but are not output.
  const visible = raw.columns.filter((c) => !c.startsWith('_'));
  const expected = Object.keys(d.row.shape);
  if (visible.join(',') !== expected.join(',')) {
    throw new Error(`analyzer ${d.id} returned columns [${visible.join(', ')}], its descriptor says [${expected.join(', ')}]`);
  }
  const internal: Array<Record<string, Value>> = [];
  const strict = d.row.strict();
  const rows = raw.rows.map((r, i) => {
    const out: Record<string, Value> = {};
    const hidden: Record<string, Value> = {};
    for (const c of raw.columns) (c.startsWith('_') ? hidden : out)[c] = r[c] ?? null;
    internal.push(hidden);
    const parsed = strict.safeParse(out);
    if (!parsed.success) throw new Error(`analyzer ${d.id} row ${i + 1} does not match its schema: ${parsed.error.message}`);
    return parsed.data as z.infer<S>;
  });
  const table = { columns: expected, rows: rows as Array<Record<string, Value>> };
  return { descriptor: d, table, rows, internal };
}
