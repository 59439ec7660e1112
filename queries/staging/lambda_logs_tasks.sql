-- `aws logs describe-export-tasks` output {exportTasks:[{taskId, taskName, logGroupName, from, to,
-- destination, destinationPrefix, status:{code, message}, executionInfo}]} -> log_export_tasks.

-- name: stage
CREATE OR REPLACE TEMP TABLE ll_tasks AS
SELECT file_id, idx AS record_index,
       nullif(t.taskId, '') AS task_id, t.taskName AS task_name, nullif(t.logGroupName, '') AS log_group_name,
       t.destination, t.destinationPrefix AS destination_prefix,
       CASE WHEN TRY_CAST(t."from" AS BIGINT) BETWEEN 0 AND 253402300799999
            THEN make_timestamptz(TRY_CAST(t."from" AS BIGINT) * 1000) END AS from_time,
       CASE WHEN TRY_CAST(t."to" AS BIGINT) BETWEEN 0 AND 253402300799999
            THEN make_timestamptz(TRY_CAST(t."to" AS BIGINT) * 1000) END AS to_time,
       t.status.code AS status_code
FROM (
  SELECT b.file_id, unnest(generate_series(1, len(r.exportTasks))) AS idx, unnest(r.exportTasks) AS t
  FROM read_json($files, records = true,
                 columns = {'exportTasks': 'STRUCT("taskId" VARCHAR, "taskName" VARCHAR, "logGroupName" VARCHAR,
                            "from" VARCHAR, "to" VARCHAR, destination VARCHAR, "destinationPrefix" VARCHAR,
                            status STRUCT(code VARCHAR, message VARCHAR))[]'},
                 format = 'unstructured', filename = true, maximum_object_size = $max_object) r
  JOIN batch_files b ON b.path = r.filename
);

-- name: classify
CREATE OR REPLACE TEMP TABLE ll_tasks AS
SELECT t.*,
  CASE
    WHEN task_id IS NULL THEN 'missing-task-id'
    WHEN log_group_name IS NULL THEN 'missing-log-group'
    WHEN row_number() OVER (PARTITION BY task_id ORDER BY file_id, record_index) > 1 THEN 'duplicate'
    WHEN EXISTS (SELECT 1 FROM log_export_tasks e WHERE e.task_id = t.task_id) THEN 'duplicate'
    ELSE 'keep'
  END AS disposition
FROM ll_tasks t;

-- name: insert
INSERT INTO log_export_tasks
SELECT t.task_id, t.task_name, t.log_group_name, t.destination, t.destination_prefix, t.from_time, t.to_time,
       t.status_code, f.display_path, t.file_id
FROM ll_tasks t JOIN batch_files f USING (file_id)
WHERE t.disposition = 'keep';

-- name: counts
SELECT file_id,
       count(*) FILTER (WHERE disposition = 'keep') AS loaded,
       count(*) FILTER (WHERE disposition = 'duplicate') AS duplicate,
       count(*) AS total
FROM ll_tasks GROUP BY file_id;

-- name: problems
SELECT file_id, record_index, disposition
FROM ll_tasks
WHERE disposition NOT IN ('keep', 'duplicate')
ORDER BY file_id, record_index
LIMIT 10000;
