-- timeline: every event from every source touching one function, in time order. Invocations and
-- flows are bucketed per minute so a busy function stays readable. $from / $to narrow the range.
WITH fn AS (SELECT $function::VARCHAR AS name),
ct_target AS (
  -- control-plane events naming the function
  SELECT e.event_time AS time, 'cloudtrail' AS source, e.api_name AS kind,
         e.api_name || ' by ' || coalesce(e.principal_arn, e.invoked_by, '?') || ' from ' || coalesce(e.source_ip, '?')
           || CASE WHEN e.error_code IS NOT NULL THEN ' (' || e.error_code || ')' ELSE '' END AS summary,
         e.event_id AS ref,
         json_object('actor', e.principal_arn, 'source_ip', e.source_ip, 'user_agent', e.user_agent,
                     'error_code', e.error_code, 'request_parameters', e.request_parameters) AS detail
  FROM cloudtrail_events e, fn
  WHERE e.event_source = 'lambda.amazonaws.com'
    AND ($from IS NULL OR e.event_time >= $from::TIMESTAMPTZ) AND ($to IS NULL OR e.event_time <= $to::TIMESTAMPTZ)
    AND coalesce(lf_fn_name(e.request_parameters ->> '$.functionName'), lf_fn_name(e.response_elements ->> '$.functionName')) = fn.name
),
ct_session AS (
  -- calls made with the function's role session
  SELECT s.event_time, 'cloudtrail', 'role-session:' || s.actor,
         s.api_name || ' (' || coalesce(s.event_source, '?') || ') from ' || coalesce(s.source_ip, '?')
           || CASE WHEN s.error_code IS NOT NULL THEN ' (' || s.error_code || ')' ELSE '' END,
         s.event_id,
         json_object('source_ip', s.source_ip, 'user_agent', s.user_agent, 'access_key_id', s.access_key_id, 'error_code', s.error_code)
  FROM function_sessions s, fn WHERE s.function_name = fn.name
    AND ($from IS NULL OR s.event_time >= $from::TIMESTAMPTZ) AND ($to IS NULL OR s.event_time <= $to::TIMESTAMPTZ)
),
inv AS (
  SELECT date_trunc('minute', coalesce(start_time, end_time)) AS time, 'logs', 'invocations',
         count(*) || ' invocation(s)'
           || CASE WHEN count(*) FILTER (WHERE status <> 'success') > 0
                   THEN ', ' || count(*) FILTER (WHERE status <> 'success') || ' not successful' ELSE '' END,
         min(request_id),
         json_object('count', count(*), 'timeouts', count(*) FILTER (WHERE status = 'timeout'),
                     'errors', count(*) FILTER (WHERE status = 'error'), 'cold_starts', count(init_duration_ms),
                     'max_duration_ms', max(duration_ms))
  FROM lambda_invocations, fn WHERE function_name = fn.name AND coalesce(start_time, end_time) IS NOT NULL
    -- the range filter below, applied before bucketing (a minute starts at or after $from only if
    -- all of its records do)
    AND ($from IS NULL OR coalesce(start_time, end_time) >= $from::TIMESTAMPTZ)
    AND ($to IS NULL OR date_trunc('minute', coalesce(start_time, end_time)) <= $to::TIMESTAMPTZ)
  GROUP BY 1
),
flows AS (
  SELECT date_trunc('minute', ff.start_time), 'flow', 'flows',
         count(*) || ' flow record(s), ' || count(DISTINCT ff.peer_address) || ' peer(s), '
           || coalesce(sum(ff.bytes), 0) || ' bytes'
           || CASE WHEN count(*) FILTER (WHERE ff.action = 'REJECT') > 0 THEN ', ' || count(*) FILTER (WHERE ff.action = 'REJECT') || ' rejected' ELSE '' END,
         min(ff.eni_id),
         json_object('peers', list(DISTINCT ff.peer_address), 'bytes', sum(ff.bytes), 'packets', sum(ff.packets),
                     'enis', list(DISTINCT ff.eni_id))
  FROM function_flows ff, fn
  WHERE ff.function_name = fn.name
    AND ($from IS NULL OR ff.start_time >= $from::TIMESTAMPTZ)
    AND ($to IS NULL OR date_trunc('minute', ff.start_time) <= $to::TIMESTAMPTZ)
  GROUP BY 1
),
eni AS (
  SELECT n.snapshot_time, 'eni', 'eni-snapshot',
         'ENI ' || n.eni_id || ' (' || coalesce(n.private_ip, '?') || ') ' || coalesce(n.status, '')
           || CASE WHEN a.ambiguous THEN ' shared with other functions' ELSE '' END,
         n.eni_id,
         json_object('subnet_id', n.subnet_id, 'security_groups', n.security_group_ids, 'description', n.description, 'method', a.method)
  FROM network_interfaces n
  JOIN (SELECT DISTINCT eni_id, method, ambiguous FROM eni_attribution, fn WHERE function_name = fn.name) a USING (eni_id)
),
metrics AS (
  SELECT m.time, 'metrics', lower(m.metric), m.metric || ' ' || coalesce(m.stat, '') || ' = ' || m.value,
         NULL, json_object('metric', m.metric, 'stat', m.stat, 'value', m.value, 'unit', m.unit)
  FROM lambda_metrics m, fn WHERE m.function_name = fn.name
),
config AS (
  SELECT c.last_modified, 'config', 'configuration',
         'configuration dump: ' || coalesce(c.runtime, '?') || ', handler ' || coalesce(c.handler, '?') || ', code ' || coalesce(c.code_sha256, '?'),
         c.function_arn,
         json_object('role', c.role_arn, 'layers', c.layers, 'memory_size', c.memory_size, 'timeout', c.timeout, 'source_file', c.source_file)
  FROM lambda_functions c, fn WHERE c.function_name = fn.name AND c.last_modified IS NOT NULL
),
everything AS (
  SELECT * FROM ct_target UNION ALL SELECT * FROM ct_session UNION ALL SELECT * FROM inv
  UNION ALL SELECT * FROM flows UNION ALL SELECT * FROM eni UNION ALL SELECT * FROM metrics UNION ALL SELECT * FROM config
)
SELECT e.time, fn.name AS "function", e.source, e.kind, e.summary, e.ref, e.detail
FROM everything e, fn
WHERE ($from IS NULL OR e.time >= $from::TIMESTAMPTZ) AND ($to IS NULL OR e.time <= $to::TIMESTAMPTZ)
ORDER BY e.time, e.source, e.kind, e.ref;
