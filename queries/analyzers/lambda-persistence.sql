-- lambda-persistence: configuration changes that give an attacker a foothold in a function.
-- Each function's CreateFunction / UpdateFunctionConfiguration request parameters are taken in
-- time order and diffed (a parameter absent from a request is unchanged), and the configuration
-- dumps are checked for what CloudTrail does not explain. Memory, timeout and description
-- changes are not reported.
WITH cfg AS (
  SELECT
    e.event_id, e.event_time, e.api_name, e.principal_arn, e.source_ip,
    coalesce(e.recipient_account_id, e.account_id) AS account,
    coalesce(lf_fn_name(e.request_parameters ->> '$.functionName'), lf_fn_name(e.response_elements ->> '$.functionName')) AS fn,
    CASE WHEN json_type(e.request_parameters, '$.layers') = 'ARRAY'
         THEN CAST(json_extract_string(e.request_parameters, '$.layers[*]') AS VARCHAR[]) END AS layers,
    CASE WHEN json_type(e.request_parameters, '$.environment.variables') = 'OBJECT'
         THEN json_extract(e.request_parameters, '$.environment.variables') END AS env,
    e.request_parameters ->> '$.runtime' AS runtime,
    e.request_parameters ->> '$.handler' AS handler,
    e.request_parameters ->> '$.role' AS role
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com' AND e.api_name IN ('CreateFunction', 'UpdateFunctionConfiguration')
    AND e.error_code IS NULL
),
exec_vars(k) AS (
  VALUES ('AWS_LAMBDA_EXEC_WRAPPER'), ('NODE_OPTIONS'), ('PYTHONPATH'), ('PYTHONSTARTUP'), ('PYTHONWARNINGS'),
         ('JAVA_TOOL_OPTIONS'), ('_JAVA_OPTIONS'), ('LD_PRELOAD'), ('LD_LIBRARY_PATH'), ('PERL5OPT'), ('PERL5LIB'),
         ('RUBYOPT'), ('RUBYLIB'), ('DOTNET_STARTUP_HOOKS'), ('BASH_ENV'), ('NODE_PATH')
),
layer_seq AS (
  SELECT *, lag(layers) OVER (PARTITION BY fn ORDER BY event_time, event_id) AS prev_layers
  FROM cfg WHERE layers IS NOT NULL
),
layer_rows AS (
  SELECT fn, 'layer' AS kind, principal_arn, event_time, source_ip,
         array_to_string(coalesce(prev_layers, []), ',') AS before, l AS after, event_id,
         split_part(l, ':', 5) <> account AS foreign_account
  FROM layer_seq, unnest(layers) AS t(l)
  WHERE NOT list_contains(coalesce(prev_layers, []), l)
    AND (api_name = 'UpdateFunctionConfiguration' OR split_part(l, ':', 5) <> account)
),
env_seq AS (
  SELECT *, lag(env) OVER (PARTITION BY fn ORDER BY event_time, event_id) AS prev_env
  FROM cfg WHERE env IS NOT NULL
),
env_rows AS (
  SELECT fn, 'exec-env-var' AS kind, principal_arn, event_time, source_ip,
         CASE WHEN (prev_env ->> x.k) IS NOT NULL THEN x.k || '=' || (prev_env ->> x.k) END AS before,
         x.k || '=' || (env ->> x.k) AS after, event_id, false AS foreign_account
  FROM env_seq, exec_vars x
  WHERE (env ->> x.k) IS NOT NULL AND (prev_env ->> x.k) IS DISTINCT FROM (env ->> x.k)
),
dump_env_rows AS (
  -- an execution-changing variable in a configuration dump that no CloudTrail request explains
  SELECT d.function_name AS fn, 'exec-env-var' AS kind,
         (SELECT c.principal_arn FROM cfg c WHERE c.fn = d.function_name AND c.event_time <= d.last_modified ORDER BY c.event_time DESC LIMIT 1) AS principal_arn,
         d.last_modified AS event_time,
         (SELECT c.source_ip FROM cfg c WHERE c.fn = d.function_name AND c.event_time <= d.last_modified ORDER BY c.event_time DESC LIMIT 1) AS source_ip,
         NULL AS before, x.k || '=' || (d.environment ->> x.k) AS after,
         (SELECT c.event_id FROM cfg c WHERE c.fn = d.function_name AND c.event_time <= d.last_modified ORDER BY c.event_time DESC LIMIT 1) AS event_id,
         false AS foreign_account
  FROM lambda_functions d, exec_vars x
  WHERE (d.environment ->> x.k) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM env_rows r WHERE r.fn = d.function_name AND r.after = x.k || '=' || (d.environment ->> x.k))
),
dump_layer_rows AS (
  SELECT d.function_name AS fn, 'layer' AS kind, NULL AS principal_arn, d.last_modified AS event_time, NULL AS source_ip,
         NULL AS before, l AS after, NULL AS event_id,
         split_part(l, ':', 5) <> split_part(d.function_arn, ':', 5) AS foreign_account
  FROM lambda_functions d, unnest(d.layers) AS t(l)
  WHERE split_part(l, ':', 5) <> split_part(d.function_arn, ':', 5)
    AND NOT EXISTS (SELECT 1 FROM cfg c WHERE c.fn = d.function_name AND list_contains(coalesce(c.layers, []), l))
),
setting_rows AS (
  -- runtime, handler and role: reported when the value before is known (an earlier request or an
  -- older configuration dump) and differs
  SELECT fn, kind, principal_arn, event_time, source_ip, before, after, event_id, false AS foreign_account
  FROM (
    SELECT c.fn, s.kind, c.principal_arn, c.event_time, c.source_ip, c.event_id, s.after,
      coalesce(
        lag(s.after) OVER (PARTITION BY c.fn, s.kind ORDER BY c.event_time, c.event_id),
        (SELECT CASE s.kind WHEN 'runtime' THEN d.runtime WHEN 'handler' THEN d.handler ELSE d.role_arn END
         FROM lambda_functions d WHERE d.function_name = c.fn AND d.last_modified < c.event_time
         ORDER BY d.last_modified DESC LIMIT 1)
      ) AS before
    FROM cfg c, LATERAL (VALUES ('runtime', c.runtime), ('handler', c.handler), ('role', c.role)) AS s(kind, after)
    WHERE s.after IS NOT NULL
  )
  WHERE before IS NOT NULL AND before <> after
),
perm_rows AS (
  SELECT
    lf_fn_name(e.request_parameters ->> '$.functionName') AS fn,
    CASE WHEN (e.request_parameters ->> '$.principal') = '*' THEN 'public-permission' ELSE 'cross-account-permission' END AS kind,
    e.principal_arn, e.event_time, e.source_ip,
    NULL AS before,
    'Principal ' || (e.request_parameters ->> '$.principal') || ' ' || coalesce(e.request_parameters ->> '$.action', '')
      || coalesce(' FunctionUrlAuthType ' || (e.request_parameters ->> '$.functionUrlAuthType'), '') AS after,
    e.event_id,
    (e.request_parameters ->> '$.principal') <> '*' AS foreign_account
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com' AND e.api_name = 'AddPermission' AND e.error_code IS NULL
    AND (
      ((e.request_parameters ->> '$.principal') = '*'
        AND (e.request_parameters ->> '$.sourceArn') IS NULL AND (e.request_parameters ->> '$.sourceAccount') IS NULL
        AND (e.request_parameters ->> '$.principalOrgID') IS NULL)
      OR (regexp_extract(e.request_parameters ->> '$.principal', '^(?:arn:aws[a-z-]*:iam::)?([0-9]{12})(?::.*)?$', 1) NOT IN ('', coalesce(e.recipient_account_id, e.account_id, '')))
    )
),
url_rows AS (
  SELECT lf_fn_name(e.request_parameters ->> '$.functionName') AS fn, 'public-url' AS kind,
         e.principal_arn, e.event_time, e.source_ip, NULL AS before, 'AuthType NONE' AS after, e.event_id, false AS foreign_account
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com' AND e.api_name IN ('CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig')
    AND e.error_code IS NULL AND (e.request_parameters ->> '$.authType') = 'NONE'
),
esm_rows AS (
  SELECT lf_fn_name(e.request_parameters ->> '$.functionName') AS fn, 'foreign-event-source' AS kind,
         e.principal_arn, e.event_time, e.source_ip, NULL AS before, e.request_parameters ->> '$.eventSourceArn' AS after, e.event_id,
         true AS foreign_account
  FROM cloudtrail_events e
  WHERE e.event_source = 'lambda.amazonaws.com' AND e.api_name IN ('CreateEventSourceMapping', 'UpdateEventSourceMapping')
    AND e.error_code IS NULL
    AND split_part(e.request_parameters ->> '$.eventSourceArn', ':', 5) NOT IN ('', coalesce(e.recipient_account_id, e.account_id, ''))
),
everything AS (
  SELECT * FROM layer_rows UNION ALL SELECT * FROM env_rows UNION ALL SELECT * FROM dump_env_rows
  UNION ALL SELECT * FROM dump_layer_rows UNION ALL SELECT * FROM setting_rows UNION ALL SELECT * FROM perm_rows
  UNION ALL SELECT * FROM url_rows UNION ALL SELECT * FROM esm_rows
)
SELECT fn AS "function", kind, principal_arn AS actor_arn, event_time AS "time", source_ip, before, after, event_id,
       foreign_account AS _foreign_account
FROM everything
WHERE $function IS NULL OR fn = $function
ORDER BY "time", "function", kind, after;
