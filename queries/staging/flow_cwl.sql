-- Flow-log records delivered through CloudWatch Logs: each log event's message is one record, in
-- the flow log's format, without a header. Only the default format (the 14 version-2 fields in
-- order) can be read: a custom format's field order is not in the data.
-- The readers fill flow_msg_stage(file_id, record_index, message); record_index is the 1-based
-- position of the log event in the file (or the line of a CloudWatch Logs S3 export).
-- Inputs: $files, $max_object (reader object size limit), $compression ('gzip' or 'uncompressed').

-- name: stage-table
CREATE OR REPLACE TEMP TABLE flow_msg_stage (file_id BIGINT, record_index BIGINT, message VARCHAR);

-- name: flow-cwl-subscription
-- {messageType, logGroup, logStream, logEvents:[{id, timestamp, message}]}; a file may hold several
-- payloads one after the other (Firehose). CONTROL_MESSAGE payloads hold no records.
INSERT INTO flow_msg_stage
SELECT file_id, row_number() OVER (PARTITION BY file_id ORDER BY ord, idx), e.message
FROM (
  SELECT b.file_id, r.ordinality AS ord,
         unnest(generate_series(1, len(r.logEvents))) AS idx, unnest(r.logEvents) AS e
  FROM read_json($files, records = true,
                 columns = {'messageType': 'VARCHAR',
                            'logEvents': 'STRUCT(id VARCHAR, "timestamp" BIGINT, message VARCHAR)[]'},
                 format = 'auto', filename = true, maximum_object_size = $max_object,
                 compression = $compression) WITH ORDINALITY r
  JOIN batch_files b ON b.path = r.filename
  WHERE r.messageType IS DISTINCT FROM 'CONTROL_MESSAGE'
);

-- name: flow-cwl-events
-- aws logs filter-log-events / get-log-events output: {events:[{logStreamName?, timestamp, message, ...}]}
INSERT INTO flow_msg_stage
SELECT file_id, row_number() OVER (PARTITION BY file_id ORDER BY ord, idx), e.message
FROM (
  SELECT b.file_id, r.ordinality AS ord,
         unnest(generate_series(1, len(r.events))) AS idx, unnest(r.events) AS e
  FROM read_json($files, records = true,
                 columns = {'events': 'STRUCT("timestamp" BIGINT, message VARCHAR)[]'},
                 format = 'auto', filename = true, maximum_object_size = $max_object,
                 compression = $compression) WITH ORDINALITY r
  JOIN batch_files b ON b.path = r.filename
);

-- name: export-lines
-- Whole S3 export files' lines, from export_text.sql's `lines` (src/importers/exportStage.ts); other
-- export files are appended line by line.
INSERT INTO flow_msg_stage SELECT file_id, line_no, message FROM ({{lines}});

-- name: parse
-- Splits each message into the 14 default fields ('-' is NULL) and says what is wrong, if anything:
--   wrong-field-count   not 14 fields
--   not-default-format  14 fields, but action / log-status are not where the default format has them
--   bad-number          a numeric field holds something else (bad_field names it)
CREATE OR REPLACE TEMP TABLE flow_msg_parsed AS
WITH s AS (
  SELECT file_id, record_index, string_split(trim(coalesce(message, ''), chr(13) || chr(10) || ' '), ' ') AS raw
  FROM flow_msg_stage
),
v AS (
  SELECT file_id, record_index, raw, len(raw) AS n,
         list_transform(raw, lambda x: nullif(x, '-')) AS g
  FROM s
),
t AS (
  SELECT file_id, record_index, raw, n, g,
         TRY_CAST(g[1] AS INTEGER) AS "version", g[2] AS account_id, g[3] AS interface_id,
         g[4] AS srcaddr, g[5] AS dstaddr,
         TRY_CAST(g[6] AS INTEGER) AS srcport, TRY_CAST(g[7] AS INTEGER) AS dstport,
         TRY_CAST(g[8] AS INTEGER) AS protocol,
         TRY_CAST(g[9] AS BIGINT) AS packets, TRY_CAST(g[10] AS BIGINT) AS bytes,
         TRY_CAST(g[11] AS BIGINT) AS "start", TRY_CAST(g[12] AS BIGINT) AS "end",
         g[13] AS action, g[14] AS log_status
  FROM v
)
SELECT t.* EXCLUDE (g, raw, bad_field), raw[1] AS first_field, raw[13] AS raw_action, raw[14] AS raw_status,
  CASE
    WHEN n <> 14 THEN 'wrong-field-count'
    WHEN coalesce(action, '-') NOT IN ('ACCEPT', 'REJECT', '-')
      OR coalesce(log_status, '-') NOT IN ('OK', 'NODATA', 'SKIPDATA') THEN 'not-default-format'
    WHEN bad_field IS NOT NULL THEN 'bad-number'
  END AS problem,
  bad_field,
  CASE bad_field
    WHEN 'version' THEN raw[1] WHEN 'srcport' THEN raw[6] WHEN 'dstport' THEN raw[7]
    WHEN 'protocol' THEN raw[8] WHEN 'packets' THEN raw[9] WHEN 'bytes' THEN raw[10]
    WHEN 'start' THEN raw[11] WHEN 'end' THEN raw[12]
  END AS bad_value
FROM (
  SELECT t.*,
    CASE
      WHEN g[1] IS NOT NULL AND "version" IS NULL THEN 'version'
      WHEN g[6] IS NOT NULL AND srcport IS NULL THEN 'srcport'
      WHEN g[7] IS NOT NULL AND dstport IS NULL THEN 'dstport'
      WHEN g[8] IS NOT NULL AND protocol IS NULL THEN 'protocol'
      WHEN g[9] IS NOT NULL AND packets IS NULL THEN 'packets'
      WHEN g[10] IS NOT NULL AND bytes IS NULL THEN 'bytes'
      WHEN g[11] IS NOT NULL AND "start" IS NULL THEN 'start'
      WHEN g[12] IS NOT NULL AND "end" IS NULL THEN 'end'
    END AS bad_field
  FROM t
) t;

-- name: insert
-- Records through CloudWatch Logs have the default (version-2) fields: flow_default_records.
INSERT INTO flow_default_records BY NAME
SELECT p."version", p.account_id, p.interface_id, p.srcaddr, p.dstaddr, p.srcport, p.dstport,
       p.protocol, p.packets, p.bytes, to_timestamp(p."start") AS start_time,
       to_timestamp(p."end") AS end_time, p.action, p.log_status, p.file_id
FROM flow_msg_parsed p
WHERE p.problem IS NULL;

-- name: counts
-- Per file: records, records loaded, records whose shape is not the default format, and the most
-- common field count (for the message when no record at all has the default format).
SELECT file_id,
       count(*) AS total,
       count(*) FILTER (WHERE problem IS NULL) AS loaded,
       count(*) FILTER (WHERE problem IN ('wrong-field-count', 'not-default-format')) AS misshapen,
       mode(n) AS usual_fields
FROM flow_msg_parsed
GROUP BY file_id;

-- name: problems
-- The skipped records, at most $max_listed per file and problem (`total` counts them all).
SELECT file_id, record_index, problem, n, bad_field, bad_value, raw_action, raw_status,
       row_number() OVER (PARTITION BY file_id, problem ORDER BY record_index) AS nth,
       count(*) OVER (PARTITION BY file_id, problem) AS total
FROM flow_msg_parsed
WHERE problem IS NOT NULL
QUALIFY nth <= $max_listed
ORDER BY file_id, record_index;
