-- Hourly invocations of each function over its own data span, zero where it did not run: from
-- REPORT/START lines (lambda_invocations), or — for a function without logs — from the
-- Invocations metric. The same data exported at two periods must not count twice, so one metric
-- series is kept per function: the finest period (and, among exports of unknown period, the first
-- file). Shared by the invocation-spikes analyzer and the report's chart.
CREATE OR REPLACE VIEW function_hourly_invocations AS
WITH from_logs AS (
  SELECT function_name, date_trunc('hour', coalesce(start_time, end_time)) AS hour, count(*)::DOUBLE AS n
  FROM lambda_invocations
  WHERE function_name IS NOT NULL AND coalesce(start_time, end_time) IS NOT NULL
  GROUP BY ALL
),
metric_series AS (
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
  SELECT *, 'logs' AS source FROM from_logs UNION ALL SELECT *, 'metrics' FROM from_metrics
),
span AS (
  SELECT function_name, any_value(source) AS source, min(hour) AS lo, max(hour) AS hi FROM counts GROUP BY ALL
)
SELECT s.function_name, g.hour, coalesce(c.n, 0) AS n, hour(g.hour) AS hod, s.source
FROM span s
CROSS JOIN LATERAL (SELECT unnest(generate_series(s.lo, s.hi, INTERVAL 1 HOUR)) AS hour) g
LEFT JOIN counts c ON c.function_name = s.function_name AND c.hour = g.hour;
