import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises V8 .cpuprofile files written by `node --cpu-prof`: the share of the main thread's
 * time spent idle (waiting for DuckDB's own threads) and the JS functions with the most self time.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  idlePct: number;
  gcPct: number;
  top: Array<{ fn: string; selfPct: number }>;
}

export function summarizeProfile(file: string, topN = 12): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const h = n.hitCount ?? 0;
    if (!h) continue;
    total += h;
    const cf = n.callFrame;
    const where = cf.url ? `${path.basename(cf.url.replace(/^file:\/\//, ''))}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    hits.set(key, (hits.get(key) ?? 0) + h);
  }
  const pct = (k: string) => (total ? (100 * (hits.get(k) ?? 0)) / total : 0);
  const top = [...hits.entries()]
    .filter(([k]) => k !== '(idle)' && k !== '(program)' && k !== '(garbage collector)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, h]) => ({ fn, selfPct: Math.round((1000 * h) / Math.max(1, total)) / 10 }));
  return {
    file,
    seconds: (p.endTime - p.startTime) / 1e6,
    idlePct: Math.round(pct('(idle)') * 10) / 10,
    gcPct: Math.round(pct('(garbage collector)') * 10) / 10,
    top,
  };
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [
    `${s.file}: ${s.seconds.toFixed(1)} s on the main thread, ${s.idlePct}% idle (waiting on DuckDB), ${s.gcPct}% GC`,
    ...s.top.map((t) => `  ${t.selfPct.toFixed(1).padStart(5)}%  ${t.fn}`),
  ];
  return lines.join('\n');
}
