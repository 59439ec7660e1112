import type { Argv } from 'yargs';
import { withDb } from '../db/connection.ts';
import { ensureSchema } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { collectFindings, findingsTable } from '../analyzers/findings.ts';
import { ANALYZERS, analyzerById } from '../analyzers/registry.ts';
import { resolveWindow, runAnalyzer } from '../analyzers/run.ts';
import { ANALYZER_MODEL, withModelTables } from '../model/materialize.ts';
import type { AnalyzeContext } from '../analyzers/types.ts';
import { print, type OutputFormat } from '../output/printer.ts';
import { traced } from '../util/trace.ts';
import { dbOptions, say, withFormat, type GlobalArgs } from './common.ts';

export interface AnalyzeArgs extends GlobalArgs {
  analyzer: string;
  'incident-start'?: string;
  function?: string;
  from?: string;
  to?: string;
  format: OutputFormat;
  strict?: boolean;
}

export function analyzeBuilder(y: Argv) {
  return withFormat(
    y
      .positional('analyzer', {
        type: 'string',
        demandOption: true,
        describe: `Analyzer id: ${['findings', ...ANALYZERS.map((a) => a.id), 'list'].join(', ')}`,
      })
      .option('incident-start', { type: 'string', describe: 'Start of the incident window (ISO 8601); the baseline is all data before it. Default: the last 24 h of data' })
      .option('function', { type: 'string', describe: 'Only this function (required by timeline)' })
      .option('from', { type: 'string', describe: 'timeline: start of the range (ISO 8601)' })
      .option('to', { type: 'string', describe: 'timeline: end of the range (ISO 8601)' })
      .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 when any row (or finding) is returned' }),
  );
}

export async function analyzeCommand(a: AnalyzeArgs): Promise<number> {
  if (a.analyzer === 'list') {
    print(
      {
        columns: ['id', 'severity', 'title', 'attack'],
        rows: [
          { id: 'findings', severity: null, title: 'All analyzers and audit checks in one list, by severity then time', attack: null },
          ...ANALYZERS.map((d) => ({ id: d.id, severity: d.severity, title: d.title, attack: (d.attack ?? []).map((t) => t.id).join(' ') || null })),
        ],
      },
      a.format,
      { maxWidth: 90 },
    );
    return 0;
  }
  const d = a.analyzer === 'findings' ? undefined : analyzerById(a.analyzer);
  if (a.analyzer !== 'findings' && !d) {
    throw new UserError(`Unknown analyzer '${a.analyzer}'.`, { hint: `Known: findings, ${ANALYZERS.map((x) => x.id).join(', ')} (or: analyze list)` });
  }
  return withDb(dbOptions(a), async (db) => {
    await traced('schema checked', () => ensureSchema(db));
    const window = await traced('incident window', () => resolveWindow(db, a['incident-start']));
    const ctx: AnalyzeContext = { ...window, function: a.function, from: a.from, to: a.to };
    if (a.format === 'table') {
      say(`incident window ${window.incidentStart} .. ${window.dataEnd}${window.incidentStartFrom === 'default-last-24h' ? ' (default: last 24 h of data; set --incident-start)' : ''}; baseline from ${window.dataStart}`);
    }
    return withModelTables(db, ANALYZER_MODEL, async () => {
      if (!d) {
        let f = await collectFindings(db, ctx);
        if (a.function) f = f.filter((x) => x.function === a.function);
        print(findingsTable(f), a.format, { maxWidth: 80 });
        return a.strict && f.length ? 1 : 0;
      }
      const res = await runAnalyzer(db, d, ctx);
      print(res.table, a.format);
      return a.strict && res.rows.length ? 1 : 0;
    });
  });
}
