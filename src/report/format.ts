/** Number, time and size formatting for the report. Output is plain text: escape it with text(). */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 2026-03-11 08:04:12 (UTC; the report says so once, in its header). */
export function fmtTime(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return iso ?? '';
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

/** 2026-03-11 08:04 */
export function fmtMinute(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? d.toISOString().slice(0, 16).replace('T', ' ') : (iso ?? '');
}

/** 2026-03-11 10:00 – 22:00, or 2026-03-08 00:00 – 03-10 00:00 across days. */
export function fmtRange(start: string, end: string): string {
  const a = fmtMinute(start);
  const b = fmtMinute(end);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b.slice(5)}`;
}

/** Mar 11 */
export function fmtDay(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** 08:00 */
export function fmtHour(d: Date): string {
  return d.toISOString().slice(11, 16);
}

export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  const r = Math.abs(n) >= 100 || Number.isInteger(n) ? Math.round(n) : Math.round(n * 10) / 10;
  return r.toLocaleString('en-US');
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

/** 3 d 4 h, 5 h, 45 min */
export function fmtDuration(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  const total = Math.round(hours);
  const d = Math.floor(total / 24);
  const h = total - d * 24;
  if (d === 0) return `${h} h`;
  return h ? `${d} d ${h} h` : `${d} d`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtNum(n)} ${n === 1 ? one : many}`;
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6' };
export function fmtProtocol(p: number | null): string {
  if (p === null) return '';
  return PROTOCOLS[p] ?? String(p);
}

/** Peer kinds as the report names them. */
export const PEER_KINDS: Record<string, string> = {
  rds: 'RDS',
  elasticache: 'ElastiCache',
  nat: 'NAT gateway',
  lambda: 'Lambda',
  ec2: 'EC2',
  external: 'External',
  'internal-unknown': 'Internal (unknown)',
};

export const SOURCE_NAMES: Record<string, string> = {
  cloudtrail: 'CloudTrail',
  logs: 'Logs',
  flow: 'Flow logs',
  eni: 'ENI',
  metrics: 'Metrics',
  config: 'Config',
};
