import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { ensureSchema } from '../../src/db/schema.ts';
import { count, importPaths, tempDir } from '../helpers/db.ts';
import { writeExports } from '../helpers/lambdaExports.ts';

describe('Lambda log import under a small memory budget', () => {
  it('loads a batch of 400,000 S3 export lines in one go, not by splitting it after running out of memory', async () => {
    const dir = tempDir();
    writeExports(path.join(dir, 'in'), 8, 50_000);
    // a file database, so that DuckDB can spill; a budget of 128 MB gives DuckDB 89 MB
    const db = await Db.open({ path: path.join(dir, 'db.duckdb'), memoryLimit: '128MB', memoryShare: 0.7, threads: 2 });
    try {
      await ensureSchema(db);
      const batches: number[] = [];
      const s = await importPaths(db, [path.join(dir, 'in')], { onBatch: (_source, files) => batches.push(files) });
      expect(s.files.map((f) => f.status)).toEqual(Array(8).fill('loaded'));
      expect(s.rowsBySource).toEqual({ 'lambda-logs': 400_000 });
      expect(await count(db, 'SELECT count(*) FROM lambda_log_events')).toBe(400_000);
      // the duplicate check once ran a window over the whole batch and ran out of memory; the
      // batch was then split in halves until it fit (here into 2-file batches)
      expect(batches).toEqual([8]);
    } finally {
      db.close();
    }
  });
});
