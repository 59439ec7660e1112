-- invocation-spikes: hours in the incident window in which a function ran far more often than its
-- own baseline for that hour of day. Counts come from lambda_invocations (REPORT/START lines) or,
-- for a function without logs, from the Invocations metric. The baseline is seasonal (by hour of
-- day), so a nightly scheduled burst that recurs every day is not a spike. No user threshold:
-- a window is reported when the count is at least 3x the expected value plus 10, and the score
-- (a Poisson-style z value against the baseline's median and spread for that hour) is at least 5.
WITH from_logs AS (
  SELECT function_name, date_trunc('hour', coalesce(start_time, end_time)) AS hour, count(*)::DOUBLE AS n
  FROM lambda_invocations
  WHERE function_name IS NOT NULL AND coalesce(start_time, end_time) IS NOT NULL
  GROUP BY ALL
),
metric_series AS (
  -- one series per function: the same data exported at two periods must not count twice, so
  -- keep the finest period (and, among exports of unknown period, the first file)
  SELECT function_name, period_seconds, file_id,
         row_number() OVER (PARTITION BY function_name ORDER BY period_seconds NULLS LAST, file_id) AS pick
  FROM (SELECT DISTINCT function_name, period_seconds, file_id FROM lambda_metrics
        WHERE metric = 'Invocations' AND coalesce(stat, 'Sum') = 'Sum')
),
from_metrics AS (
  SELECT m.function_name, date_trunc('hour', m.time) AS hour, sum(m.value) AS n
  FROM lambda_metrics m
  JOIN metric_series s ON s.pick = 1 AND s.function_name = m.function_name
   AND s.period_seconds IS NOT DISTINCT FROM m.period_seconds
   AND (s.period_seconds IS NOT NULL OR s.file_id = m.file_id)
  WHERE m.metric = 'Invocations' AND coalesce(m.stat, 'Sum') = 'Sum'
    AND m.function_name NOT IN (SELECT DISTINCT function_name FROM from_logs)
  GROUP BY ALL
),
counts AS (
  SELECT * FROM from_logs UNION ALL SELECT * FROM from_metrics
),
span AS (
  SELECT function_name, min(hour) AS lo, max(hour) AS hi FROM counts GROUP BY ALL
),
grid AS (
  -- every hour between a function's first and last data point, zero when it did not run
  SELECT s.function_name, g.hour
  FROM span s, LATERAL (SELECT unnest(generate_series(s.lo, s.hi, INTERVAL 1 HOUR)) AS hour) g
),
filled AS (
  SELECT g.function_name, g.hour, coalesce(c.n, 0) AS n, hour(g.hour) AS hod
  FROM grid g LEFT JOIN counts c USING (function_name, hour)
  WHERE $function IS NULL OR g.function_name = $function
),
base AS (
  SELECT function_name, hod,
         median(n) AS med,
         quantile_cont(n, 0.9) AS p90,
         count(*) AS days
  FROM filled WHERE hour < $incident_start::TIMESTAMPTZ
  GROUP BY function_name, hod
),
base_all AS (
  SELECT function_name, median(n) AS med_all, max(n) AS max_all FROM filled
  WHERE hour < $incident_start::TIMESTAMPTZ GROUP BY function_name
),
scored AS (
  SELECT f.function_name, f.hour, f.n,
         -- expected: the median for this hour of day; the upper spread: the 90th percentile
         greatest(coalesce(b.med, a.med_all), 0) AS expected,
         greatest(coalesce(b.p90, a.max_all), 0) AS upper
  FROM filled f
  JOIN base_all a USING (function_name)
  LEFT JOIN base b USING (function_name, hod)
  WHERE f.hour >= date_trunc('hour', $incident_start::TIMESTAMPTZ)
),
z AS (
  SELECT *, (n - upper) / sqrt(greatest(upper, 1)) AS score,
         n >= 3 * expected + 10 AND (n - upper) / sqrt(greatest(upper, 1)) >= 5 AS spike
  FROM scored
),
islands AS (
  SELECT *, hour - to_hours(row_number() OVER (PARTITION BY function_name ORDER BY hour)) AS grp
  FROM z WHERE spike
)
SELECT
  function_name AS "function",
  min(hour) AS window_start,
  max(hour) + INTERVAL 1 HOUR AS window_end,
  sum(n)::BIGINT AS invocations,
  round(sum(expected), 1) AS expected,
  round(max(score), 1) AS score
FROM islands
GROUP BY function_name, grp
ORDER BY window_start, "function";
