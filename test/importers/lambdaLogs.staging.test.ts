import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { stagingBeforeTransaction } from '../../src/importers/lambdaLogs/index.ts';
import { FIXTURES, importPaths, withMemoryDb } from '../helpers/db.ts';
import { lambdaSnapshot } from '../helpers/lambdaExports.ts';

const SAMPLE_LOGS = path.join(FIXTURES, '..', '..', 'sample-data', 'logs');
// every Lambda log container the fixtures have, with describe-export-tasks listings in the same batch
const INPUTS = [SAMPLE_LOGS, path.join(FIXTURES, 'lambda-logs')];

afterEach(() => {
  stagingBeforeTransaction.on = true;
  vi.restoreAllMocks();
});

/** Everything the import left about Lambda logs, in a stable order, and whether ll_batch existed as each transaction began. */
async function importAndSnapshot(): Promise<{ snapshot: unknown; derivedBeforeTransaction: boolean[] }> {
  const derivedBeforeTransaction: boolean[] = [];
  const transaction = Db.prototype.transaction;
  const spy = vi.spyOn(Db.prototype, 'transaction').mockImplementation(async function (this: Db, fn) {
    derivedBeforeTransaction.push(Number(await this.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'll_batch'")) > 0);
    return transaction.call(this, fn) as never;
  });
  try {
    return { snapshot: await snapshotOfImport(), derivedBeforeTransaction };
  } finally {
    spy.mockRestore();
  }
}

async function snapshotOfImport(): Promise<unknown> {
  return withMemoryDb(async (db) => {
    const s = await importPaths(db, INPUTS);
    expect(s.files.filter((f) => f.status === 'failed')).toEqual([]);
    return lambdaSnapshot(db);
  });
}

describe('Lambda logs staged before the batch transaction', () => {
  it('derive the batch outside the transaction, and load exactly what staging inside it loads', async () => {
    const before = await importAndSnapshot();
    stagingBeforeTransaction.on = false;
    const inside = await importAndSnapshot();
    // the import's own transactions (ledger ids, ...) see no ll_batch; the batch's does only when
    // it was derived before it
    expect(before.derivedBeforeTransaction).toContain(true);
    expect(inside.derivedBeforeTransaction).not.toContain(true);
    const snap = before.snapshot as { events: unknown[]; files: Array<{ format: string; log_group_method: string | null }> };
    expect(snap.events.length).toBeGreaterThan(1000);
    // the batch's export files found their log group through the listing staged with them
    expect(snap.files.some((f) => f.format === 'log-export-tasks')).toBe(true);
    expect(snap.files.filter((f) => f.log_group_method === 'export-task').length).toBeGreaterThan(10);
    expect(before.snapshot).toEqual(inside.snapshot);
  });
});
