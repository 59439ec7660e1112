-- Turns ll_stage (every Lambda log format, staged alike) into ll_batch: the columns of
-- lambda_log_events, and what to do with each event (keep, duplicate, control-message, or a problem).
-- The derivation (kind, request_id, function_name) is the same for every format.
--
-- Patterns (Lambda text log format; a copy may carry the two characters \t and \n instead of a tab
-- and a newline, so they are matched on `norm`, where those are turned back into the characters):
--   START RequestId: <id> Version: <v>                           kind start
--   END RequestId: <id>                                           kind end
--   REPORT RequestId: <id>\tDuration: ... [\nXRAY TraceId: ...]   kind report
--   INIT_START / RESTORE_START Runtime Version: ..., INIT_REPORT / RESTORE_REPORT ... Duration: ...,
--   EXTENSION / TELEMETRY / LOGS Name: ..., XRAY TraceId: ..., RequestId: <id> Error: ...,
--   <ISO ts> <id> Task timed out after N seconds                  kind platform
--   <ISO ts>\t<id>\t<LEVEL>\t<text>        (Node.js, Java, .NET)  kind app, request id
--   [<LEVEL>]\t<ISO ts>\t<id>\t<text>      (Python logging)       kind app, request id
-- Lambda JSON log format: {"time", "type": "platform.<x>", "record": {"requestId", ...}} is
--   platform.start -> start, platform.runtimeDone -> end, platform.report -> report, other
--   platform.* -> platform; application JSON lines take their request id from "requestId"
--   (or "AWSRequestId").

