-- One row per CloudWatch Logs event of a Lambda function (subscription payloads, filter/get-log-events
-- output, S3 exports). Nothing is parsed away: message is the event as CloudWatch stored it.
CREATE TABLE IF NOT EXISTS lambda_log_events (
  function_name VARCHAR,           -- from /aws/lambda/<name>, else from a custom group's stream YYYY/MM/DD/<name>[...]
  log_group     VARCHAR,           -- in the file, --log-group, export task, or path (import_files.log_group_method)
  log_stream    VARCHAR,
  time          TIMESTAMPTZ NOT NULL,  -- CloudWatch event timestamp (not a time written inside the message)
  message       VARCHAR NOT NULL,
  request_id    VARCHAR,           -- from START/END/REPORT, app line prefixes, JSON requestId / record.requestId
  kind          VARCHAR NOT NULL,  -- start | end | report | platform | app
  event_id      VARCHAR,           -- CloudWatch Logs event id where the export carries one
  source_file   VARCHAR NOT NULL,
  file_id       BIGINT NOT NULL,
  record_index  BIGINT NOT NULL    -- 1-based event number in the file (line number for S3 exports)
);

-- Derived from lambda_log_events after every import that touched it.
CREATE TABLE IF NOT EXISTS lambda_invocations (
  function_name      VARCHAR,
  request_id         VARCHAR NOT NULL,
  start_time         TIMESTAMPTZ,  -- START / platform.start
  end_time           TIMESTAMPTZ,  -- END / platform.runtimeDone, else REPORT / platform.report
  duration_ms        DOUBLE,
  billed_duration_ms DOUBLE,
  memory_size_mb     INTEGER,
  max_memory_used_mb INTEGER,
  init_duration_ms   DOUBLE,       -- only on a cold start
  status             VARCHAR       -- success | timeout | error; NULL when neither END nor REPORT was seen
);

-- log group names learned from `aws logs describe-export-tasks` output
CREATE TABLE IF NOT EXISTS log_export_tasks (
  task_id        VARCHAR NOT NULL,
  task_name      VARCHAR,
  log_group_name VARCHAR NOT NULL,
  destination    VARCHAR,
  destination_prefix VARCHAR,
  from_time      TIMESTAMPTZ,
  to_time        TIMESTAMPTZ,
  status_code    VARCHAR,           -- COMPLETED | RUNNING | PENDING | FAILED | CANCELLED | PENDING_CANCEL
  source_file    VARCHAR NOT NULL,
  file_id        BIGINT NOT NULL
);
