import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql', 'baseline.sql');

/** A `-- name:` section of src/bench/sql/baseline.sql and the table it names with `-- table:`. */
export function baselineSql(name: string): { sql: string; table: string } {
  const text = fs.readFileSync(FILE, 'utf8');
  let current = '';
  const sections = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([\w-]+)\s*$/.exec(line);
    if (m) {
      current = m[1]!;
      sections.set(current, []);
    } else if (current) sections.get(current)!.push(line);
  }
  const lines = sections.get(name);
  if (!lines) throw new Error(`no section '${name}' in ${FILE}`);
  const sql = lines.join('\n').trim();
  const table = /^--\s*table:\s*(\w+)/m.exec(sql)?.[1] ?? '';
  return { sql, table };
}
