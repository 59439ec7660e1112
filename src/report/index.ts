import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { buildReportModel, type ReportModel, type ReportOptions } from './model.ts';
import { renderReport } from './render.ts';

export type { AuditProvider, AuditRow, ReportModel, ReportOptions } from './model.ts';

/** Builds the report from the database and returns its HTML. */
export async function buildReport(db: Db, opts: ReportOptions = {}): Promise<{ html: string; model: ReportModel }> {
  const model = await buildReportModel(db, opts);
  return { html: renderReport(model), model };
}

/** Writes the report to outPath (its folder is created), through a temp file and a rename so a
 * reader never sees half a report. */
export async function writeReport(db: Db, outPath: string, opts: ReportOptions = {}): Promise<{ path: string; bytes: number; model: ReportModel }> {
  const { html, model } = await buildReport(db, opts);
  const abs = path.resolve(outPath);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, html, 'utf8');
  fs.renameSync(tmp, abs);
  return { path: abs, bytes: Buffer.byteLength(html, 'utf8'), model };
}
