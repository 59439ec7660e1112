import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { ensureSchema } from '../../src/db/schema.ts';
import { runImport, type RunImportOptions, type ImportSummary } from '../../src/importers/run.ts';

export const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(TEST_DIR, 'fixtures');
export const REAL = path.join(FIXTURES, 'real');

/** A fresh in-memory database with the schema, TimeZone pinned to UTC (connection.ts does it). */
export async function memoryDb(): Promise<Db> {
  const db = await Db.open({ path: ':memory:', threads: 2 });
  await ensureSchema(db);
  return db;
}

export async function withMemoryDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await memoryDb();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * What an older version left, for migration tests: a database file made with the current schema,
 * changed by `makeOld` to look like schema `version`, then opened again as the next command opens
 * it (ensureSchema migrates it). The caller closes the returned database.
 */
export async function migratedFrom(file: string, version: number, makeOld: (old: Db) => Promise<void>): Promise<Db> {
  const old = await Db.open({ path: file });
  try {
    await ensureSchema(old);
    await makeOld(old);
    await old.run(`UPDATE schema_info SET value = $v WHERE key = 'version'`, { v: String(version) });
  } finally {
    old.close();
  }
  const db = await Db.open({ path: file });
  await ensureSchema(db);
  return db;
}

/** CloudTrail as schemas 1-4 kept it: the one table cloudtrail_events, with its identity columns (schema 5 made it a view). */
export async function cloudTrailBeforeSchema5(db: Db): Promise<void> {
  await db.run('CREATE TABLE ct_then AS SELECT * FROM cloudtrail_events');
  await db.run('DROP VIEW cloudtrail_events');
  await db.run('DROP TABLE cloudtrail_records');
  await db.run('DROP TABLE cloudtrail_identities');
  await db.run('ALTER TABLE ct_then RENAME TO cloudtrail_events');
}

export async function importPaths(db: Db, paths: string[], opts: RunImportOptions = {}): Promise<ImportSummary> {
  return runImport(db, paths, { progress: false, ...opts });
}

const tempDirs: string[] = [];
// Vitest evaluates this module once per test file (isolated module graphs), so this hook removes
// the directories the file made when its tests end. Worker processes do not emit 'exit'.
afterAll(() => {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp directory removed when the test file's tests end. */
export function tempDir(prefix = 'lf-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function count(db: Db, sql: string, params?: Record<string, string | number | null>): Promise<number> {
  return Number(await db.scalar(sql, params));
}
