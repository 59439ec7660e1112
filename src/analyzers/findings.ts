import { auditFindings } from '../audit/index.ts';
import { traced } from '../util/trace.ts';
import type { Db } from '../db/connection.ts';
import type { Table, Value } from '../output/printer.ts';
import { ANALYZERS } from './registry.ts';
import { runAnalyzer, type AnalyzerRunner } from './run.ts';
import { severityRank, type AnalyzeContext, type Severity } from './types.ts';

export interface Finding {
  analyzer: string;
  severity: Severity;
  function: string | null;
  time: string | null;
  title: string;
  evidence: Record<string, Value>;
}

export const FINDING_COLUMNS = ['analyzer', 'severity', 'function', 'time', 'title', 'evidence'];

/** Every analyzer's findings in one list, sorted by severity, then time. `extra` defaults to the
 * access audit's rows (src/audit/); `run` lets the report share analyzer runs with its sections. */
export async function collectFindings(db: Db, ctx: AnalyzeContext, extra?: Finding[], run: AnalyzerRunner = runAnalyzer): Promise<Finding[]> {
  const out: Finding[] = [...(extra ?? (await traced('access audit', () => auditFindings(db))))];
  for (const d of ANALYZERS) {
    if (!d.finding || d.requiresFunction) continue;
    const res = await run(db, d, ctx);
    res.rows.forEach((row, i) => {
      const f = d.finding!(row, ctx, res.internal[i]!);
      if (!f) return;
      const evidence: Record<string, Value> = { ...(row as Record<string, Value>) };
      if (d.attack?.length) {
        evidence.attack_technique = d.attack.map((a) => a.id);
      }
      out.push({ analyzer: d.id, severity: f.severity ?? d.severity, function: f.function, time: f.time, title: f.title, evidence });
    });
  }
  out.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.time ?? '').localeCompare(b.time ?? '') ||
      a.analyzer.localeCompare(b.analyzer),
  );
  return out;
}

export function findingsTable(f: Finding[]): Table {
  return { columns: FINDING_COLUMNS, rows: f.map((x) => ({ ...x }) as unknown as Record<string, Value>) };
}
