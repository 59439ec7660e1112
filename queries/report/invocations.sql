-- Report: hourly invocations of one function over the data window, with the learned baseline
-- band for each hour of day. Counts and band are computed exactly as in
-- queries/analyzers/invocation-spikes.sql: REPORT/START lines (lambda_invocations), or the
-- Invocations metric for a function without logs; the function's own span is filled with zeros;
-- the band is the baseline's median (expected) .. 90th percentile for that hour of day, falling
-- back to the overall median .. maximum when the hour of day has no baseline.
-- Parameters: $function, $incident_start, $data_start, $data_end.
WITH from_logs AS (
  SELECT date_trunc('hour', coalesce(start_time, end_time)) AS hour, count(*)::DOUBLE AS n
  FROM lambda_invocations
  WHERE function_name = $function AND coalesce(start_time, end_time) IS NOT NULL
  GROUP BY ALL
),
from_metrics AS (
  SELECT date_trunc('hour', time) AS hour, sum(value) AS n
  FROM lambda_metrics
  WHERE function_name = $function AND metric = 'Invocations' AND coalesce(stat, 'Sum') = 'Sum'
    AND NOT EXISTS (SELECT 1 FROM from_logs)
  GROUP BY ALL
),
counts AS (
  SELECT * FROM from_logs UNION ALL SELECT * FROM from_metrics
),
span AS (
  SELECT min(hour) AS lo, max(hour) AS hi FROM counts
),
filled AS (
  SELECT g.hour, coalesce(c.n, 0) AS n, hour(g.hour) AS hod
  FROM (SELECT unnest(generate_series(span.lo, span.hi, INTERVAL 1 HOUR)) AS hour FROM span WHERE span.lo IS NOT NULL) g
  LEFT JOIN counts c USING (hour)
),
base AS (
  SELECT hod, median(n) AS med, quantile_cont(n, 0.9) AS p90
  FROM filled WHERE hour < $incident_start::TIMESTAMPTZ
  GROUP BY hod
),
base_all AS (
  SELECT median(n) AS med_all, max(n) AS max_all FROM filled WHERE hour < $incident_start::TIMESTAMPTZ
),
axis AS (
  SELECT unnest(generate_series(
    least(date_trunc('hour', $data_start::TIMESTAMPTZ), coalesce((SELECT lo FROM span), date_trunc('hour', $data_start::TIMESTAMPTZ))),
    greatest(date_trunc('hour', $data_end::TIMESTAMPTZ), coalesce((SELECT hi FROM span), date_trunc('hour', $data_end::TIMESTAMPTZ))),
    INTERVAL 1 HOUR)) AS hour
)
SELECT
  a.hour,
  f.n,
  greatest(coalesce(b.med, ba.med_all), 0) AS expected,
  greatest(coalesce(b.p90, ba.max_all), 0) AS upper,
  CASE WHEN EXISTS (SELECT 1 FROM from_logs) THEN 'logs' WHEN EXISTS (SELECT 1 FROM from_metrics) THEN 'metrics' END AS source
FROM axis a
LEFT JOIN filled f USING (hour)
LEFT JOIN base b ON b.hod = hour(a.hour)
CROSS JOIN base_all ba
ORDER BY a.hour;
