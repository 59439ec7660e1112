-- One row per CloudTrail event, as stored; queries read the view cloudtrail_events
-- (queries/model/00_cloudtrail_events.sql), which adds the identity columns of cloudtrail_identities.
-- Every top-level field AWS documents for a record has a column; nested objects are kept verbatim
-- as JSON (user_identity, request_parameters, ...). The verbatim record stays in its source file:
-- source_file/file_id (the import_files ledger, with its sha256) and source_record locate it.
--
-- event_id and event_time are never NULL once an import commits, and load_problem is always NULL
-- then. They are nullable because the import inserts every record of a batch and deletes those it
-- cannot keep inside the same transaction; load_problem is why (queries/staging/cloudtrail_normalize.sql).
CREATE TABLE IF NOT EXISTS cloudtrail_records (
  event_id             VARCHAR,
  event_time           TIMESTAMPTZ,
  event_version        VARCHAR,
  event_source         VARCHAR,
  event_name           VARCHAR,
  api_name             VARCHAR,
  aws_region           VARCHAR,
  source_ip            VARCHAR,
  user_agent           VARCHAR,
  error_code           VARCHAR,
  error_message        VARCHAR,
  read_only            BOOLEAN,
  event_type           VARCHAR,
  event_category       VARCHAR,
  management_event     BOOLEAN,
  recipient_account_id VARCHAR,
  request_parameters   JSON,
  response_elements    JSON,
  resources            JSON,
  user_identity        JSON,
  additional_event_data JSON,
  request_id           VARCHAR,
  shared_event_id      VARCHAR,
  api_version          VARCHAR,
  vpc_endpoint_id      VARCHAR,
  vpc_endpoint_account_id VARCHAR,
  service_event_details JSON,
  tls_details          JSON,
  addendum             JSON,
  session_credential_from_console VARCHAR,
  edge_device_details  JSON,
  event_context        JSON,
  source_file          VARCHAR NOT NULL,
  file_id              BIGINT NOT NULL,
  source_record        BIGINT,  -- the record's number in its file (the line for CloudWatch Logs exports)
  load_problem         VARCHAR  -- set only while an import decides what to drop; NULL in every settled row
);

-- The identity columns read out of each distinct userIdentity object, once: user_identity is the
-- object's text exactly as cloudtrail_records keeps it, and the view cloudtrail_events joins on it.
-- (Read for every row, they made the import a sixth slower; a log has few distinct identities,
-- about one per role session: README, performance.)
CREATE TABLE IF NOT EXISTS cloudtrail_identities (
  user_identity        JSON PRIMARY KEY,
  identity_type        VARCHAR,
  principal_arn        VARCHAR,
  principal_id         VARCHAR,
  account_id           VARCHAR,
  access_key_id        VARCHAR,
  user_name            VARCHAR,
  session_issuer_arn   VARCHAR,
  session_issuer_type  VARCHAR,
  session_name         VARCHAR,  -- the session name of an assumed-role ARN, else the part of principalId after ':'
  invoked_by           VARCHAR
);
