-- Inputs of `lambda-forensics audit` (src/audit/). The audit reads these rows and evaluates the
-- policies in src/audit/policy.ts. Every IAM dump is a snapshot: for each principal the newest
-- dump holding it (highest file_id) is used.

-- name: users
SELECT user_name AS name, arn, path, permissions_boundary_arn, file_id, source_file
FROM iam_users
QUALIFY row_number() OVER (PARTITION BY coalesce(arn, user_name) ORDER BY file_id DESC) = 1
ORDER BY user_name, arn;

-- name: roles
SELECT role_name AS name, arn, path, permissions_boundary_arn, CAST(assume_role_policy AS VARCHAR) AS trust_policy,
       file_id, source_file
FROM iam_roles
QUALIFY row_number() OVER (PARTITION BY coalesce(arn, role_name) ORDER BY file_id DESC) = 1
ORDER BY role_name, arn;

-- name: groups
SELECT group_name AS name, arn, file_id, source_file
FROM iam_groups
ORDER BY group_name, file_id;

-- name: inline
SELECT principal_type, principal_name, policy_name, CAST(document AS VARCHAR) AS document, file_id, source_file
FROM iam_inline_policies
ORDER BY principal_type, principal_name, policy_name;

-- name: attachments
SELECT principal_type, principal_name, policy_arn, policy_name, file_id, source_file
FROM iam_attachments
ORDER BY principal_type, principal_name, policy_arn;

-- name: members
SELECT user_name, group_name, file_id
FROM iam_group_members
ORDER BY user_name, group_name;

-- name: managed
SELECT arn, policy_name, default_version_id, CAST(document AS VARCHAR) AS document, file_id, source_file
FROM iam_managed_policies
WHERE arn IS NOT NULL
ORDER BY arn, file_id;

-- name: functions
-- Every function with the ARN it is known by (unqualified: arn:partition:lambda:region:account:function:name).
-- Configuration dumps, resource policies and URL configs give the ARN; a function known only from
-- CloudTrail gets one from the region and recipient account of its Lambda events.
WITH named AS (
  SELECT function_name, array_to_string(list_slice(string_split(function_arn, ':'), 1, 7), ':') AS function_arn, 1 AS rank
  FROM lambda_functions WHERE function_name IS NOT NULL AND function_arn LIKE 'arn:%:lambda:%:%:function:%'
  UNION ALL
  SELECT function_name, function_arn, 2 FROM lambda_policy_statements
  WHERE function_name IS NOT NULL AND function_arn LIKE 'arn:%:lambda:%:%:function:%'
  UNION ALL
  SELECT function_name, array_to_string(list_slice(string_split(function_arn, ':'), 1, 7), ':'), 3 FROM function_urls
  WHERE function_name IS NOT NULL AND function_arn LIKE 'arn:%:lambda:%:%:function:%'
),
trail AS (
  SELECT fn AS function_name, 'arn:aws:lambda:' || aws_region || ':' || recipient_account_id || ':function:' || fn AS function_arn, 4 AS rank
  FROM (
    SELECT coalesce(lf_fn_name(request_parameters ->> '$.functionName'), lf_fn_name(response_elements ->> '$.functionName')) AS fn,
           aws_region, recipient_account_id
    FROM cloudtrail_events
    WHERE event_source = 'lambda.amazonaws.com' AND aws_region IS NOT NULL AND recipient_account_id IS NOT NULL
  )
  WHERE fn IS NOT NULL AND fn NOT IN (SELECT function_name FROM named)
  GROUP BY ALL
)
SELECT function_name, function_arn, min(rank) AS rank
FROM (SELECT * FROM named UNION ALL SELECT * FROM trail)
GROUP BY function_name, function_arn
ORDER BY function_name, function_arn;

-- name: function-roles
SELECT DISTINCT function_name, role_arn, source FROM function_roles ORDER BY function_name, role_arn, source;

-- name: policy-statements
SELECT function_name, function_arn, qualifier, statement_index, sid, effect, CAST(raw AS VARCHAR) AS statement,
       policy_id, revision_id, file_id, source_file
FROM lambda_policy_statements
-- the newest get-policy dump of each function ARN is its current policy
QUALIFY dense_rank() OVER (PARTITION BY function_arn ORDER BY file_id DESC) = 1
ORDER BY function_name, function_arn, statement_index;

-- name: urls
SELECT function_name, function_arn, qualifier, function_url, auth_type, CAST(cors AS VARCHAR) AS cors,
       creation_time, last_modified_time, file_id, source_file
FROM function_urls
QUALIFY row_number() OVER (PARTITION BY function_arn, function_url ORDER BY last_modified_time DESC NULLS LAST, file_id DESC) = 1
ORDER BY function_name, qualifier, function_url;

-- name: trail-window
SELECT count(*) AS events, min(event_time) AS first_event, max(event_time) AS last_event FROM cloudtrail_events;

-- name: modifiers
-- Who made a successful Lambda control-plane change (the same calls as the code-changes analyzer).
SELECT identity_type, principal_arn, user_name, account_id, session_issuer_arn,
       count(*) AS calls, list(DISTINCT api_name ORDER BY api_name) AS apis, max(event_time) AS last_call
FROM cloudtrail_events
WHERE event_source = 'lambda.amazonaws.com'
  AND error_code IS NULL
  AND lf_is_lambda_change(api_name)
GROUP BY ALL
ORDER BY ALL;

-- name: session-actions
-- API actions each function's own code made with its role session (actor 'function').
SELECT function_name, role_arn, event_source, coalesce(api_name, event_name) AS api_name,
       count(*) AS calls, count(*) FILTER (WHERE error_code IS NOT NULL) AS errors,
       min(event_time) AS first_call, max(event_time) AS last_call
FROM function_sessions
WHERE actor = 'function'
GROUP BY ALL
ORDER BY function_name, role_arn, event_source, api_name;
