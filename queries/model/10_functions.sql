-- The function model: views over the imported tables, documented in the README.

-- Every role a function has been configured with: from the configuration dumps and from
-- CreateFunction / UpdateFunctionConfiguration request parameters in CloudTrail.
CREATE OR REPLACE VIEW function_roles AS
SELECT DISTINCT function_name, role_arn, lf_role_key(role_arn) AS role_key, 'config' AS source
FROM lambda_functions WHERE function_name IS NOT NULL AND role_arn IS NOT NULL
UNION
SELECT DISTINCT lf_fn_name(request_parameters ->> '$.functionName'), request_parameters ->> '$.role',
       lf_role_key(request_parameters ->> '$.role'), 'cloudtrail'
FROM cloudtrail_events
WHERE event_source = 'lambda.amazonaws.com' AND api_name IN ('CreateFunction', 'UpdateFunctionConfiguration')
  AND error_code IS NULL AND (request_parameters ->> '$.role') IS NOT NULL;

-- Every function known from any source, with where it was seen.
CREATE OR REPLACE VIEW functions AS
WITH seen AS (
  SELECT function_name, 'config' AS source, min(last_modified) AS first_seen, max(last_modified) AS last_seen
  FROM lambda_functions GROUP BY ALL
  UNION ALL
  SELECT function_name, 'logs', min(time), max(time) FROM lambda_log_events WHERE function_name IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT fn, 'cloudtrail', min(event_time), max(event_time)
  FROM (
    SELECT coalesce(lf_fn_name(request_parameters ->> '$.functionName'),
                    lf_fn_name(response_elements ->> '$.functionName')) AS fn, event_time
    FROM cloudtrail_events WHERE event_source = 'lambda.amazonaws.com'
    UNION ALL
    SELECT lf_fn_name(unnest(CAST(json_extract_string(resources, '$[*].ARN') AS VARCHAR[]))), event_time
    FROM cloudtrail_events
    WHERE resources IS NOT NULL AND CAST(resources AS VARCHAR) LIKE '%:function:%'
  ) WHERE fn IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT lf_eni_function(description), 'eni', min(snapshot_time), max(snapshot_time)
  FROM network_interfaces WHERE interface_type = 'lambda' AND lf_eni_function(description) IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT session_name, 'role-session', min(event_time), max(event_time)
  FROM cloudtrail_events
  WHERE identity_type = 'AssumedRole' AND user_agent LIKE '%exec-env/AWS_Lambda%' AND session_name IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT function_name, 'metrics', min(time), max(time) FROM lambda_metrics GROUP BY ALL
  UNION ALL
  SELECT function_name, 'policy', NULL, NULL FROM lambda_policy_statements WHERE function_name IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT function_name, 'url', min(creation_time), max(last_modified_time) FROM function_urls WHERE function_name IS NOT NULL GROUP BY ALL
)
SELECT
  s.function_name,
  list(DISTINCT s.source ORDER BY s.source) AS sources,
  min(s.first_seen) AS first_seen,
  max(s.last_seen) AS last_seen,
  (SELECT string_agg(DISTINCT r.role_arn, ',' ORDER BY r.role_arn) FROM function_roles r WHERE r.function_name = s.function_name) AS role_arns
FROM seen s
WHERE s.function_name IS NOT NULL
GROUP BY s.function_name;

-- The names of every function, without the time ranges: a cheaper set for joins. Function names
-- found only in CloudTrail `resources` ARNs are left out here (see `functions`).
CREATE OR REPLACE VIEW function_names AS
SELECT DISTINCT function_name FROM (
  SELECT function_name FROM lambda_functions
  UNION SELECT function_name FROM lambda_log_events
  UNION SELECT function_name FROM lambda_metrics
  UNION SELECT function_name FROM lambda_policy_statements
  UNION SELECT function_name FROM function_urls
  UNION SELECT lf_eni_function(description) FROM network_interfaces WHERE interface_type = 'lambda'
  UNION SELECT coalesce(lf_fn_name(request_parameters ->> '$.functionName'), lf_fn_name(response_elements ->> '$.functionName'))
        FROM cloudtrail_events WHERE event_source = 'lambda.amazonaws.com'
  UNION SELECT session_name FROM cloudtrail_events
        WHERE identity_type = 'AssumedRole' AND user_agent LIKE '%exec-env/AWS_Lambda%'
) WHERE function_name IS NOT NULL;

-- CloudTrail events made with a function's execution-role session: the session name is the
-- function name, and the role is one the function was configured with (when any is known).
-- actor 'function' is the code's own behaviour; 'lambda-service' is the Lambda service using the
-- role (ENI management, KMS decryption of environment variables, invokedBy / AWS-service calls).
CREATE OR REPLACE VIEW function_sessions AS
WITH roles AS (
  SELECT function_name, list(DISTINCT role_key) AS role_keys FROM function_roles GROUP BY function_name
),
-- Every test on the identity (its type, session name and role) is made once per distinct
-- userIdentity (cloudtrail_identities, a few thousand rows), and only the events of the identities
-- that pass are read: tested on each event through cloudtrail_events, the role key alone was
-- computed for 560,000 events at bench scale 1.
sessions AS (
  SELECT i.user_identity, i.session_name, i.session_issuer_arn, i.principal_arn, i.access_key_id, i.invoked_by,
         CASE WHEN r.role_keys IS NOT NULL THEN 'role+session-name' ELSE 'session-name' END AS method
  FROM cloudtrail_identities i
  SEMI JOIN function_names f ON f.function_name = i.session_name
  LEFT JOIN roles r ON r.function_name = i.session_name
  WHERE i.identity_type = 'AssumedRole'
    AND i.session_name IS NOT NULL
    AND (r.role_keys IS NULL OR list_contains(r.role_keys, lf_role_key(i.session_issuer_arn)))
)
SELECT
  s.session_name AS function_name,
  e.event_time, e.event_id, e.event_source, e.event_name, e.api_name,
  s.session_issuer_arn AS role_arn,
  s.principal_arn AS session_arn,
  s.access_key_id, e.source_ip, e.user_agent, e.error_code, e.read_only,
  CASE WHEN lf_is_aws_service(e.source_ip, e.user_agent, s.invoked_by) THEN 'lambda-service' ELSE 'function' END AS actor,
  s.method
FROM cloudtrail_records e
JOIN sessions s ON s.user_identity = e.user_identity;
