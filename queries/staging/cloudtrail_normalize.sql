-- CloudTrail records go from the reader to cloudtrail_events in one statement (`insert`): one
-- JSON parse per record (json_transform), no staging copy. Every record of the batch is inserted,
-- including those that cannot be kept, and the narrow statements after it classify the batch's
-- rows (problem, Insights, duplicate) and delete those that are not kept, all inside the batch's
-- transaction. Writing the large `raw` column once is what makes this as fast as DuckDB's own
-- CREATE TABLE AS (see README, performance). {{source}} is replaced by a reader section of
-- cloudtrail_stage.sql (program text, never data).

-- name: insert
INSERT INTO cloudtrail_events (
  event_id, event_time, event_version, event_source, event_name, api_name, aws_region, source_ip, user_agent,
  identity_type, principal_arn, principal_id, account_id, access_key_id, user_name, session_issuer_arn,
  session_issuer_type, session_name, invoked_by, error_code, error_message, read_only, event_type,
  event_category, management_event, recipient_account_id, request_parameters, response_elements, resources,
  raw, source_file, file_id, source_record)
WITH t AS (
  SELECT file_id, record_index, rec, outer_time,
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
  FROM ({{source}}) AS src(file_id, record_index, rec, outer_time)
)
SELECT
  s.eventID,
  coalesce(TRY_CAST(s.eventTime AS TIMESTAMPTZ), TRY_CAST(outer_time AS TIMESTAMPTZ)),
  s.eventVersion,
  s.eventSource,
  s.eventName,
  CASE WHEN s.eventName IS NULL THEN NULL ELSE regexp_replace(s.eventName, '20[0-9]{6}(v[0-9]+)?$', '') END,
  s.awsRegion,
  s.sourceIPAddress,
  s.userAgent,
  s.userIdentity.type,
  s.userIdentity.arn,
  s.userIdentity.principalId,
  s.userIdentity.accountId,
  s.userIdentity.accessKeyId,
  s.userIdentity.userName,
  s.userIdentity.sessionContext.sessionIssuer.arn,
  s.userIdentity.sessionContext.sessionIssuer.type,
  CASE
    WHEN s.userIdentity.arn LIKE 'arn:%:sts::%:assumed-role/%/%'
      THEN regexp_extract(s.userIdentity.arn, 'assumed-role/[^/]+/(.+)$', 1)
    WHEN s.userIdentity.type IN ('AssumedRole', 'FederatedUser') AND s.userIdentity.principalId LIKE '%:%'
      THEN split_part(s.userIdentity.principalId, ':', 2)
  END,
  s.userIdentity.invokedBy,
  s.errorCode,
  s.errorMessage,
  TRY_CAST(s.readOnly AS BOOLEAN),
  s.eventType,
  s.eventCategory,
  TRY_CAST(s.managementEvent AS BOOLEAN),
  s.recipientAccountId,
  s.requestParameters,
  s.responseElements,
  s.resources,
  rec,
  f.display_path,
  t.file_id,
  t.record_index
FROM t JOIN batch_files f USING (file_id);

-- name: classify
-- The batch's rows that are not kept, and why: a record that is not an object, an Insights
-- record, no eventID, no or a bad eventTime, or an eventID already loaded (earlier in this batch
-- by file and record order, or by an earlier import). Only narrow columns are scanned; `raw` is
-- read for the few rows without an eventID or a time (each a simple filter DuckDB pushes into
-- the scan, so the large column is not read for the others).
CREATE OR REPLACE TEMP TABLE ct_drop AS
WITH b AS (
  SELECT rowid AS rid, file_id, source_record, event_id,
         event_id IS NULL OR event_id = '' OR event_time IS NULL AS suspect,
         event_type = 'AwsCloudTrailInsight' OR event_category = 'Insight' AS insight
  FROM cloudtrail_events
  WHERE file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files)
),
s AS (
  SELECT rowid AS rid, json_type(raw) AS rec_type, raw ->> 'eventTime' AS event_time_text
  FROM cloudtrail_events WHERE file_id BETWEEN $min_file AND $max_file AND event_id IS NULL
  UNION
  SELECT rowid, json_type(raw), raw ->> 'eventTime'
  FROM cloudtrail_events WHERE file_id BETWEEN $min_file AND $max_file AND event_id = ''
  UNION
  SELECT rowid, json_type(raw), raw ->> 'eventTime'
  FROM cloudtrail_events WHERE file_id BETWEEN $min_file AND $max_file AND event_time IS NULL
),
p AS (
  SELECT b.rid, b.file_id, b.source_record, b.event_id, s.event_time_text,
    CASE
      WHEN b.suspect THEN
        CASE
          WHEN s.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
          WHEN b.insight THEN 'insight'
          WHEN b.event_id IS NULL OR b.event_id = '' THEN 'missing-event-id'
          WHEN s.event_time_text IS NULL THEN 'missing-event-time'
          ELSE 'bad-event-time'
        END
      WHEN b.insight THEN 'insight'
    END AS problem
  FROM b LEFT JOIN s USING (rid)
),
earlier AS (
  SELECT DISTINCT event_id FROM cloudtrail_events
  WHERE NOT (file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files))
    AND event_id IN (SELECT event_id FROM b)
)
SELECT rid, file_id, source_record, event_id, problem AS disposition,
       CASE WHEN problem = 'bad-event-time' THEN event_time_text END AS event_time_text
FROM p WHERE problem IS NOT NULL
UNION ALL
SELECT rid, file_id, source_record, event_id, 'duplicate', NULL
FROM p
WHERE problem IS NULL
QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY file_id, source_record) > 1
     OR event_id IN (SELECT event_id FROM earlier);

-- name: delete
DELETE FROM cloudtrail_events WHERE rowid IN (SELECT rid FROM ct_drop);

-- name: counts
SELECT f.file_id,
       coalesce(l.loaded, 0) AS loaded,
       count(d.rid) FILTER (WHERE d.disposition = 'duplicate') AS duplicate,
       count(d.rid) FILTER (WHERE d.disposition = 'insight') AS insight,
       count(d.rid) FILTER (WHERE d.disposition NOT IN ('duplicate', 'insight')) AS rejected
FROM batch_files f
LEFT JOIN (
  SELECT file_id, count(*) AS loaded FROM cloudtrail_events
  WHERE file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files)
  GROUP BY file_id
) l USING (file_id)
LEFT JOIN ct_drop d USING (file_id)
GROUP BY f.file_id, l.loaded;

-- name: problems
SELECT file_id, source_record AS record_index, disposition, event_id, event_time_text
FROM ct_drop
WHERE disposition NOT IN ('duplicate', 'insight')
ORDER BY file_id, source_record
LIMIT 10000;
