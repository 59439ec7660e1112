import fs from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { collectFindings } from '../analyzers/findings.ts';
import { ANALYZER_MODEL, withModelTables } from '../model/materialize.ts';
import { resolveWindow } from '../analyzers/run.ts';
import { IMPORT_DUCKDB_SHARE, withDb } from '../db/connection.ts';
import { ensureSchema } from '../db/schema.ts';
import { ROOT } from '../db/sql.ts';
import { UserError } from '../errors.ts';
import { runImport } from '../importers/run.ts';
import { writeReport } from '../report/index.ts';
import { print, queryTable } from '../output/printer.ts';
import { say, type GlobalArgs } from './common.ts';
import { printSummary } from './import.ts';

export interface DemoArgs extends GlobalArgs {
  out: string;
}

export function demoBuilder(y: Argv) {
  return y.option('out', { type: 'string', default: 'out', describe: 'Folder for the demo database and report' });
}

/**
 * Imports sample-data/ into a fresh database under --out, prints what it holds and the findings,
 * and writes the HTML report next to it.
 */
export async function demoCommand(a: DemoArgs): Promise<number> {
  const outDir = path.resolve(a.out);
  fs.mkdirSync(outDir, { recursive: true });
  const dbPath = path.join(outDir, 'demo.duckdb');
  for (const f of [dbPath, `${dbPath}.wal`]) fs.rmSync(f, { force: true });
  const sample = path.join(ROOT, 'sample-data');
  // the folder's README.md is the story, not evidence
  const inputs = fs.existsSync(sample) ? fs.readdirSync(sample).filter((n) => n !== 'README.md').map((n) => path.join(sample, n)) : [];
  if (inputs.length === 0) {
    throw new UserError(`No sample data in ${sample}.`, { hint: 'Run `npm run sample-data` to generate it.' });
  }
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  say(`Importing ${rel(sample)} into ${rel(dbPath)} ...`);
  return withDb({ path: dbPath, memoryLimit: a['memory-limit'], memoryShare: IMPORT_DUCKDB_SHARE, threads: a.threads }, async (db) => {
    await ensureSchema(db);
    const summary = await runImport(db, inputs, {});
    printSummary(summary, 'table', false);
    print(
      await queryTable(
        db,
        `SELECT coalesce(source, '(skipped)') AS source, count(*) AS files, sum(rows_loaded) AS rows, sum(rows_duplicate) AS duplicates, sum(issues) AS issues
         FROM import_files GROUP BY ALL ORDER BY rows DESC`,
      ),
      'table',
    );
    const window = await resolveWindow(db);
    const findings = await withModelTables(db, ANALYZER_MODEL, () => collectFindings(db, window));
    const bySeverity = ['critical', 'high', 'medium', 'low', 'info'].map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`);
    say(`\nFindings (incident window ${window.incidentStart} .. ${window.dataEnd}): ${bySeverity.join(', ')}`);
    print(
      {
        columns: ['severity', 'analyzer', 'function', 'time', 'title'],
        rows: findings.filter((f) => f.severity === 'critical' || f.severity === 'high').slice(0, 20).map((f) => ({ severity: f.severity, analyzer: f.analyzer, function: f.function, time: f.time, title: f.title })),
      },
      'table',
      { maxWidth: 90 },
    );
    const report = await writeReport(db, path.join(outDir, 'report.html'), { source: path.basename(dbPath) });
    say(`\nIncident report: ${rel(report.path)} (open it in a browser)`);
    say(`Next: npx lambda-forensics analyze findings --db ${rel(dbPath)}`);
    say(`      npx lambda-forensics analyze timeline --db ${rel(dbPath)} --function orders-api`);
    return summary.files.some((f) => f.status === 'failed') ? 1 : 0;
  });
}
