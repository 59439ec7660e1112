import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './connection.ts';
import { recoverInterruptedImport } from './recover.ts';
import { QUERIES_DIR, section } from './sql.ts';

export const SCHEMA_VERSION = '5';

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
  // (Before schema 5 the CloudTrail table was cloudtrail_events, now a view.)
  const hasTables = await db.scalar<bigint>(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('cloudtrail_events', 'cloudtrail_records') AND NOT temporary`,
  );
  let from = Number(SCHEMA_VERSION);
  let storedSql: string | undefined;
  if (hasTables > 0n) {
    from = 1;
    const v = await db.all<{ key: string; value: string }>(`SELECT key, value FROM schema_info WHERE key IN ('version', 'sql_sha256')`);
    const version = v.find((r) => r.key === 'version');
    if (version) from = Number(version.value);
    storedSql = v.find((r) => r.key === 'sql_sha256')?.value;
  }
  const dirs = ['schema', 'model'].map((sub) => {
    const dir = path.join(QUERIES_DIR, sub);
    return { sub, sql: fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) };
  });
  // The statements already ran on this database when its version is current and they are the
  // same text (running them again costs about 0.07 s on every command).
  const sqlSha = crypto.createHash('sha256').update(JSON.stringify(dirs)).digest('hex');
  if (from !== Number(SCHEMA_VERSION) || storedSql !== sqlSha) {
    for (const { sub, sql } of dirs) {
      if (sub === 'model') {
        for (const m of migrations()) if (m.version > from) await db.run(fs.readFileSync(m.file, 'utf8'));
        // schema 5 keeps the identity columns once per distinct userIdentity: the rows moved by its
        // migration get theirs from the import's own statement, over the whole table
        if (from < 5) await db.run(section('staging/cloudtrail_normalize.sql', 'identities'), { min_file: 0, max_file: Number.MAX_SAFE_INTEGER });
      }
      for (const statements of sql) await db.run(statements);
    }
    await db.run(
      `INSERT INTO schema_info VALUES ('version', $v), ('sql_sha256', $sha) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      { v: SCHEMA_VERSION, sha: sqlSha },
    );
  }
  const recovered = await recoverInterruptedImport(db);
  if (recovered > 0) {
    process.stderr.write(
      `Removed the rows of ${recovered} file(s) an interrupted import left unsettled; run import again to load them.\n`,
    );
  }
}
