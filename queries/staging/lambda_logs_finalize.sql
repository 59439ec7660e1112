-- Runs once at the end of an import that touched lambda-logs files (Importer.finalize), in a
-- transaction. Uses the macros of lambda_logs_derive.sql (section "macros").

-- name: task-fix
-- A describe-export-tasks listing imported after (or in a later batch than) the S3 export files it
-- describes: files whose log group is still unknown, or only guessed from a folder name, and whose
-- path holds a known task id get that task's log group. For S3 exports the folders between the task
-- id and the object name are the log stream.
CREATE OR REPLACE TEMP TABLE ll_fix AS
SELECT file_id, format, task_id, log_group_name,
       CASE WHEN pos < len(segs) - 1 THEN array_to_string(segs[pos + 1 : len(segs) - 1], '/') END AS stream
FROM (
  SELECT f.file_id, f.format, f.segs, t.task_id, t.log_group_name, list_position(f.segs, t.task_id) AS pos,
         row_number() OVER (PARTITION BY f.file_id ORDER BY t.task_id) AS rn
  FROM (SELECT file_id, format, string_split(replace(path, '\', '/'), '/') AS segs
        FROM import_files
        WHERE source = 'lambda-logs' AND status = 'loaded' AND log_group_method IN ('unknown', 'path')) f
  JOIN log_export_tasks t ON list_contains(f.segs, t.task_id)
)
WHERE rn = 1;

-- name: task-fix-events
UPDATE lambda_log_events
SET log_group = x.log_group_name,
    log_stream = CASE WHEN x.format = 'lambda-logs-export' THEN coalesce(lambda_log_events.log_stream, x.stream)
                      ELSE lambda_log_events.log_stream END,
    function_name = ll_function_name(x.log_group_name,
                      CASE WHEN x.format = 'lambda-logs-export' THEN coalesce(lambda_log_events.log_stream, x.stream)
                           ELSE lambda_log_events.log_stream END)
FROM ll_fix x
WHERE lambda_log_events.file_id = x.file_id;

-- name: task-fix-ledger
UPDATE import_files
SET log_group = x.log_group_name,
    log_group_method = 'export-task',
    reason = 'log group ' || x.log_group_name || ' from export task ' || x.task_id
             || ' (describe-export-tasks output imported after this file)'
FROM ll_fix x
WHERE import_files.file_id = x.file_id;

-- name: invocations
-- One row per (function_name, request_id), rebuilt from every event: START, END and REPORT of one
-- invocation can sit in different files. An event without a function name (its file's log group is
-- unknown) counts for the one function seen with its request id, if there is exactly one.
-- Metrics all come from the latest REPORT of the request id (async retries reuse the request id),
-- so init_duration_ms is that attempt's (NULL when it was a warm start).
-- status: timeout from "Status: timeout", "Task timed out after", or platform status "timeout";
-- error from "Status: error", platform status "error"/"failure", "RequestId: <id> Error: ..." lines,
-- the Node.js runtime's "ERROR\tInvoke Error" / "Uncaught Exception" / "Unhandled Promise Rejection"
-- lines and JSON lines carrying errorType and stackTrace; else success once an END or REPORT was
-- seen; NULL when neither was (the log stops before the invocation ended).
INSERT INTO lambda_invocations
WITH ev AS (
  SELECT function_name, request_id, kind, time, message
  FROM lambda_log_events
  WHERE request_id IS NOT NULL
),
-- the function of a request id, for its events without one (only those request ids are grouped:
-- grouping all 5M events of the bench set by request id took 0.5-1 s of the 4.8)
fn AS (
  SELECT request_id, CASE WHEN count(DISTINCT function_name) = 1 THEN max(function_name) END AS only_function
  FROM ev WHERE request_id IN (SELECT request_id FROM ev WHERE function_name IS NULL)
  GROUP BY request_id
),
f AS (
  SELECT coalesce(ev.function_name, fn.only_function) AS fname, ev.request_id, ev.kind, ev.time, ev.message,
         CASE WHEN ev.kind IN ('report', 'end', 'platform') THEN ll_norm(ev.message) END AS norm,
         CASE WHEN ev.kind IN ('report', 'end') AND starts_with(ltrim(ev.message), '{') AND json_valid(ev.message)
              THEN json(ev.message) END AS j
  FROM ev LEFT JOIN fn USING (request_id)
),
-- A REPORT line as the runtime writes it gives its four fields to one regular expression; for any
-- other line each field has its own below. Where this one matches, from the line's start, each
-- field's own finds the same text (nothing before it can hold their labels), so the results are
-- the same, at a third of the cost.
r AS (
  SELECT f.*,
    CASE WHEN kind = 'report' THEN regexp_extract(norm,
      '^REPORT RequestId: [0-9A-Za-z-]+\s+Duration: ([0-9.]+) ms\s+Billed Duration: ([0-9.]+) ms\s+Memory Size: ([0-9.]+) MB\s+Max Memory Used: ([0-9.]+) MB',
      ['duration', 'billed', 'memory', 'max_memory']) END AS rep
  FROM f
),
m AS (
  SELECT fname, request_id, kind, time,
    CASE WHEN kind = 'report' THEN coalesce(
      TRY_CAST(j->>'$.record.metrics.durationMs' AS DOUBLE),
      TRY_CAST(coalesce(nullif(rep.duration, ''), nullif(regexp_extract(norm, 'RequestId: [0-9A-Za-z-]+\s+Duration: ([0-9.]+) ms', 1), '')) AS DOUBLE)) END
      AS duration_ms,
    CASE WHEN kind = 'report' THEN coalesce(
      TRY_CAST(j->>'$.record.metrics.billedDurationMs' AS DOUBLE),
      TRY_CAST(coalesce(nullif(rep.billed, ''), nullif(regexp_extract(norm, 'Billed Duration: ([0-9.]+) ms', 1), '')) AS DOUBLE)) END
      AS billed_duration_ms,
    CASE WHEN kind = 'report' THEN CAST(round(coalesce(
      TRY_CAST(j->>'$.record.metrics.memorySizeMB' AS DOUBLE),
      TRY_CAST(coalesce(nullif(rep.memory, ''), nullif(regexp_extract(norm, 'Memory Size: ([0-9.]+) MB', 1), '')) AS DOUBLE))) AS INTEGER) END
      AS memory_size_mb,
    CASE WHEN kind = 'report' THEN CAST(round(coalesce(
      TRY_CAST(j->>'$.record.metrics.maxMemoryUsedMB' AS DOUBLE),
      TRY_CAST(coalesce(nullif(rep.max_memory, ''), nullif(regexp_extract(norm, 'Max Memory Used: ([0-9.]+) MB', 1), '')) AS DOUBLE))) AS INTEGER) END
      AS max_memory_used_mb,
    CASE WHEN kind = 'report' THEN coalesce(
      TRY_CAST(j->>'$.record.metrics.initDurationMs' AS DOUBLE),
      CASE WHEN contains(norm, 'Init Duration: ')
           THEN TRY_CAST(nullif(regexp_extract(norm, 'Init Duration: ([0-9.]+) ms', 1), '') AS DOUBLE) END) END
      AS init_duration_ms,
    CASE WHEN kind IN ('report', 'end') THEN lower(coalesce(
      j->>'$.record.status',
      CASE WHEN contains(norm, 'Status: ') THEN nullif(regexp_extract(norm, '(?:^|\s)Status: ([A-Za-z]+)', 1), '') END)) END
      AS reported_status,
    CASE
      WHEN kind = 'platform' AND regexp_matches(norm, '^\S+\s+\S+\s+Task timed out after ') THEN 'timeout'
      WHEN kind = 'platform' AND regexp_matches(norm, '^RequestId: [0-9A-Za-z-]+ Error: ') THEN 'error'
      WHEN kind = 'app' AND contains(message, 'ERROR')
           AND regexp_matches(message, '^\S+\s+\S+\s+ERROR\s+(?:Invoke Error|Uncaught Exception|Unhandled Promise Rejection)')
        THEN 'error'
      WHEN kind = 'app' AND starts_with(ltrim(message), '{') AND contains(message, '"errorType"')
           AND contains(message, '"stackTrace"')
        THEN 'error'
    END AS line_status
  FROM r
)
SELECT fname, request_id,
       min(time) FILTER (WHERE kind = 'start'),
       coalesce(max(time) FILTER (WHERE kind = 'end'), max(time) FILTER (WHERE kind = 'report')),
       arg_max_null(duration_ms, time) FILTER (WHERE kind = 'report'),
       arg_max_null(billed_duration_ms, time) FILTER (WHERE kind = 'report'),
       arg_max_null(memory_size_mb, time) FILTER (WHERE kind = 'report'),
       arg_max_null(max_memory_used_mb, time) FILTER (WHERE kind = 'report'),
       arg_max_null(init_duration_ms, time) FILTER (WHERE kind = 'report'),
       CASE
         WHEN bool_or(line_status = 'timeout' OR reported_status = 'timeout') THEN 'timeout'
         WHEN bool_or(line_status = 'error' OR reported_status IN ('error', 'failure')) THEN 'error'
         WHEN bool_or(kind IN ('end', 'report')) THEN 'success'
       END
FROM m
GROUP BY fname, request_id;
