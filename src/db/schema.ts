import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './connection.ts';
import { QUERIES_DIR } from './sql.ts';

export const SCHEMA_VERSION = '1';

/** Creates every table that does not exist yet (queries/schema/*.sql in name order) and
 * (re)creates the model views (queries/model/*.sql). */
export async function ensureSchema(db: Db): Promise<void> {
  // tables first, then the function model's views over them
  for (const sub of ['schema', 'model']) {
    const dir = path.join(QUERIES_DIR, sub);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    for (const f of files) {
      await db.run(fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  }
  await db.run(
    `INSERT INTO schema_info VALUES ('version', $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    { v: SCHEMA_VERSION },
  );
}
