import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Db } from './connection.ts';

/** Data tables an importer may commit rows to before settling them (Importer.settle). */
export const PENDING_TABLES: ReadonlySet<string> = new Set(['cloudtrail_records']);

/** Files an interrupted import committed rows for without settling them; 0 when the table does not exist yet. */
export async function pendingFiles(db: Db): Promise<number> {
  const exists = await db.scalar<bigint>(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'import_pending' AND NOT temporary`,
  );
  if (!exists) return 0;
  return Number(await db.scalar<bigint>('SELECT count(DISTINCT file_id) FROM import_pending'));
}

/**
 * Removes the rows of files in import_pending: what an import killed between its two
 * transactions left behind (all files), or a batch whose second transaction failed (`fileIds`).
 * Those files have no ledger row, so importing them again loads them. Runs in its own
 * transaction; returns the number of files cleaned up.
 */
export async function recoverInterruptedImport(db: Db, fileIds?: number[]): Promise<number> {
  const n = fileIds ? fileIds.length : await pendingFiles(db);
  if (n === 0) return 0;
  const scope = fileIds ? 'file_id IN (SELECT unnest($ids))' : 'true';
  const params: Record<string, DuckDBValue> = fileIds ? { ids: listValue(fileIds.map((i) => BigInt(i))) } : {};
  await db.transaction(async () => {
    const tables = await db.all<{ table_name: string }>(`SELECT DISTINCT table_name FROM import_pending WHERE ${scope}`, params);
    for (const { table_name } of tables) {
      // the table name is checked against the program's own list before it becomes SQL text
      if (!PENDING_TABLES.has(table_name)) throw new Error(`import_pending names an unknown table: ${table_name}`);
      await db.run(
        `DELETE FROM ${table_name} WHERE file_id IN (SELECT file_id FROM import_pending WHERE table_name = $t AND ${scope})`,
        { ...params, t: table_name },
      );
    }
    await db.run(`DELETE FROM import_pending WHERE ${scope}`, params);
  });
  return n;
}
