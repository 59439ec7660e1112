import fs from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { withDb } from '../db/connection.ts';
import { ensureSchema } from '../db/schema.ts';
import { ROOT } from '../db/sql.ts';
import { runImport } from '../importers/run.ts';
import { print, queryTable } from '../output/printer.ts';
import { say, type GlobalArgs } from './common.ts';
import { printSummary } from './import.ts';

export interface DemoArgs extends GlobalArgs {
  out: string;
}

export function demoBuilder(y: Argv) {
  return y.option('out', { type: 'string', default: 'out', describe: 'Folder for the demo database and report' });
}

/** Imports sample-data/ into a fresh database under --out and prints what it holds. */
export async function demoCommand(a: DemoArgs): Promise<number> {
  const outDir = path.resolve(a.out);
  fs.mkdirSync(outDir, { recursive: true });
  const dbPath = path.join(outDir, 'demo.duckdb');
  for (const f of [dbPath, `${dbPath}.wal`]) fs.rmSync(f, { force: true });
  const sample = path.join(ROOT, 'sample-data');
  say(`Importing ${path.relative(process.cwd(), sample) || sample} into ${path.relative(process.cwd(), dbPath)} ...`);
  return withDb({ path: dbPath, memoryLimit: a['memory-limit'], threads: a.threads }, async (db) => {
    await ensureSchema(db);
    const summary = await runImport(db, [sample], {});
    printSummary(summary, 'table', false);
    const t = await queryTable(
      db,
      `SELECT 'cloudtrail_events' AS "table", count(*) AS rows, min(event_time) AS first, max(event_time) AS last FROM cloudtrail_events
       UNION ALL SELECT 'lambda_log_events', count(*), min(time), max(time) FROM lambda_log_events
       UNION ALL SELECT 'lambda_invocations', count(*), min(start_time), max(end_time) FROM lambda_invocations`,
    );
    print(t, 'table');
    say(`\nNext: npx lambda-forensics query --db ${path.relative(process.cwd(), dbPath)} "SELECT api_name, count(*) FROM cloudtrail_events GROUP BY 1 ORDER BY 2 DESC"`);
    return summary.files.some((f) => f.status === 'failed') ? 1 : 0;
  });
}
