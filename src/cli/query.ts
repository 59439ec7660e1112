import type { Argv } from 'yargs';
import { withDb } from '../db/connection.ts';
import { FLOW_MODEL, withModelTables } from '../model/materialize.ts';
import { pendingFiles, recoverInterruptedImport } from '../db/recover.ts';
import { ReadOnlyQueryError, UserError, errorMessage } from '../errors.ts';
import { print, queryTable, type OutputFormat } from '../output/printer.ts';
import { exportResult } from '../output/export.ts';
import { dbOptions, say, withFormat, type GlobalArgs } from './common.ts';

export interface QueryArgs extends GlobalArgs {
  sql: string;
  format: OutputFormat;
  out?: string;
  'max-width': number;
}

export function queryBuilder(y: Argv) {
  return withFormat(
    y
      .positional('sql', { type: 'string', demandOption: true, describe: 'SQL to run (read-only)' })
      .option('out', { type: 'string', describe: 'Write the result to a file: .parquet, .csv, .json or .arrow (Arrow IPC)' })
      .option('max-width', { type: 'number', default: 60, describe: 'Widest table cell before it is cut (0: no limit)' }),
  );
}

/** Model views whose plans need the small views copied (see withModelTables). */
const FLOW_MODEL_NAMES = /\b(function_flows|function_flow_records|eni_attribution|peers)\b/i;

export async function queryCommand(a: QueryArgs): Promise<number> {
  // An import killed between its two transactions leaves rows that no ledger row accounts for;
  // they are removed (with write access, briefly) before the read-only query sees the data.
  const pending = await withDb(dbOptions(a, true), (db) => pendingFiles(db));
  if (pending > 0) {
    try {
      await withDb(dbOptions(a), (db) => recoverInterruptedImport(db));
      say(`Removed the rows of ${pending} file(s) an interrupted import left unsettled; run import again to load them.`);
    } catch (e) {
      say(`Warning: an interrupted import left the rows of ${pending} file(s) unsettled and they could not be removed (${errorMessage(e).split('\n')[0]}); counts may include them until the next import.`);
    }
  }
  return withDb(dbOptions(a, true), async (db) => {
    try {
      // A query over the flow model gets the same copies of the small views as analyze, so that
      // DuckDB plans function_flows with their real sizes (src/model/materialize.ts).
      const model = FLOW_MODEL_NAMES.test(a.sql) ? FLOW_MODEL : [];
      return await withModelTables(db, model, async () => {
        if (a.out) {
          const n = await exportResult(db, a.sql, a.out);
          say(`Wrote ${n} rows to ${a.out}`);
          return 0;
        }
        const t = await queryTable(db, a.sql);
        print(t, a.format, { maxWidth: a['max-width'] });
        return 0;
      });
    } catch (e) {
      if (e instanceof UserError) throw e;
      const msg = errorMessage(e);
      if (/read-only|read only/i.test(msg)) throw new ReadOnlyQueryError(`The database is opened read-only: ${msg.split('\n')[0]}`);
      throw new UserError(`Query failed: ${msg.split('\n').slice(0, 3).join(' ')}`, {
        hint: 'The README lists every table and its columns; `query "SHOW TABLES"` lists them too.',
      });
    }
  });
}
