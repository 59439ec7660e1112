import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { sqlString } from '../db/sql.ts';
import { UserError } from '../errors.ts';

function stripSemicolons(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}

/** Exports a query result to a file chosen by extension. Returns the row count. */
export async function exportResult(db: Db, sql: string, out: string): Promise<number> {
  const ext = path.extname(out).toLowerCase();
  const q = stripSemicolons(sql);
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') {
    // loaded only here: apache-arrow takes 0.13 s to load, on every command otherwise
    const { exportArrow } = await import('./arrow.ts');
    return exportArrow(db, q, out);
  }
  const formats: Record<string, string> = { '.parquet': 'PARQUET', '.csv': 'CSV', '.json': 'JSON' };
  const fmt = formats[ext];
  if (!fmt) throw new UserError(`Cannot export to '${ext || out}'.`, { hint: 'Use a file name ending in .parquet, .csv, .json or .arrow.' });
  const count = Number(await db.scalar(`SELECT count(*) FROM (${q})`));
  // COPY's target cannot be a bound parameter; the path comes from the command line and is quoted.
  const options = fmt === 'CSV' ? '(FORMAT CSV, HEADER)' : fmt === 'JSON' ? '(FORMAT JSON, ARRAY true)' : '(FORMAT PARQUET)';
  await db.run(`COPY (${q}) TO ${sqlString(path.resolve(out))} ${options}`);
  return count;
}
