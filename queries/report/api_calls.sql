-- Report: the API calls a function's own execution-role session made (function_sessions,
-- actor 'function': the Lambda service's own use of the role is left out, as in unusual-api),
-- per (event source, API), baseline next to incident. A pair with incident calls and none in the
-- baseline is new. The first $limit pairs, new ones first; totals on every row.
-- Parameters: $function, $incident_start, $limit.
WITH s AS (
  SELECT *, event_time >= $incident_start::TIMESTAMPTZ AS inc
  FROM function_sessions
  WHERE function_name = $function AND actor = 'function'
),
g AS (
  SELECT
    event_source,
    api_name,
    count(*) FILTER (WHERE NOT inc) AS baseline,
    count(*) FILTER (WHERE inc) AS incident,
    min(event_time) FILTER (WHERE inc) AS first_incident,
    count(*) FILTER (WHERE inc AND error_code IS NOT NULL) AS incident_errors,
    count(*) FILTER (WHERE inc AND coalesce(user_agent, '') NOT LIKE '%exec-env/AWS_Lambda%') AS incident_outside,
    count(DISTINCT source_ip) FILTER (WHERE inc) AS incident_ips,
    (list(DISTINCT source_ip ORDER BY source_ip) FILTER (WHERE inc AND source_ip IS NOT NULL))[1:3] AS incident_ip_sample
  FROM s
  GROUP BY ALL
)
SELECT
  *,
  baseline = 0 AND incident > 0 AS is_new,
  count(*) OVER () AS total_pairs,
  count(*) FILTER (WHERE baseline = 0 AND incident > 0) OVER () AS total_new,
  sum(baseline) OVER () AS total_baseline,
  sum(incident) OVER () AS total_incident
FROM g
ORDER BY is_new DESC, incident DESC, baseline DESC, event_source, api_name
LIMIT $limit;
