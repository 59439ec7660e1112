import path from 'node:path';
import type { Argv } from 'yargs';
import { withDb } from '../db/connection.ts';
import { ensureSchema } from '../db/schema.ts';
import { writeReport } from '../report/index.ts';
import { fmtNum } from '../report/format.ts';
import { dbOptions, say, type GlobalArgs } from './common.ts';

export interface ReportArgs extends GlobalArgs {
  'incident-start'?: string;
  function?: string[];
  out: string;
}

export function reportBuilder(y: Argv) {
  return y
    .option('incident-start', { type: 'string', describe: 'Start of the incident window (ISO 8601); the baseline is all data before it. Default: the last 24 h of data' })
    .option('function', { type: 'string', array: true, describe: 'Also give these functions a section (repeatable); functions with findings always get one' })
    .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write, e.g. report.html' });
}

/** Writes the self-contained HTML incident report. */
export async function reportCommand(a: ReportArgs): Promise<number> {
  return withDb(dbOptions(a), async (db) => {
    await ensureSchema(db);
    const r = await writeReport(db, a.out, {
      incidentStart: a['incident-start'],
      functions: (a.function ?? []).map(String).filter(Boolean),
      source: path.basename(a.db),
    });
    const w = r.model.window;
    say(
      `Report written to ${path.relative(process.cwd(), r.path) || r.path} (${fmtNum(Math.ceil(r.bytes / 1024))} KB): ` +
        `${fmtNum(r.model.findings.total)} finding(s), ${r.model.functions.length} function section(s), incident window ${w.incidentStart} .. ${w.dataEnd}` +
        `${w.incidentStartFrom === 'default-last-24h' ? ' (default: last 24 h of data; set --incident-start)' : ''}`,
    );
    return 0;
  });
}
