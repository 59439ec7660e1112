import { listValue } from '@duckdb/node-api';
import type { FileEntry } from './types.ts';

/** Largest JSON object DuckDB's reader accepts; a whole {"Records":[...]} file is one object. */
export function maxObjectSize(files: FileEntry[]): number {
  const largest = Math.max(0, ...files.map((f) => f.contentBytes));
  let size = 64 * 1024 * 1024;
  while (size < largest + 1024) size *= 2;
  return size;
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
