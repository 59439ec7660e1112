-- code-changes: Lambda control-plane changes (successful calls), with whether the actor and the
-- source IP are new. The actor is the role for assumed-role sessions (CI runs get a new session
-- name every time) and the principal otherwise.
WITH changes AS (
  SELECT
    e.*,
    coalesce(
      lf_fn_name(e.request_parameters ->> '$.functionName'),
      lf_fn_name(e.response_elements ->> '$.functionName'),
      lf_fn_name(e.response_elements ->> '$.functionArn')
    ) AS fn,
    coalesce(e.session_issuer_arn, e.principal_arn, e.user_name, e.invoked_by) AS actor_key
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com'
    AND e.error_code IS NULL
    AND lf_is_lambda_change(e.api_name)
),
firsts AS (
  SELECT *, row_number() OVER (PARTITION BY actor_key ORDER BY event_time, event_id) = 1 AS is_first
  FROM changes
),
baseline_ips AS (
  SELECT DISTINCT coalesce(session_issuer_arn, principal_arn, user_name, invoked_by) AS actor_key, source_ip
  FROM cloudtrail_events
  WHERE event_time < $incident_start::TIMESTAMPTZ
)
SELECT
  c.fn AS "function",
  c.event_time AS "time",
  c.api_name AS event_name,
  c.principal_arn AS actor_arn,
  c.identity_type AS actor_type,
  c.source_ip,
  c.user_agent,
  c.is_first AS new_actor,
  b.source_ip IS NULL AS new_source_ip,
  c.event_id,
  c.event_time >= $incident_start::TIMESTAMPTZ AS _in_incident,
  -- a configuration change that only touches memory, timeout, description or ephemeral storage
  (c.api_name = 'UpdateFunctionConfiguration' AND c.request_parameters IS NOT NULL
    AND list_has_all(['functionName', 'memorySize', 'timeout', 'description', 'ephemeralStorage', 'revisionId'],
                     json_keys(c.request_parameters))) AS _benign_config
FROM firsts c
LEFT JOIN baseline_ips b ON b.actor_key = c.actor_key AND b.source_ip IS NOT DISTINCT FROM c.source_ip
WHERE ($function IS NULL OR c.fn = $function)
ORDER BY c.event_time, c.event_id;
