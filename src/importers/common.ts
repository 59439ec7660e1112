import { listValue } from '@duckdb/node-api';
import type { FileEntry } from './types.ts';

/** The smallest object size limit given to DuckDB's JSON reader. */
const MIN_OBJECT_SIZE = 1024 * 1024;

/**
 * Largest JSON object DuckDB's reader accepts (`maximum_object_size`): the smallest power of two,
 * from 1 MiB, above the largest file's content (a whole {"Records":[...]} file is one object).
 * DuckDB sets up a buffer of this size for every file it reads: with a fixed 64 MiB, 20,000 small
 * CloudTrail files took 8.4 s to insert, with 1 MiB 7.2 s (large files: no difference).
 */
export function objectSizeLimit(largestContentBytes: number): number {
  let size = MIN_OBJECT_SIZE;
  while (size < largestContentBytes + 1024) size *= 2;
  return size;
}

export function maxObjectSize(files: FileEntry[]): number {
  return objectSizeLimit(files.reduce((a, f) => Math.max(a, f.contentBytes), 0));
}

export function fileListParam(files: FileEntry[]) {
  return listValue(files.map((f) => f.path));
}

/** Turns DuckDB reader errors into a short message with the location it names, if any. */
export function readerErrorLocation(message: string): string | undefined {
  const m = /at byte (\d+) in (line|record\/value) (\d+)/.exec(message);
  if (m) return m[2] === 'line' ? `line ${m[3]}` : `record ${m[3]}`;
  const l = /Line: (\d+)/.exec(message) ?? /line (\d+)/i.exec(message);
  if (l) return `line ${l[1]}`;
  return undefined;
}

export function cleanReaderError(message: string): string {
  const first = message.split('\n')[0]!.replace(/^(Invalid Input|IO|Conversion|Binder|Invalid Error) Error: /, '');
  // DuckDB names the file in its message; the ledger row already names it
  return first.replace(/ in file "[^"]*"/, '').replace(/ file "[^"]*"/, ' file').trim();
}

/** The message of a file's one issue when nothing from it is kept: why, and that it was not loaded. */
export function notLoaded(why: string): string {
  return `${why}; the file was not loaded (nothing from it is in the database)`;
}
