-- Readers that turn each CloudWatch Logs container into rows of ll_stage. Each statement is selected
-- by name (-- name: X), takes the batch's file list as $files and the reader's object size limit as
-- $max_object. Leaf fields are read as VARCHAR so that one odd value (a timestamp written as a
-- string, a message that is an object) becomes a record-level problem, not a failed file.
-- S3 export files (lambda-logs-export) are read in JS and staged by src/importers/exportStage.ts.

-- name: create
CREATE OR REPLACE TEMP TABLE ll_stage (
  file_id      BIGINT,
  record_index BIGINT,   -- 1-based event number in the file; line number for S3 exports
  message_type VARCHAR,  -- subscription payloads: DATA_MESSAGE | CONTROL_MESSAGE
  log_group    VARCHAR,  -- when the file names it
  log_stream   VARCHAR,
  ts_ms        VARCHAR,  -- epoch milliseconds (JSON containers)
  ts_text      VARCHAR,  -- ISO timestamp (S3 exports)
  message      VARCHAR,
  event_id     VARCHAR
);
CREATE OR REPLACE TEMP TABLE ll_file_meta (file_id BIGINT, log_group VARCHAR, log_stream VARCHAR);

-- name: lambda-logs-subscription
-- One or more {messageType, owner, logGroup, logStream, subscriptionFilters, logEvents} objects per
-- file (Firehose delivery to S3 concatenates them, with or without a separator).
INSERT INTO ll_stage
SELECT file_id, row_number() OVER (PARTITION BY file_id ORDER BY obj, idx), message_type, log_group, log_stream,
       e.timestamp, NULL, e.message, e.id
FROM (
  SELECT b.file_id, r.ordinality AS obj, r.messageType AS message_type, r.logGroup AS log_group,
         r.logStream AS log_stream,
         unnest(generate_series(1, len(r.logEvents))) AS idx, unnest(r.logEvents) AS e
  FROM read_json($files, records = true,
                 columns = {'messageType': 'VARCHAR', 'logGroup': 'VARCHAR', 'logStream': 'VARCHAR',
                            'logEvents': 'STRUCT(id VARCHAR, "timestamp" VARCHAR, message VARCHAR)[]'},
                 format = 'unstructured', filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
  JOIN batch_files b ON b.path = r.filename
);

-- name: lambda-logs-events
-- `aws logs filter-log-events` {events:[{logStreamName, timestamp, message, ingestionTime, eventId}]}
-- and `aws logs get-log-events` {events:[{timestamp, message, ingestionTime}], nextForwardToken, ...};
-- several outputs concatenated in one file are read one after the other.
INSERT INTO ll_stage
SELECT file_id, row_number() OVER (PARTITION BY file_id ORDER BY obj, idx), NULL, NULL, e.logStreamName,
       e.timestamp, NULL, e.message, e.eventId
FROM (
  SELECT b.file_id, r.ordinality AS obj,
         unnest(generate_series(1, len(r.events))) AS idx, unnest(r.events) AS e
  FROM read_json($files, records = true,
                 columns = {'events': 'STRUCT("logStreamName" VARCHAR, "timestamp" VARCHAR, message VARCHAR, "eventId" VARCHAR)[]'},
                 format = 'unstructured', filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
  JOIN batch_files b ON b.path = r.filename
);

-- name: export-lines
-- S3 export lines, from export_text.sql's `lines` (src/importers/exportStage.ts).
INSERT INTO ll_stage (file_id, record_index, ts_text, message)
SELECT file_id, line_no, ts, message FROM ({{lines}});

-- name: in-file-groups
-- Per file: the log groups the file itself names, and how many events lack one.
SELECT file_id,
       list(DISTINCT log_group ORDER BY log_group) FILTER (WHERE coalesce(log_group, '') <> '') AS groups,
       count(*) FILTER (WHERE coalesce(log_group, '') = '') AS without_group
FROM ll_stage
WHERE message_type IS DISTINCT FROM 'CONTROL_MESSAGE'
GROUP BY file_id;
