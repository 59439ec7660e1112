import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Db } from '../../src/db/connection.ts';

/**
 * CloudWatch Logs S3 export files of one function under `dir`: `files` gzip files of `lines` app
 * lines each (Node.js text format), with no event ids, as exports have none.
 */
export function writeExports(dir: string, files: number, lines: number): void {
  for (let f = 0; f < files; f++) {
    const d = path.join(dir, 'exportedlogs', 'aws', 'lambda', 'fn', `task${f}`, '2026', '03', '11', `[$LATEST]${f}`);
    fs.mkdirSync(d, { recursive: true });
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      const req = `8c4b${String(i).padStart(4, '0')}-1111-2222-3333-444455556666`;
      out.push(`2026-03-11T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00.000Z 2026-03-11T10:00:00.000Z\t${req}\tINFO\tprocessing item ${i} of file ${f} with some payload text`);
    }
    fs.writeFileSync(path.join(d, '000000.gz'), zlib.gzipSync(`${out.join('\n')}\n`, { level: 1 }));
  }
}
/** Everything the import left about Lambda logs, in a stable order. */
export async function lambdaSnapshot(db: Db): Promise<unknown> {
  return {
    events: await db.json('SELECT * FROM lambda_log_events ORDER BY file_id, record_index, time, message'),
    invocations: await db.json('SELECT * FROM lambda_invocations ORDER BY ALL'),
    files: await db.json(`SELECT path, format, status, reason, rows_loaded, rows_duplicate, rows_rejected, issues, log_group, log_group_method
                          FROM import_files ORDER BY path`),
    issues: await db.json('SELECT file_id, location, severity, code, message FROM import_issues ORDER BY ALL'),
  };
}

