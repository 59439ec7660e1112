-- lambda-recon: Lambda discovery calls (listing and reading functions, their code location,
-- configuration with environment variables, policies, layers and event sources) in the incident
-- window by a principal that made no such call in the baseline, or from an IP new for it.
-- The principal is the role for assumed-role sessions, so a CI/CD role reading the functions it
-- deploys, the same way every day, is known.
WITH recon AS (
  SELECT e.*,
    coalesce(e.session_issuer_arn, e.principal_arn, e.user_name, e.invoked_by) AS actor_key,
    coalesce(lf_fn_name(e.request_parameters ->> '$.functionName'), lf_fn_name(e.request_parameters ->> '$.layerName')) AS fn
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com'
    AND e.api_name IN ('ListFunctions', 'GetFunction', 'GetFunctionConfiguration', 'GetPolicy', 'ListVersionsByFunction',
                       'ListAliases', 'ListLayers', 'ListLayerVersions', 'GetLayerVersion', 'GetLayerVersionPolicy',
                       'ListEventSourceMappings', 'GetEventSourceMapping', 'GetFunctionUrlConfig', 'ListFunctionUrlConfigs',
                       'GetFunctionCodeSigningConfig', 'GetAccountSettings')
    AND NOT lf_is_aws_service(e.source_ip, e.user_agent, e.invoked_by)
),
baseline_actors AS (SELECT DISTINCT actor_key FROM recon WHERE event_time < $incident_start::TIMESTAMPTZ),
baseline_ips AS (
  SELECT DISTINCT coalesce(session_issuer_arn, principal_arn, user_name, invoked_by) AS actor_key, source_ip
  FROM cloudtrail_events WHERE event_time < $incident_start::TIMESTAMPTZ
),
incident AS (
  SELECT r.*,
    r.actor_key NOT IN (SELECT actor_key FROM baseline_actors) AS new_actor,
    NOT EXISTS (SELECT 1 FROM baseline_ips b WHERE b.actor_key = r.actor_key AND b.source_ip IS NOT DISTINCT FROM r.source_ip) AS new_source_ip
  FROM recon r
  WHERE r.event_time >= $incident_start::TIMESTAMPTZ
    AND ($function IS NULL OR r.fn = $function OR r.fn IS NULL)
)
SELECT
  principal_arn AS actor_arn,
  source_ip,
  api_name AS event_name,
  fn AS "function",
  min(event_time) AS "time",
  count(*) AS "count",
  bool_or(new_actor) AS new_actor,
  bool_or(new_source_ip) AS new_source_ip
FROM incident
WHERE new_actor OR new_source_ip
GROUP BY principal_arn, source_ip, api_name, fn
ORDER BY "time", actor_arn, event_name, "function";
