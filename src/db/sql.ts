import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding queries/ and src/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const QUERIES_DIR = path.join(ROOT, 'queries');

const cache = new Map<string, string>();

/**
 * Text of a .sql file under queries/. SQL files take their inputs as bound parameters
 * ($name or ?), never as pasted strings.
 */
export function sqlFile(rel: string): string {
  let text = cache.get(rel);
  if (text === undefined) {
    text = fs.readFileSync(path.join(QUERIES_DIR, rel), 'utf8');
    cache.set(rel, text);
  }
  return text;
}

/** Quote a value as a SQL string literal. Only for values the program itself builds (file paths
 * of a batch, type strings), in places where DuckDB does not accept a bound parameter, such as
 * the file list of a table function. Never for data read from logs. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A list literal of file paths for read_json/read_csv/read_parquet. */
export function sqlFileList(paths: readonly string[]): string {
  return `[${paths.map(sqlString).join(', ')}]`;
}

/**
 * A .sql file split at `-- name: X` markers. The text before the first marker is returned under
 * the name 'main'.
 */
export function sqlSections(rel: string): Map<string, string> {
  const text = sqlFile(rel);
  const out = new Map<string, string>();
  let name = 'main';
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([\w-]+)\s*$/.exec(line);
    if (m) {
      if (buf.join('\n').trim()) out.set(name, buf.join('\n'));
      name = m[1]!;
      buf = [];
    } else buf.push(line);
  }
  if (buf.join('\n').trim()) out.set(name, buf.join('\n'));
  return out;
}

export function section(rel: string, name: string): string {
  const s = sqlSections(rel).get(name);
  if (s === undefined) throw new Error(`no section '${name}' in queries/${rel}`);
  return s;
}

/**
 * Puts a reader query (a section of one of our own .sql files) in place of the `{{source}}`
 * marker of a statement, so that one statement reads, normalizes and inserts. Both arguments are
 * program text; data always goes in as bound parameters.
 */
export function withSource(statement: string, source: string): string {
  return fillMarker(statement, 'source', source.trim());
}

/** Puts program text in place of the `{{name}}` marker of a statement (see withSource). */
export function fillMarker(statement: string, name: string, text: string): string {
  const marker = `{{${name}}}`;
  const n = statement.split(marker).length - 1;
  if (n !== 1) throw new Error(`statement has ${n} ${marker} markers, not one`);
  return statement.replace(marker, () => text);
}
