-- Report: the API calls each function's own execution-role session made (function_sessions,
-- actor 'function': the Lambda service's own use of the role is left out, as in unusual-api),
-- per (event source, API), baseline next to incident. A pair with incident calls and none in the
-- baseline is new. Per function in $functions, the first $limit pairs, new ones first; the
-- function's totals on each of its rows.
-- Parameters: $functions (VARCHAR[]), $incident_start, $limit.
WITH s AS (
  SELECT *, event_time >= $incident_start::TIMESTAMPTZ AS inc
  FROM function_sessions
  WHERE function_name IN (SELECT unnest($functions::VARCHAR[])) AND actor = 'function'
),
g AS (
  SELECT
    function_name,
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
),
ranked AS (
  SELECT
    *,
    baseline = 0 AND incident > 0 AS is_new,
    count(*) OVER fn AS total_pairs,
    count(*) FILTER (WHERE baseline = 0 AND incident > 0) OVER fn AS total_new,
    sum(baseline) OVER fn AS total_baseline,
    sum(incident) OVER fn AS total_incident
  FROM g
  WINDOW fn AS (PARTITION BY function_name)
)
SELECT * EXCLUDE (pos)
FROM (
  SELECT *, row_number() OVER (PARTITION BY function_name
                               ORDER BY is_new DESC, incident DESC, baseline DESC, event_source, api_name) AS pos
  FROM ranked
)
WHERE pos <= $limit
ORDER BY function_name, pos;
