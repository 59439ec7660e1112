-- unusual-api: calls made by a function's own role session in the incident window whose
-- (event_source, api_name) pair never occurred for that function in the baseline. The Lambda
-- service's own use of the role (ENI management, KMS decryption of environment variables) is not
-- the function's behaviour and is left out of both windows.
WITH s AS (
  SELECT * FROM function_sessions
  WHERE actor = 'function' AND ($function IS NULL OR function_name = $function)
),
baseline AS (
  SELECT DISTINCT function_name, event_source, api_name FROM s WHERE event_time < $incident_start::TIMESTAMPTZ
),
has_baseline AS (
  SELECT DISTINCT function_name FROM s WHERE event_time < $incident_start::TIMESTAMPTZ
)
SELECT
  s.function_name AS "function",
  string_agg(DISTINCT s.role_arn, ',' ORDER BY s.role_arn) AS role_arn,
  s.event_source,
  s.api_name AS event_name,
  min(s.event_time) AS first_seen,
  max(s.event_time) AS last_seen,
  count(*) AS "count",
  coalesce(list(DISTINCT s.error_code ORDER BY s.error_code) FILTER (WHERE s.error_code IS NOT NULL), []) AS error_codes,
  coalesce(list(DISTINCT s.source_ip ORDER BY s.source_ip) FILTER (WHERE s.source_ip IS NOT NULL), []) AS source_ips,
  (SELECT count(*) FROM has_baseline h WHERE h.function_name = s.function_name) > 0 AS _has_baseline
FROM s
WHERE s.event_time >= $incident_start::TIMESTAMPTZ
  AND NOT EXISTS (
    SELECT 1 FROM baseline b
    WHERE b.function_name = s.function_name AND b.event_source = s.event_source AND b.api_name = s.api_name
  )
GROUP BY s.function_name, s.event_source, s.api_name
ORDER BY first_seen, "function", event_source, event_name;
