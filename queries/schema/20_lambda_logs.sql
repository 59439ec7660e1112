CREATE TABLE IF NOT EXISTS lambda_log_events (
  function_name VARCHAR,
  log_group     VARCHAR,
  log_stream    VARCHAR,
  time          TIMESTAMPTZ NOT NULL,
  message       VARCHAR NOT NULL,
  request_id    VARCHAR,
  kind          VARCHAR NOT NULL,  -- start | end | report | platform | app
  event_id      VARCHAR,           -- CloudWatch Logs event id where the export carries one
  source_file   VARCHAR NOT NULL,
  file_id       BIGINT NOT NULL,
  record_index  BIGINT NOT NULL
);

-- Derived from lambda_log_events after every import that touched it.
CREATE TABLE IF NOT EXISTS lambda_invocations (
  function_name      VARCHAR,
  request_id         VARCHAR NOT NULL,
  start_time         TIMESTAMPTZ,
  end_time           TIMESTAMPTZ,
  duration_ms        DOUBLE,
  billed_duration_ms DOUBLE,
  memory_size_mb     INTEGER,
  max_memory_used_mb INTEGER,
  init_duration_ms   DOUBLE,
  status             VARCHAR   -- success | timeout | error
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
  source_file    VARCHAR NOT NULL,
  file_id        BIGINT NOT NULL
);
