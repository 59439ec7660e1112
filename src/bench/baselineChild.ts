/**
 * Baseline child process: `node --import tsx src/bench/baselineChild.ts <spec.json>`. Opens the
 * database with the import's settings (Db.open), runs one section of sql/baseline.sql with the
 * files bound as $files, and prints one JSON line: {"seconds", "rows"} (or {"counts"}).
 */
import fs from 'node:fs';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { Db, IMPORT_DUCKDB_SHARE } from '../db/connection.ts';
import { objectSizeLimit } from '../importers/common.ts';
import { trailerSize } from '../importers/sniff.ts';
import { baselineSql } from './baselineSql.ts';

/** Content size of a file: a gzip file's trailer size field (read as the import reads it), else its size. */
function contentSize(path: string): number {
  const size = fs.statSync(path).size;
  if (!path.endsWith('.gz') || size < 18) return size;
  const fd = fs.openSync(path, 'r');
  try {
    const last4 = Buffer.alloc(4);
    fs.readSync(fd, last4, 0, 4, size - 4);
    return trailerSize(size, last4);
  } finally {
    fs.closeSync(fd);
  }
}

export interface BaselineSpec {
  db: string;
  section: string;
  files?: string[];
  memoryLimit?: string;
  threads?: number;
}

const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as BaselineSpec;
const { sql, table } = baselineSql(spec.section);
// the raw loads run with the import's settings, so DuckDB gets the import's share of the budget
const db = await Db.open({ path: spec.db, memoryLimit: spec.memoryLimit, memoryShare: spec.section === 'first-seen' ? 1 : IMPORT_DUCKDB_SHARE, threads: spec.threads });
try {
  const params: Record<string, DuckDBValue> = {};
  if (/\$files\b/.test(sql)) params.files = listValue(spec.files ?? []);
  // the same limit the import gives the reader: from the largest file's content size (a gzip
  // file's trailer holds it)
  if (/\$max_object\b/.test(sql)) params.max_object = objectSizeLimit((spec.files ?? []).reduce((a, f) => Math.max(a, contentSize(f)), 0));
  if (spec.section === 'counts') {
    const [row] = await db.json(sql);
    process.stdout.write(`${JSON.stringify({ counts: row })}\n`);
  } else {
    const t0 = performance.now();
    await db.run(sql, params);
    if (!table.startsWith('bench_')) await db.run('CHECKPOINT');
    const seconds = (performance.now() - t0) / 1000;
    const rows = Number(await db.scalar(`SELECT count(*) FROM ${table}`));
    process.stdout.write(`${JSON.stringify({ seconds, rows })}\n`);
  }
} finally {
  db.close();
}
