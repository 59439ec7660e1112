import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string(),
  window_start: z.string(),
  window_end: z.string(),
  invocations: z.number().int(),
  expected: z.number(),
  score: z.number(),
});

export const invocationSpikes: AnalyzerDescriptor<typeof row> = {
  id: 'invocation-spikes',
  title: 'Invocation spikes against the seasonal baseline',
  severity: 'medium',
  description:
    "Incident-window hours in which a function's invocations (from REPORT/START lines, or the Invocations metric when no logs were kept) rise far above its own baseline for the same hour of day. Each hour is compared with the baseline's median (expected) and 90th percentile for that hour; it is a spike when it is at least 3x expected + 10 and its score, (count - p90) / sqrt(p90), is at least 5. Consecutive spike hours are merged into one window. A scheduled burst that recurs at the same hour every day is part of the baseline.",
  falsePositives: [
    'A marketing campaign, a batch backfill or a retry storm after an outage downstream.',
    'A schedule that changed, or runs weekly, and so has no matching hour in a short baseline.',
    'Less than a day of baseline: the hour-of-day profile falls back to the overall median.',
  ],
  example: 'orders-api  2026-03-11T08:00Z .. 09:00Z  invocations 412  expected 38  score 55.4',
  sqlFile: 'invocation-spikes.sql',
  row,
  attack: [ATTACK.serverlessExecution, ATTACK.resourceHijacking],
  finding: (r) => ({
    function: r.function,
    time: r.window_start,
    title: `${r.function} ran ${r.invocations} times between ${r.window_start.slice(11, 16)} and ${r.window_end.slice(11, 16)} UTC (expected ~${r.expected})`,
    severity: r.score >= 20 ? 'high' : 'medium',
  }),
};
