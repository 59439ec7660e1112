import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './connection.ts';
import { recoverInterruptedImport } from './recover.ts';
import { QUERIES_DIR } from './sql.ts';

export const SCHEMA_VERSION = '4';

/** queries/migrations/<N>_*.sql: what turns a schema N-1 database into schema N. */
function migrations(): Array<{ version: number; file: string }> {
  const dir = path.join(QUERIES_DIR, 'migrations');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), file: path.join(dir, f) }))
    .sort((a, b) => a.version - b.version);
}

/** Creates every table that does not exist yet (queries/schema/*.sql in name order), brings a
 * database made by an older version up to date (queries/migrations), and (re)creates the model
 * views (queries/model/*.sql). */
export async function ensureSchema(db: Db): Promise<void> {
  // A database that already has tables but no recorded version is schema 1 (the first release).
  const hasTables = await db.scalar<bigint>(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cloudtrail_events' AND NOT temporary`,
  );
  let from = Number(SCHEMA_VERSION);
  if (hasTables > 0n) {
    from = 1;
    const v = await db.all<{ value: string }>(`SELECT value FROM schema_info WHERE key = 'version'`);
    if (v[0]) from = Number(v[0].value);
  }
  for (const sub of ['schema', 'model']) {
    const dir = path.join(QUERIES_DIR, sub);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    if (sub === 'model') {
      for (const m of migrations()) if (m.version > from) await db.run(fs.readFileSync(m.file, 'utf8'));
    }
    for (const f of files) {
      await db.run(fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  }
  await db.run(
    `INSERT INTO schema_info VALUES ('version', $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    { v: SCHEMA_VERSION },
  );
  const recovered = await recoverInterruptedImport(db);
  if (recovered > 0) {
    process.stderr.write(
      `Removed the rows of ${recovered} file(s) an interrupted import left unsettled; run import again to load them.\n`,
    );
  }
}
