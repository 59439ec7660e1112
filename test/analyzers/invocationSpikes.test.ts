import { describe, expect, it } from 'vitest';
import { invocationSpikes } from '../../src/analyzers/defs/invocationSpikes.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { insertRows } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:59:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };

/** n invocations spread over one hour. */
function hour(fn: string, day: number, h: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    function_name: fn,
    request_id: `${fn}-${day}-${h}-${i}`,
    start_time: new Date(Date.UTC(2026, 2, day, h, Math.floor((i * 60) / n))).toISOString(),
    status: 'success',
  }));
}

describe('invocation-spikes', () => {
  it('flags a 10x hour, merges consecutive hours, and leaves a nightly burst alone', async () => {
    await withMemoryDb(async (db) => {
      const rows: Array<Record<string, unknown>> = [];
      for (const day of [9, 10, 11]) {
        for (let h = 0; h < 24; h++) {
          rows.push(...hour('orders-api', day, h, 20 + (h % 5) * 5));
          // the nightly burst at 02:00, every day
          rows.push(...hour('nightly-billing', day, h, h === 2 ? 400 : 1));
        }
      }
      // the spike: 08:00-10:00 on the 11th
      rows.push(...hour('orders-api', 11, 8, 300), ...hour('orders-api', 11, 9, 250));
      await insertRows(db, 'lambda_invocations', rows);
      const r = await runAnalyzer(db, invocationSpikes, ctx);
      expect(r.table.rows).toEqual([
        { function: 'orders-api', window_start: '2026-03-11T08:00:00.000Z', window_end: '2026-03-11T10:00:00.000Z', invocations: 300 + 35 + 250 + 40, expected: 75, score: expect.any(Number) },
      ]);
      expect(r.rows[0]!.score).toBeGreaterThan(20);
    });
  });

  it('uses the Invocations metric for a function without logs', async () => {
    await withMemoryDb(async (db) => {
      const m: Array<Record<string, unknown>> = [];
      for (const day of [9, 10, 11])
        for (let h = 0; h < 24; h++)
          m.push({ function_name: 'thumbnail-maker', metric: 'Invocations', stat: 'Sum', time: new Date(Date.UTC(2026, 2, day, h)).toISOString(), value: day === 11 && h === 15 ? 900 : 30, period_seconds: 3600, source_file: 't', file_id: 1 });
      // the same data exported again at a coarser period must not count twice
      const coarse = m.filter((_, i) => i % 2 === 0).map((r) => ({ ...r, value: 60, period_seconds: 7200, file_id: 2 }));
      await insertRows(db, 'lambda_metrics', [...m, ...coarse]);
      const r = await runAnalyzer(db, invocationSpikes, ctx);
      expect(r.table.rows.map((x) => [x.function, x.window_start, x.invocations, x.expected])).toEqual([['thumbnail-maker', '2026-03-11T15:00:00.000Z', 900, 30]]);
    });
  });
});
