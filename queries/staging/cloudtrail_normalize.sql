-- CloudTrail records go from the reader to cloudtrail_records in one statement (`insert`). S3
-- delivery files are parsed once, straight into the record STRUCT (cloudtrail_stage.sql); the
-- other containers carry each record as JSON text, transformed to the same STRUCT. Every record of
-- the batch is inserted, including those that cannot be kept (load_problem says why); the narrow
-- statements after it find those and the duplicates, and delete them, all inside the batch's
-- transaction. {{source}} is replaced by a reader section of cloudtrail_stage.sql (program text,
-- never data).

-- name: insert
INSERT INTO cloudtrail_records (
  event_id, event_time, event_version, event_source, event_name, api_name, aws_region, source_ip, user_agent,
  error_code, error_message, read_only, event_type,
  event_category, management_event, recipient_account_id, request_parameters, response_elements, resources,
  user_identity, additional_event_data, request_id, shared_event_id, api_version, vpc_endpoint_id,
  vpc_endpoint_account_id, service_event_details, tls_details, addendum, session_credential_from_console,
  edge_device_details, event_context, source_file, file_id, source_record, load_problem)
WITH t AS (
  -- batch_files is joined first, straight after the reader: besides the display path, the join
  -- gathers the reader's small chunks (one file's records each) into full ones, so everything
  -- after it runs on whole vectors (20,000 files of 50 records: 5.45 -> 5.15 s; 500 large files:
  -- no change).
  SELECT file_id, record_index, s, coalesce(is_object, s IS NOT NULL) AS is_object, f.display_path,
         coalesce(TRY_CAST(s.eventTime AS TIMESTAMPTZ), TRY_CAST(outer_time AS TIMESTAMPTZ)) AS event_time
  FROM ({{source}}) AS src(file_id, record_index, s, is_object, outer_time) JOIN batch_files f USING (file_id)
)
SELECT
  s.eventID,
  event_time,
  s.eventVersion,
  s.eventSource,
  s.eventName,
  CASE WHEN s.eventName IS NULL THEN NULL ELSE regexp_replace(s.eventName, '20[0-9]{6}(v[0-9]+)?$', '') END,
  s.awsRegion,
  s.sourceIPAddress,
  s.userAgent,
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
  s.userIdentity,
  s.additionalEventData,
  s.requestID,
  s.sharedEventID,
  s.apiVersion,
  s.vpcEndpointId,
  s.vpcEndpointAccountId,
  s.serviceEventDetails,
  s.tlsDetails,
  s.addendum,
  s.sessionCredentialFromConsole,
  s.edgeDeviceDetails,
  s.eventContext,
  t.display_path,
  t.file_id,
  t.record_index,
  CASE
    WHEN NOT is_object THEN 'not-an-object'
    WHEN s.eventType = 'AwsCloudTrailInsight' OR s.eventCategory = 'Insight' THEN 'insight'
    WHEN s.eventID IS NULL OR s.eventID = '' THEN 'missing-event-id'
    WHEN event_time IS NULL AND s.eventTime IS NULL THEN 'missing-event-time'
    WHEN event_time IS NULL THEN 'bad-event-time'
  END
FROM t;

-- name: identities
-- The identity columns of each userIdentity object the batch brought that cloudtrail_identities
-- does not have yet (the view cloudtrail_events joins them to the rows on the object's text). A
-- log has few distinct objects (about one per role session), so each is read once instead of once
-- per row. Runs after the batch's rows are settled; $min_file..$max_file may be wider than the
-- batch (src/db/schema.ts gives the whole table after a migration).
INSERT INTO cloudtrail_identities
SELECT
  user_identity,
  ui.type,
  ui.arn,
  ui.principalId,
  ui.accountId,
  ui.accessKeyId,
  ui.userName,
  ui.sessionContext.sessionIssuer.arn,
  ui.sessionContext.sessionIssuer.type,
  CASE
    WHEN ui.arn LIKE 'arn:%:sts::%:assumed-role/%/%'
      THEN regexp_extract(ui.arn, 'assumed-role/[^/]+/(.+)$', 1)
    WHEN ui.type IN ('AssumedRole', 'FederatedUser') AND ui.principalId LIKE '%:%'
      THEN split_part(ui.principalId, ':', 2)
  END,
  ui.invokedBy
FROM (
  SELECT user_identity,
         json_transform(user_identity, '{"type": "VARCHAR", "principalId": "VARCHAR", "arn": "VARCHAR",
                          "accountId": "VARCHAR", "accessKeyId": "VARCHAR", "userName": "VARCHAR",
                          "invokedBy": "VARCHAR",
                          "sessionContext": {"sessionIssuer": {"type": "VARCHAR", "arn": "VARCHAR"}}}') AS ui
  FROM (
    SELECT DISTINCT user_identity FROM cloudtrail_records
    WHERE file_id BETWEEN $min_file AND $max_file AND user_identity IS NOT NULL
  ) n
  WHERE NOT EXISTS (SELECT 1 FROM cloudtrail_identities i WHERE i.user_identity = n.user_identity)
);

-- name: classify
-- The batch's rows that are not kept, and why: the load_problem the insert found (not an object,
-- an Insights record, no eventID, no or a bad eventTime), or an eventID already loaded (earlier in
-- this batch by file and record order, or by an earlier import). Only narrow columns are scanned.
CREATE OR REPLACE TEMP TABLE ct_drop AS
WITH b AS (
  SELECT rowid AS rid, file_id, source_record, event_id, load_problem
  FROM cloudtrail_records
  WHERE file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files)
),
earlier AS (
  SELECT DISTINCT event_id FROM cloudtrail_records
  WHERE NOT (file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files))
    AND event_id IN (SELECT event_id FROM b)
)
SELECT rid, file_id, source_record, event_id, load_problem AS disposition
FROM b WHERE load_problem IS NOT NULL
UNION ALL
SELECT rid, file_id, source_record, event_id, 'duplicate'
FROM b
WHERE load_problem IS NULL
QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY file_id, source_record) > 1
     OR event_id IN (SELECT event_id FROM earlier);

-- name: delete
DELETE FROM cloudtrail_records WHERE rowid IN (SELECT rid FROM ct_drop);

-- name: counts
SELECT f.file_id,
       coalesce(l.loaded, 0) AS loaded,
       count(d.rid) FILTER (WHERE d.disposition = 'duplicate') AS duplicate,
       count(d.rid) FILTER (WHERE d.disposition = 'insight') AS insight,
       count(d.rid) FILTER (WHERE d.disposition NOT IN ('duplicate', 'insight')) AS rejected
FROM batch_files f
LEFT JOIN (
  SELECT file_id, count(*) AS loaded FROM cloudtrail_records
  WHERE file_id BETWEEN $min_file AND $max_file AND file_id IN (SELECT file_id FROM batch_files)
  GROUP BY file_id
) l USING (file_id)
LEFT JOIN ct_drop d USING (file_id)
GROUP BY f.file_id, l.loaded;

-- name: problems
SELECT file_id, source_record AS record_index, disposition, event_id
FROM ct_drop
WHERE disposition NOT IN ('duplicate', 'insight')
ORDER BY file_id, source_record
LIMIT 10000;
