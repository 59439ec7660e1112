/**
 * Inline SVG charts, generated here (no charting library). Geometry is computed from numbers;
 * every label that comes from data goes through text()/attr(). Styling uses SVG presentation
 * attributes and classes from the report's stylesheet (no style attributes: the CSP allows only
 * the one hashed <style> block).
 */
import { attr, text } from './escape.ts';
import { fmtDay, fmtHour, fmtMinute, fmtNum } from './format.ts';
import type { ChartPoint, SourceCoverage, SpikeWindow } from './model.ts';

const HOUR = 3_600_000;
const r1 = (n: number) => Math.round(n * 10) / 10;

interface TimeAxis {
  t0: number;
  t1: number;
  x0: number;
  x1: number;
  x(t: number): number;
}

function timeAxis(t0: number, t1: number, x0: number, x1: number): TimeAxis {
  const span = Math.max(t1 - t0, HOUR);
  return { t0, t1: t0 + span, x0, x1, x: (t) => r1(x0 + ((t - t0) / span) * (x1 - x0)) };
}

/** Ticks at day boundaries (or every few hours for short spans), with labels. */
function timeTicks(ax: TimeAxis, y0: number, y1: number, labelY: number): string {
  const span = ax.t1 - ax.t0;
  const hours = span / HOUR;
  const stepH = hours <= 30 ? 3 : hours <= 72 ? 6 : hours <= 24 * 16 ? 24 : Math.ceil(hours / 24 / 12) * 24;
  const start = Math.ceil(ax.t0 / (stepH * HOUR)) * stepH * HOUR;
  const out: string[] = [];
  for (let t = start; t <= ax.t1; t += stepH * HOUR) {
    const x = ax.x(t);
    const d = new Date(t);
    const midnight = d.getUTCHours() === 0;
    const label = midnight ? fmtDay(d) : fmtHour(d);
    out.push(`<line class="grid${midnight ? ' grid-day' : ''}" x1="${x}" x2="${x}" y1="${y0}" y2="${y1}"/>`);
    // labels at the edges are anchored inwards so they are not cut off
    const anchor = x - ax.x0 < 20 ? 'start' : ax.x1 - x < 20 ? 'end' : 'middle';
    out.push(`<text class="tick" x="${x}" y="${labelY}" text-anchor="${anchor}">${text(label)}</text>`);
  }
  return out.join('');
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface InvocationChartInput {
  functionName: string;
  points: ChartPoint[];
  bucketHours: number;
  spikes: SpikeWindow[];
  incidentStart: string;
}

/** Hourly invocations with the baseline band (median .. p90 for the hour of day), the incident
 * window shaded and every spike window marked. */
export function invocationsChart(c: InvocationChartInput): string {
  const W = 960;
  const H = 260;
  const L = 56;
  const R = 16;
  const T = 28;
  const B = 44;
  if (!c.points.length) return '<p class="empty">No invocation data (no Lambda logs and no Invocations metric) for this function.</p>';
  const bucket = c.bucketHours * HOUR;
  const t0 = new Date(c.points[0]!.t).getTime();
  const t1 = new Date(c.points[c.points.length - 1]!.t).getTime() + bucket;
  const ax = timeAxis(t0, t1, L, W - R);
  const max = niceMax(Math.max(1, ...c.points.map((p) => Math.max(p.n ?? 0, p.upper ?? 0))) * 1.08);
  const y = (v: number) => r1(H - B - (v / max) * (H - B - T));
  const mid = (p: ChartPoint) => ax.x(new Date(p.t).getTime() + bucket / 2);

  const parts: string[] = [];
  // incident window
  const inc = new Date(c.incidentStart).getTime();
  if (inc < t1) {
    const xi = ax.x(Math.max(inc, t0));
    parts.push(`<rect class="incident" x="${xi}" y="${T}" width="${r1(W - R - xi)}" height="${H - B - T}"><title>Incident window from ${text(fmtMinute(c.incidentStart))} UTC</title></rect>`);
    parts.push(`<text class="incident-label" x="${W - R - 6}" y="${T + 14}" text-anchor="end">incident window</text>`);
  }
  // y grid
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    parts.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}"/>`);
    parts.push(`<text class="tick" x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${text(fmtNum(v))}</text>`);
  }
  parts.push(timeTicks(ax, T, H - B, H - B + 16));

  // baseline band: upper (p90) left to right, then expected (median) right to left
  const banded = c.points.filter((p) => p.expected !== null && p.upper !== null);
  if (banded.length) {
    const top = banded.map((p) => `${mid(p)},${y(p.upper!)}`);
    const bottom = [...banded].reverse().map((p) => `${mid(p)},${y(p.expected!)}`);
    parts.push(`<polygon class="band" points="${top.concat(bottom).join(' ')}"><title>Baseline for the hour of day: median to 90th percentile</title></polygon>`);
    parts.push(`<polyline class="band-median" points="${banded.map((p) => `${mid(p)},${y(p.expected!)}`).join(' ')}"/>`);
  }

  // spike windows
  for (const s of c.spikes) {
    const xs = ax.x(Math.max(new Date(s.start).getTime(), t0));
    const xe = ax.x(Math.min(new Date(s.end).getTime(), t1));
    const w = Math.max(3, r1(xe - xs));
    parts.push(
      `<g class="spike-window" data-start="${attr(s.start)}" data-end="${attr(s.end)}">` +
        `<rect class="spike" x="${xs}" y="${T}" width="${w}" height="${H - B - T}"><title>Spike ${text(fmtMinute(s.start))} – ${text(fmtMinute(s.end).slice(11))} UTC: ${text(fmtNum(s.invocations))} invocations, expected ~${text(fmtNum(s.expected))} (score ${text(fmtNum(s.score))})</title></rect>` +
        `<text class="spike-label" x="${r1(xs + w / 2)}" y="${T - 8}" text-anchor="middle">spike ×${text(fmtNum(s.expected > 0 ? s.invocations / s.expected : s.invocations))}</text>` +
        `</g>`,
    );
  }

  // invocations line, broken where the function has no data
  const segs: string[] = [];
  let cur: string[] = [];
  for (const p of c.points) {
    if (p.n === null) {
      if (cur.length) segs.push(cur.join(' '));
      cur = [];
    } else cur.push(`${mid(p)},${y(p.n)}`);
  }
  if (cur.length) segs.push(cur.join(' '));
  for (const s of segs) parts.push(`<polyline class="series" points="${s}"/>`);

  // axes
  parts.push(`<line class="axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/>`);
  parts.push(`<line class="axis" x1="${L}" x2="${L}" y1="${T}" y2="${H - B}"/>`);
  parts.push(`<text class="axis-label" x="14" y="${r1((T + H - B) / 2)}" transform="rotate(-90 14 ${r1((T + H - B) / 2)})" text-anchor="middle">invocations / ${c.bucketHours === 1 ? 'hour' : `${c.bucketHours} h`}</text>`);

  // legend
  const ly = H - 10;
  parts.push(
    `<g class="legend">` +
      `<line class="series" x1="${L}" x2="${L + 22}" y1="${ly - 4}" y2="${ly - 4}"/><text x="${L + 28}" y="${ly}">invocations</text>` +
      `<rect class="band" x="${L + 120}" y="${ly - 10}" width="22" height="10"/><text x="${L + 148}" y="${ly}">baseline for the hour of day (median – p90)</text>` +
      `<rect class="incident" x="${L + 420}" y="${ly - 10}" width="22" height="10"/><text x="${L + 448}" y="${ly}">incident window</text>` +
      `<rect class="spike" x="${L + 580}" y="${ly - 10}" width="22" height="10"/><text x="${L + 608}" y="${ly}">spike</text>` +
      `</g>`,
  );
  const label = `Invocations of ${c.functionName} per ${c.bucketHours === 1 ? 'hour' : `${c.bucketHours} hours`}, with ${c.spikes.length} spike window(s) marked`;
  return `<figure class="chart"><svg class="inv-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${attr(label)}" xmlns="http://www.w3.org/2000/svg"><title>${text(label)}</title>${parts.join('')}</svg></figure>`;
}

