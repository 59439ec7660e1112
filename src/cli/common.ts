import type { Argv } from 'yargs';
import { DEFAULT_DB, type DbOptions } from '../db/connection.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/printer.ts';

export interface GlobalArgs {
  db: string;
  'memory-limit'?: string;
  threads?: number;
}

export function dbOptions(a: GlobalArgs, readOnly = false): DbOptions {
  return { path: a.db, readOnly, memoryLimit: a['memory-limit'], threads: a.threads };
}

export function withGlobal<T>(y: Argv<T>) {
  return y
    .option('db', { type: 'string', default: DEFAULT_DB, describe: 'DuckDB database file', global: true })
    .option('memory-limit', { type: 'string', describe: "Memory budget, e.g. '4GB' (default 1GB). DuckDB's own limit is all of it, or 70% for import; beyond that, work spills to <db>.tmp/", global: true })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads (default: all cores)', global: true });
}

export function withFormat<T>(y: Argv<T>) {
  return y.option('format', {
    alias: 'f',
    choices: OUTPUT_FORMATS,
    default: 'table' as OutputFormat,
    describe: 'Output format',
  });
}

/** Messages (not data) go to stderr. */
export function say(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
