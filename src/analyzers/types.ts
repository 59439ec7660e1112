import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** A MITRE ATT&CK technique (Enterprise, Cloud/IaaS platform). */
export interface AttackTechnique {
  id: string;
  name: string;
  url: string;
}

/** What an analyzer row becomes in `analyze findings`. Returning undefined keeps the row out. */
export interface FindingView {
  function: string | null;
  time: string | null;
  title: string;
  severity?: Severity;
}

/**
 * A detection: one SQL file that returns the suspicious rows, and this typed descriptor with its
 * stable id, severity, known false positives and the exact shape of its rows.
 */
export interface AnalyzerDescriptor<S extends z.ZodObject = z.ZodObject> {
  id: string;
  title: string;
  /** Default severity of its findings (a row may raise or lower it through `finding`). */
  severity: Severity;
  /** What it finds, for --help and the README catalogue. */
  description: string;
  falsePositives: string[];
  /** A one-line example of what a finding looks like. */
  example: string;
  /** SQL file under queries/analyzers/. Parameters are bound: $incident_start, $data_end, $function, $from, $to. */
  sqlFile: string;
  /** Exactly the fields of one row; JSON output has these and no others. */
  row: S;
  /** The analyzer cannot run without --function. */
  requiresFunction?: boolean;
  /** Techniques the analyzer's findings map to (ATT&CK Cloud matrix). */
  attack?: AttackTechnique[];
  /** Maps a row to a finding, or undefined to leave it out of `findings`. Absent: not in findings. */
  finding?: (row: z.infer<S>, ctx: AnalyzeContext, internal: Record<string, unknown>) => FindingView | undefined;
}

export interface AnalyzeWindow {
  /** Start of the incident window; the baseline is everything before it. ISO. */
  incidentStart: string;
  /** End of the data (latest record of any source). ISO. */
  dataEnd: string;
  /** Earliest record of any source. ISO. */
  dataStart: string;
  /** How incidentStart was chosen. */
  incidentStartFrom: 'option' | 'default-last-24h';
}

export interface AnalyzeContext extends AnalyzeWindow {
  function?: string;
  from?: string;
  to?: string;
}