/** One lane per source across the data window: hours with data filled, gaps left open;
 * snapshot sources as ticks. */
export function coverageChart(sources: SourceCoverage[], dataStart: string, dataEnd: string, incidentStart: string): string {
  if (!sources.length) return '';
  const W = 960;
  const laneH = 22;
  const gap = 8;
  const L = 210;
  const R = 16;
  const T = 10;
  const H = T + sources.length * (laneH + gap) + 30;
  const t0 = Math.floor(new Date(dataStart).getTime() / HOUR) * HOUR;
  const t1 = Math.ceil((new Date(dataEnd).getTime() + 1) / HOUR) * HOUR;
  const ax = timeAxis(t0, t1, L, W - R);
  const parts: string[] = [];
  const inc = new Date(incidentStart).getTime();
  const bottom = T + sources.length * (laneH + gap);
  if (inc < t1) {
    const xi = ax.x(Math.max(inc, t0));
    parts.push(`<rect class="incident" x="${xi}" y="${T - 4}" width="${r1(W - R - xi)}" height="${bottom - T + 4}"/>`);
  }
  parts.push(timeTicks(ax, T - 4, bottom, bottom + 16));
  sources.forEach((s, i) => {
    const yy = T + i * (laneH + gap);
    parts.push(`<text class="lane-label" x="${L - 10}" y="${yy + laneH / 2 + 4}" text-anchor="end">${text(s.label)}</text>`);
    if (s.kind === 'timed') {
      parts.push(`<rect class="lane-empty" x="${L}" y="${yy}" width="${W - R - L}" height="${laneH}"><title>${text(s.label)}: no data</title></rect>`);
      for (const p of s.present) {
        const xs = ax.x(Math.max(new Date(p.start).getTime(), t0));
        const xe = ax.x(Math.min(new Date(p.end).getTime(), t1));
        parts.push(`<rect class="lane-data" x="${xs}" y="${yy}" width="${Math.max(1, r1(xe - xs))}" height="${laneH}"/>`);
      }
    } else {
      parts.push(`<rect class="lane-snap-bg" x="${L}" y="${yy}" width="${W - R - L}" height="${laneH}"/>`);
      for (const t of s.snapshots.slice(0, 500)) {
        const tt = new Date(t).getTime();
        if (tt < t0 || tt > t1) continue;
        const x = ax.x(tt);
        parts.push(`<rect class="lane-snap" x="${r1(x - 1.5)}" y="${yy}" width="3" height="${laneH}"><title>${text(fmtMinute(t))} UTC</title></rect>`);
      }
    }
  });
  const label = 'Data coverage per source over the data window; open stretches are hours without data';
  return `<figure class="chart"><svg class="cov-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${attr(label)}" xmlns="http://www.w3.org/2000/svg"><title>${text(label)}</title>${parts.join('')}</svg></figure>`;
}
