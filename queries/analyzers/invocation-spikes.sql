-- invocation-spikes: hours in the incident window in which a function ran far more often than its
-- own baseline for that hour of day. Counts come from the function_hourly_invocations view
-- (REPORT/START lines, or the Invocations metric for a function without logs). The baseline is
-- seasonal (by hour of day), so a nightly scheduled burst that recurs every day is not a spike. No user threshold:
-- a window is reported when the count is at least 3x the expected value plus 10, and the score
-- (a Poisson-style z value against the baseline's median and spread for that hour) is at least 5.
WITH filled AS (
  SELECT function_name, hour, n, hod FROM function_hourly_invocations
  WHERE $function IS NULL OR function_name = $function
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
