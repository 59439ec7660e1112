import { describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { SCHEMA_VERSION, ensureSchema } from '../../src/db/schema.ts';

const views = async (db: Db) =>
  (await db.all<{ view_name: string }>(`SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name = 'function_flows'`)).length;

describe('ensureSchema', () => {
  it('runs the schema and model statements once per database and version of their text', async () => {
    const db = await Db.open({ path: ':memory:' });
    try {
      await ensureSchema(db);
      expect(await db.scalar(`SELECT value FROM schema_info WHERE key = 'version'`)).toBe(SCHEMA_VERSION);
      expect(await db.scalar(`SELECT value FROM schema_info WHERE key = 'sql_sha256'`)).toMatch(/^[0-9a-f]{64}$/);
      expect(await views(db)).toBe(1);
      // same version, same statements: nothing runs again (the dropped view stays dropped)
      await db.run('DROP VIEW function_flows');
      await ensureSchema(db);
      expect(await views(db)).toBe(0);
      // statements of another text (as after an upgrade): they run again
      await db.run(`UPDATE schema_info SET value = 'other' WHERE key = 'sql_sha256'`);
      await ensureSchema(db);
      expect(await views(db)).toBe(1);
      // a database of an older version without the key: they run again too
      await db.run('DROP VIEW function_flows');
      await db.run(`DELETE FROM schema_info WHERE key = 'sql_sha256'`);
      await ensureSchema(db);
      expect(await views(db)).toBe(1);
    } finally {
      db.close();
    }
  });
});
