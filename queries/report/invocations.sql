-- Report: hourly invocations of one function over the data window, with the learned baseline
-- band for each hour of day. Counts come from the function_hourly_invocations view, shared with
-- queries/analyzers/invocation-spikes.sql; the band is the baseline's median (expected) .. 90th percentile for that hour of day, falling
-- back to the overall median .. maximum when the hour of day has no baseline.
-- Parameters: $function, $incident_start, $data_start, $data_end.
WITH filled AS (
  SELECT hour, n, hod, source FROM function_hourly_invocations WHERE function_name = $function
),
span AS (
  SELECT min(hour) AS lo, max(hour) AS hi, any_value(source) AS source FROM filled
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
  (SELECT source FROM span) AS source
FROM axis a
LEFT JOIN filled f USING (hour)
LEFT JOIN base b ON b.hod = hour(a.hour)
CROSS JOIN base_all ba
ORDER BY a.hour;
