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
