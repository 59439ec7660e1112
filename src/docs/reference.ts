import fs from 'node:fs';
import path from 'node:path';
import { Db } from '../db/connection.ts';
import { QUERIES_DIR } from '../db/sql.ts';
import { ensureSchema } from '../db/schema.ts';
import { ANALYZERS } from '../analyzers/registry.ts';

/**
 * Generates the README's table reference and analyzer catalogue from the schema files, the
 * database itself (DESCRIBE) and the analyzer descriptors, so the documentation cannot drift.
 */

interface Relation {
  name: string;
  kind: 'table' | 'view';
  file: string;
  description: string;
  comments: Map<string, string>;
}

function parseSqlDocs(): Relation[] {
  const out: Relation[] = [];
  for (const sub of ['schema', 'model']) {
    const dir = path.join(QUERIES_DIR, sub);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) {
      const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
      let pendingComment: string[] = [];
      let current: Relation | undefined;
      for (const line of lines) {
        const create = /^CREATE (?:OR REPLACE )?(TABLE|VIEW)(?: IF NOT EXISTS)? (\w+)/i.exec(line);
        if (create) {
          current = {
            name: create[2]!,
            kind: create[1]!.toLowerCase() as 'table' | 'view',
            file: `queries/${sub}/${f}`,
            description: pendingComment.join(' ').trim(),
            comments: new Map(),
          };
          out.push(current);
          pendingComment = [];
          continue;
        }
        const comment = /^--\s?(.*)$/.exec(line);
        if (comment) {
          pendingComment.push(comment[1]!);
          continue;
        }
        if (line.trim() === '') {
          pendingComment = [];
        }
        if (current?.kind === 'table') {
          const col = /^\s+(\w+)\s+[A-Z][^-]*?(?:--\s*(.*))?$/.exec(line);
          if (col && col[2]) current.comments.set(col[1]!, col[2]!.trim());
          if (/^\);/.test(line)) current = undefined;
        }
      }
    }
  }
  return out;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export async function tableReference(): Promise<string> {
  const db = await Db.open({ path: ':memory:' });
  try {
    await ensureSchema(db);
    const parts: string[] = [];
    for (const r of parseSqlDocs()) {
      const cols = await db.all<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE ${r.name})`);
      parts.push(`#### \`${r.name}\` (${r.kind}, [${r.file}](${r.file}))\n`);
      if (r.description) parts.push(`${md(r.description)}\n`);
      parts.push('| column | type | notes |', '| --- | --- | --- |');
      for (const c of cols) parts.push(`| \`${c.column_name}\` | ${md(c.column_type)} | ${md(r.comments.get(c.column_name) ?? '')} |`);
      parts.push('');
    }
    return parts.join('\n');
  } finally {
    db.close();
  }
}

export function analyzerCatalogue(): string {
  const parts: string[] = [];
  for (const a of ANALYZERS) {
    parts.push(`#### \`${a.id}\` — ${a.title}\n`);
    parts.push(`Severity: **${a.severity}**${a.attack?.length ? ` · ATT&CK: ${a.attack.map((t) => `[${t.id}](${t.url}) ${t.name}`).join(', ')}` : ''}${a.requiresFunction ? ' · needs `--function`' : ''}\n`);
    parts.push(`${a.description}\n`);
    parts.push(`Fields: ${Object.keys(a.row.shape).map((k) => `\`${k}\``).join(', ')}\n`);
    parts.push('Known false positives:');
    for (const fp of a.falsePositives) parts.push(`- ${fp}`);
    parts.push('', `Example: \`${a.example}\``, '');
  }
  return parts.join('\n');
}

export function replaceGenerated(text: string, name: string, body: string): string {
  const begin = `<!-- BEGIN GENERATED: ${name} (npm run docs) -->`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`README has no ${name} markers`);
  return `${text.slice(0, i + begin.length)}\n\n${body.trim()}\n\n${text.slice(j)}`;
}

export async function renderReadme(readme: string): Promise<string> {
  let out = replaceGenerated(readme, 'tables', await tableReference());
  out = replaceGenerated(out, 'analyzers', analyzerCatalogue());
  return out;
}