-- name: macros
CREATE OR REPLACE TEMP MACRO ll_function_name(grp, stream) AS
  CASE
    -- /aws/lambda/<name>, and Lambda@Edge's /aws/lambda/<region>.<name>; a function name has
    -- neither '/' nor '.', so without them the rest of the group is the name (the regex, per
    -- event, was a sixth of the derivation's time)
    WHEN grp LIKE '/aws/lambda/%' AND NOT contains(substr(grp, 13), '/') AND NOT contains(substr(grp, 13), '.')
      THEN nullif(substr(grp, 13), '')
    WHEN grp LIKE '/aws/lambda/%'
      THEN nullif(regexp_extract(grp, '^/aws/lambda/(?:[a-z]{2}(?:-[a-z]+)+-[0-9]+\.)?([^/]+)$', 1), '')
    -- a custom log group: Lambda names its streams YYYY/MM/DD/<function>[<version>]<environment id>
    ELSE nullif(regexp_extract(stream, '^[0-9]{4}/[0-9]{2}/[0-9]{2}/([^\[\]/]+)\[', 1), '')
  END;
-- (a message without a backslash is itself: two replacements of every message were a quarter of
-- the derivation's time)
CREATE OR REPLACE TEMP MACRO ll_norm(m) AS
  CASE WHEN contains(m, '\') THEN replace(replace(m, '\t', chr(9)), '\n', chr(10)) ELSE m END;

-- name: main
CREATE OR REPLACE TEMP TABLE ll_batch AS
WITH s AS (
  SELECT st.file_id, st.record_index, st.message_type,
         coalesce(nullif(st.log_group, ''), nullif(m.log_group, '')) AS log_group,
         coalesce(nullif(st.log_stream, ''), nullif(m.log_stream, '')) AS log_stream,
         st.ts_ms, st.ts_text,
         CASE
           WHEN st.ts_text IS NOT NULL THEN TRY_CAST(st.ts_text AS TIMESTAMPTZ)
           WHEN TRY_CAST(st.ts_ms AS BIGINT) BETWEEN 0 AND 253402300799999
             THEN make_timestamptz(TRY_CAST(st.ts_ms AS BIGINT) * 1000)
         END AS time,
         st.message,
         nullif(st.event_id, '') AS event_id
  FROM ll_stage st LEFT JOIN ll_file_meta m USING (file_id)
),
p AS (
  SELECT s.*,
         ll_norm(message) AS norm,
         CASE WHEN starts_with(ltrim(message), '{') AND json_valid(message) THEN json(message) END AS j
  FROM s
),
k AS (
  SELECT p.*, j->>'$.type' AS jtype FROM p
),
c AS (
  SELECT k.*,
    CASE
      WHEN starts_with(jtype, 'platform.') THEN
        CASE jtype
          WHEN 'platform.start' THEN 'start'
          WHEN 'platform.runtimeDone' THEN 'end'
          WHEN 'platform.report' THEN 'report'
          ELSE 'platform'
        END
      WHEN starts_with(norm, 'START RequestId: ') THEN 'start'
      WHEN starts_with(norm, 'END RequestId: ') THEN 'end'
      WHEN starts_with(norm, 'REPORT RequestId: ') THEN 'report'
      WHEN regexp_matches(norm, '^(?:INIT_START|RESTORE_START)\s+Runtime Version: ')
        OR regexp_matches(norm, '^(?:INIT_REPORT|RESTORE_REPORT)\s+(?:Init|Restore) Duration: ')
        OR regexp_matches(norm, '^(?:EXTENSION|TELEMETRY|LOGS)\s+Name: ')
        OR starts_with(norm, 'XRAY TraceId: ')
        OR regexp_matches(norm, '^RequestId: [0-9A-Za-z-]+ Error: ')
        OR regexp_matches(norm, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\s+[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\s+Task timed out after ')
        THEN 'platform'
      ELSE 'app'
    END AS kind,
    coalesce(
      CASE WHEN starts_with(jtype, 'platform.') THEN j->>'$.record.requestId' END,
      j->>'$.requestId',
      j->>'$.AWSRequestId',
      nullif(regexp_extract(norm, '^(?:START |END |REPORT )?RequestId: ([0-9A-Za-z-]+)', 1), ''),
      nullif(regexp_extract(norm, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\s+([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?:\s|$)', 1), ''),
      nullif(regexp_extract(norm, '^\[[A-Z]+\]\t[^\t]*\t([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?:\s|$)', 1), '')
    ) AS request_id
  FROM k
),
q AS (
  SELECT c.*,
    CASE
      WHEN message_type = 'CONTROL_MESSAGE' THEN 'control-message'
      WHEN message IS NULL THEN 'missing-message'
      WHEN ts_ms IS NULL AND ts_text IS NULL THEN 'missing-timestamp'
      WHEN time IS NULL THEN 'bad-timestamp'
    END AS problem
  FROM c
)
SELECT file_id, record_index, ll_function_name(log_group, log_stream) AS function_name, log_group, log_stream,
       time, message, request_id, kind, event_id, coalesce(ts_text, ts_ms) AS ts_given,
       coalesce(problem, 'keep') AS disposition
FROM q;

-- name: dedupe
-- An event whose event id came earlier in the batch (by file and record) or is already loaded is a
-- duplicate. Only the narrow columns of events that have an id go through the window: a window
-- over the whole batch carried every message, and the events without an id (every S3 export line)
-- formed one partition, which ran out of memory on batches of 500 MB.
UPDATE ll_batch SET disposition = 'duplicate'
WHERE rowid IN (
  SELECT rid FROM (
    SELECT rowid AS rid, event_id,
           row_number() OVER (PARTITION BY event_id ORDER BY file_id, record_index) AS n
    FROM ll_batch
    WHERE disposition = 'keep' AND event_id IS NOT NULL
  )
  WHERE n > 1 OR event_id IN (SELECT event_id FROM lambda_log_events WHERE event_id IS NOT NULL)
);

-- name: insert
INSERT INTO lambda_log_events (function_name, log_group, log_stream, time, message, request_id, kind, event_id,
                               source_file, file_id, record_index)
SELECT b.function_name, b.log_group, b.log_stream, b.time, b.message, b.request_id, b.kind, b.event_id,
       f.display_path, b.file_id, b.record_index
FROM ll_batch b JOIN batch_files f USING (file_id)
WHERE b.disposition = 'keep';

-- name: counts
SELECT file_id,
       count(*) FILTER (WHERE disposition = 'keep') AS loaded,
       count(*) FILTER (WHERE disposition = 'duplicate') AS duplicate,
       count(*) FILTER (WHERE disposition = 'control-message') AS control,
       count(*) AS total
FROM ll_batch GROUP BY file_id;

-- name: problems
SELECT file_id, record_index, disposition, ts_given
FROM ll_batch
WHERE disposition NOT IN ('keep', 'duplicate', 'control-message')
ORDER BY file_id, record_index
LIMIT 10000;
