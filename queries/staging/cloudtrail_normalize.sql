-- Normalizes ct_stage into ct_batch: one JSON parse per record (json_transform), the columns of
-- cloudtrail_events, and what to do with each record (keep, duplicate, insight, reject).
CREATE OR REPLACE TEMP TABLE ct_batch AS
WITH t AS (
  SELECT file_id, record_index, rec, outer_time,
         json_type(rec) AS rec_type,
         json_transform(rec, '{
           "eventVersion": "VARCHAR", "eventID": "VARCHAR", "eventTime": "VARCHAR",
           "eventSource": "VARCHAR", "eventName": "VARCHAR", "awsRegion": "VARCHAR",
           "sourceIPAddress": "VARCHAR", "userAgent": "VARCHAR",
           "userIdentity": {"type": "VARCHAR", "principalId": "VARCHAR", "arn": "VARCHAR",
                            "accountId": "VARCHAR", "accessKeyId": "VARCHAR", "userName": "VARCHAR",
                            "invokedBy": "VARCHAR",
                            "sessionContext": {"sessionIssuer": {"type": "VARCHAR", "arn": "VARCHAR"}}},
           "errorCode": "VARCHAR", "errorMessage": "VARCHAR", "readOnly": "VARCHAR",
           "eventType": "VARCHAR", "eventCategory": "VARCHAR", "managementEvent": "VARCHAR",
           "recipientAccountId": "VARCHAR",
           "requestParameters": "JSON", "responseElements": "JSON", "resources": "JSON"
         }') AS s
  FROM ct_stage
),
n AS (
  SELECT
    file_id, record_index, rec_type,
    s.eventID AS event_id,
    coalesce(TRY_CAST(s.eventTime AS TIMESTAMPTZ), TRY_CAST(outer_time AS TIMESTAMPTZ)) AS event_time,
    s.eventTime AS event_time_text,
    s.eventVersion AS event_version,
    s.eventSource AS event_source,
    s.eventName AS event_name,
    CASE WHEN s.eventName IS NULL THEN NULL
         ELSE regexp_replace(s.eventName, '20[0-9]{6}(v[0-9]+)?$', '') END AS api_name,
    s.awsRegion AS aws_region,
    s.sourceIPAddress AS source_ip,
    s.userAgent AS user_agent,
    s.userIdentity.type AS identity_type,
    s.userIdentity.arn AS principal_arn,
    s.userIdentity.principalId AS principal_id,
    s.userIdentity.accountId AS account_id,
    s.userIdentity.accessKeyId AS access_key_id,
    s.userIdentity.userName AS user_name,
    s.userIdentity.sessionContext.sessionIssuer.arn AS session_issuer_arn,
    s.userIdentity.sessionContext.sessionIssuer.type AS session_issuer_type,
    CASE
      WHEN s.userIdentity.arn LIKE 'arn:%:sts::%:assumed-role/%/%'
        THEN regexp_extract(s.userIdentity.arn, 'assumed-role/[^/]+/(.+)$', 1)
      WHEN s.userIdentity.type IN ('AssumedRole', 'FederatedUser') AND s.userIdentity.principalId LIKE '%:%'
        THEN split_part(s.userIdentity.principalId, ':', 2)
    END AS session_name,
    s.userIdentity.invokedBy AS invoked_by,
    s.errorCode AS error_code,
    s.errorMessage AS error_message,
    TRY_CAST(s.readOnly AS BOOLEAN) AS read_only,
    s.eventType AS event_type,
    s.eventCategory AS event_category,
    TRY_CAST(s.managementEvent AS BOOLEAN) AS management_event,
    s.recipientAccountId AS recipient_account_id,
    s.requestParameters AS request_parameters,
    s.responseElements AS response_elements,
    s.resources AS resources,
    rec AS raw
  FROM t
),
c AS (
  SELECT n.*,
    CASE
      WHEN rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
      WHEN event_type = 'AwsCloudTrailInsight' OR event_category = 'Insight' THEN 'insight'
      WHEN event_id IS NULL OR event_id = '' THEN 'missing-event-id'
      WHEN event_time_text IS NULL AND event_time IS NULL THEN 'missing-event-time'
      WHEN event_time IS NULL THEN 'bad-event-time'
    END AS problem
  FROM n
)
SELECT c.*,
  CASE
    WHEN problem IS NOT NULL THEN problem
    WHEN row_number() OVER (PARTITION BY c.event_id ORDER BY c.file_id, c.record_index) > 1 THEN 'duplicate'
    WHEN EXISTS (SELECT 1 FROM cloudtrail_events e WHERE e.event_id = c.event_id) THEN 'duplicate'
    ELSE 'keep'
  END AS disposition
FROM c;

-- name: insert
INSERT INTO cloudtrail_events
SELECT b.event_id, b.event_time, b.event_version, b.event_source, b.event_name, b.api_name, b.aws_region,
       b.source_ip, b.user_agent, b.identity_type, b.principal_arn, b.principal_id, b.account_id,
       b.access_key_id, b.user_name, b.session_issuer_arn, b.session_issuer_type, b.session_name,
       b.invoked_by, b.error_code, b.error_message, b.read_only, b.event_type, b.event_category,
       b.management_event, b.recipient_account_id, b.request_parameters, b.response_elements,
       b.resources, b.raw, f.display_path, b.file_id
FROM ct_batch b JOIN batch_files f USING (file_id)
WHERE b.disposition = 'keep';

-- name: counts
SELECT file_id,
       count(*) FILTER (WHERE disposition = 'keep') AS loaded,
       count(*) FILTER (WHERE disposition = 'duplicate') AS duplicate,
       count(*) FILTER (WHERE disposition = 'insight') AS insight,
       count(*) AS total
FROM ct_batch GROUP BY file_id;

-- name: problems
SELECT file_id, record_index, disposition, event_id, event_time_text
FROM ct_batch
WHERE disposition NOT IN ('keep', 'duplicate', 'insight')
ORDER BY file_id, record_index
LIMIT 10000;
