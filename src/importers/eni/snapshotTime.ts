import path from 'node:path';

/** Where a snapshot's time came from (network_interfaces.snapshot_time_source). */
export type SnapshotTimeSource = 'cli' | 'file-name' | 'mtime';

export interface SnapshotTime {
  /** ISO text DuckDB casts to TIMESTAMPTZ (a value without a zone is read as UTC). */
  iso: string;
  source: SnapshotTimeSource;
  /** For the ledger's reason column. */
  note: string;
}

/**
 * A timestamp written into a file name, read as UTC. Accepted forms (the date and time parts may
 * sit anywhere in the name, but not inside a longer run of digits):
 *   20260312T0900Z, 20260312T090000Z, 20260312T0900       (compact, like CloudTrail/flow-log keys)
 *   2026-03-12T09-00-00Z, 2026-03-12T09:00:00Z, 2026-03-12T09:00, 2026-03-12_09-00-00
 *   20260312-090000, 20260312_0900
 * A time is required: a bare date says nothing about when in the day the snapshot was taken.
 */
const NAME_TIME_RES: RegExp[] = [
  // extended date: 2026-03-12, then T, _ or - (or a space), then 09-00[-00] or 09:00[:00] or 0900[00]
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})[T_ -](\d{2})[-:]?(\d{2})(?:[-:]?(\d{2})(?:\.\d+)?)?Z?(?!\d)/i,
  // compact date: 20260312, then T, - or _, then 0900 or 090000
  /(?<!\d)(\d{4})(\d{2})(\d{2})[T_-](\d{2})(\d{2})(\d{2})?Z?(?!\d)/i,
];

export function timeFromFileName(filePath: string): { iso: string; text: string } | undefined {
  const name = path.basename(filePath);
  for (const re of NAME_TIME_RES) {
    const m = re.exec(name);
    if (!m) continue;
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '00'].map(Number) as [number, number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    // reject 2026-13-40 and the like (Date.UTC would roll them over)
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) continue;
    if (h > 23 || mi > 59 || s > 59) continue;
    return { iso: back.toISOString().replace('.000Z', 'Z'), text: m[0] };
  }
  return undefined;
}

/**
 * snapshot_time of an ENI snapshot file: --snapshot-time if given, else a timestamp in the file
 * name, else the file's modification time.
 */
export function snapshotTimeFor(filePath: string, mtimeMs: number, cliValue: string | undefined): SnapshotTime {
  if (cliValue !== undefined && cliValue.trim() !== '') {
    return { iso: cliValue.trim(), source: 'cli', note: `snapshot_time from --snapshot-time (${cliValue.trim()})` };
  }
  const named = timeFromFileName(filePath);
  if (named) return { iso: named.iso, source: 'file-name', note: `snapshot_time from file name (${named.text})` };
  const iso = new Date(mtimeMs).toISOString();
  return {
    iso,
    source: 'mtime',
    note: `snapshot_time from file modification time (${iso}); no --snapshot-time and no timestamp in the file name`,
  };
}
