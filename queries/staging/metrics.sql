-- CloudWatch AWS/Lambda metrics: get-metric-data ({"MetricDataResults":[...]}) and get-metric-statistics
-- ({"Label": "<metric>", "Datapoints": [...]}) into lambda_metrics. Every point ends up in m_points with
-- its function, metric and stat, or with the reason it cannot be loaded.

-- name: setup
-- The AWS/Lambda metric names accepted, with their documented units.
CREATE OR REPLACE TEMP TABLE m_metric_names AS
SELECT * FROM (VALUES
  ('Invocations', 'Count'), ('Errors', 'Count'), ('Throttles', 'Count'), ('Duration', 'Milliseconds'),
  ('DeadLetterErrors', 'Count'), ('DestinationDeliveryFailures', 'Count'),
  ('ProvisionedConcurrencyInvocations', 'Count'), ('ProvisionedConcurrencySpilloverInvocations', 'Count'),
  ('RecursiveInvocationsDropped', 'Count'), ('PostRuntimeExtensionsDuration', 'Milliseconds'),
  ('IteratorAge', 'Milliseconds'), ('OffsetLag', NULL), ('ConcurrentExecutions', 'Count'),
  ('ProvisionedConcurrentExecutions', 'Count'), ('ProvisionedConcurrencyUtilization', NULL),
  ('UnreservedConcurrentExecutions', 'Count'), ('AsyncEventsReceived', 'Count'),
  ('AsyncEventAge', 'Milliseconds'), ('AsyncEventsDropped', 'Count')
) AS t(name, unit);

-- A statistic as written in a label, in CloudWatch's spelling; NULL when it is not one.
CREATE OR REPLACE TEMP MACRO lf_metric_stat(x) AS
  CASE lower(x)
    WHEN 'sum' THEN 'Sum' WHEN 'average' THEN 'Average' WHEN 'avg' THEN 'Average'
    WHEN 'maximum' THEN 'Maximum' WHEN 'max' THEN 'Maximum' WHEN 'minimum' THEN 'Minimum' WHEN 'min' THEN 'Minimum'
    WHEN 'samplecount' THEN 'SampleCount' WHEN 'iqm' THEN 'IQM'
    ELSE CASE WHEN regexp_full_match(lower(x), '(p|tm|wm|tc|ts)[0-9]{1,2}(\.[0-9]+)?') THEN lower(x) END
  END;

-- A function name, or the name inside a Lambda function ARN; NULL otherwise.
CREATE OR REPLACE TEMP MACRO lf_metric_function(x) AS
  CASE WHEN regexp_full_match(x, '[A-Za-z0-9_-]{1,64}') THEN x
       WHEN regexp_full_match(x, 'arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?')
         THEN regexp_extract(x, ':function:([A-Za-z0-9_-]+)', 1) END;

-- A timestamp as the CLI prints it (ISO 8601), or epoch seconds as the raw API returns them.
CREATE OR REPLACE TEMP MACRO lf_metric_time(x) AS
  coalesce(TRY_CAST(x AS TIMESTAMPTZ),
           CASE WHEN TRY_CAST(x AS DOUBLE) IS NOT NULL THEN to_timestamp(TRY_CAST(x AS DOUBLE)) END);

CREATE OR REPLACE TEMP TABLE m_data_docs (file_id BIGINT, doc_index BIGINT, results JSON, next_token VARCHAR);
CREATE OR REPLACE TEMP TABLE m_stat_docs (file_id BIGINT, doc_index BIGINT, label VARCHAR, datapoints JSON);
-- get-metric-statistics: the function of each file, worked out by the importer from the file's path.
CREATE OR REPLACE TEMP TABLE m_stat_fn (file_id BIGINT, function_name VARCHAR);

-- name: metrics-data
INSERT INTO m_data_docs
SELECT b.file_id, r.ordinality, r.MetricDataResults, r.NextToken
FROM read_json($files, records = true, columns = {'MetricDataResults': 'JSON', 'NextToken': 'VARCHAR'}, format = 'unstructured',
               filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: metrics-statistics
INSERT INTO m_stat_docs
SELECT b.file_id, r.ordinality, r.Label, r.Datapoints
FROM read_json($files, records = true, columns = {'Label': 'VARCHAR', 'Datapoints': 'JSON'}, format = 'unstructured',
               filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: shape-problems
SELECT file_id, doc_index, 'MetricDataResults' AS list_name, coalesce(json_type(results), 'missing') AS list_type
FROM m_data_docs WHERE json_type(results) IS DISTINCT FROM 'ARRAY'
UNION ALL
SELECT file_id, doc_index, 'Datapoints', coalesce(json_type(datapoints), 'missing')
FROM m_stat_docs WHERE json_type(datapoints) IS DISTINCT FROM 'ARRAY'
UNION ALL
SELECT f.file_id, NULL, NULL, 'no-object'
FROM batch_files f
WHERE NOT EXISTS (SELECT 1 FROM m_data_docs d WHERE d.file_id = f.file_id)
  AND NOT EXISTS (SELECT 1 FROM m_stat_docs d WHERE d.file_id = f.file_id)
ORDER BY 1, 2;

-- name: top-keys
SELECT json_keys(json) AS keys
FROM read_json_objects($files, format = 'unstructured', maximum_object_size = $max_object)
LIMIT 1;

-- name: stat-labels
-- get-metric-statistics: each file's Label, and the AWS/Lambda metric it names (NULL when none).
SELECT d.file_id, d.doc_index, d.label, m.name AS metric
FROM m_stat_docs d LEFT JOIN m_metric_names m ON lower(m.name) = lower(trim(d.label))
ORDER BY d.file_id, d.doc_index;

-- name: normalize
-- get-metric-data: one row per MetricDataResult, attributed by Label, else by Id.
CREATE OR REPLACE TEMP TABLE m_results AS
WITH r AS (
  SELECT d.file_id, d.doc_index,
         unnest(generate_series(1, json_array_length(d.results)::BIGINT)) AS idx,
         unnest(d.results::JSON[]) AS rec
  FROM m_data_docs d
),
t AS (
  SELECT r.file_id,
         row_number() OVER (PARTITION BY r.file_id ORDER BY r.doc_index, r.idx) AS record_index,
         json_type(r.rec) AS rec_type,
         json_transform(r.rec, '{"Id": "VARCHAR", "Label": "VARCHAR", "Timestamps": ["VARCHAR"], "Values": ["DOUBLE"],
                                 "StatusCode": "VARCHAR", "Messages": [{"Code": "VARCHAR", "Value": "VARCHAR"}]}') AS s
  FROM r
),
k AS (
  SELECT t.*,
         string_split(trim(regexp_replace(coalesce(s.Label, ''), '\s+', ' ', 'g')), ' ') AS tokens,
         regexp_extract(coalesce(s.Id, ''), '^([A-Za-z]+)_([A-Za-z0-9_]+)$', ['metric', 'fn']) AS id_parts
  FROM t
),
a AS (
  SELECT k.*,
         -- Label "<function> <metric> [<stat> [<period seconds>]]"
         CASE WHEN len(k.tokens) BETWEEN 2 AND 4
                   AND lf_metric_function(k.tokens[1]) IS NOT NULL
                   AND lm.name IS NOT NULL
                   AND (len(k.tokens) < 3 OR lf_metric_stat(k.tokens[3]) IS NOT NULL)
                   AND (len(k.tokens) < 4 OR regexp_full_match(k.tokens[4], '[1-9][0-9]{0,6}'))
              THEN true ELSE false END AS by_label,
         lf_metric_function(k.tokens[1]) AS label_fn, lm.name AS label_metric, lm.unit AS label_unit,
         lf_metric_stat(k.tokens[3]) AS label_stat, TRY_CAST(k.tokens[4] AS INTEGER) AS label_period,
         -- Id "<metric>_<function>" (Ids allow only letters, digits and _, so this names only such functions)
         CASE WHEN im.name IS NOT NULL AND id_parts.fn <> '' THEN true ELSE false END AS by_id,
         nullif(id_parts.fn, '') AS id_fn, im.name AS id_metric, im.unit AS id_unit
  FROM k
  LEFT JOIN m_metric_names lm ON len(k.tokens) BETWEEN 2 AND 4 AND lower(lm.name) = lower(k.tokens[2])
  LEFT JOIN m_metric_names im ON lower(im.name) = lower(k.id_parts.metric)
)
SELECT a.file_id, a.record_index, a.rec_type,
       a.s.Id AS query_id, a.s.Label AS label,
       CASE WHEN a.by_label THEN a.label_fn WHEN a.by_id THEN a.id_fn END AS function_name,
       CASE WHEN a.by_label THEN a.label_metric WHEN a.by_id THEN a.id_metric END AS metric,
       CASE WHEN a.by_label THEN a.label_stat END AS stat,
       CASE WHEN a.by_label THEN a.label_period END AS period_seconds,
       CASE WHEN coalesce(a.by_label, false) AND a.label_stat = 'SampleCount' THEN 'Count'
            WHEN a.by_label THEN a.label_unit WHEN a.by_id THEN a.id_unit END AS unit,
       CASE WHEN a.by_label THEN 'label' WHEN a.by_id THEN 'id' END AS attributed_by,
       a.s.Timestamps AS timestamps, a.s."Values" AS vals,
       greatest(coalesce(len(a.s.Timestamps), 0), coalesce(len(a.s."Values"), 0)) AS n_points,
       a.s.StatusCode AS status_code,
       array_to_string(list_transform(a.s.Messages, m -> coalesce(m.Code, '') || ': ' || coalesce(m.Value, '')), '; ') AS messages,
       CASE WHEN a.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
            WHEN NOT a.by_label AND NOT a.by_id THEN 'metric-unattributed'
            WHEN coalesce(len(a.s.Timestamps), 0) <> coalesce(len(a.s."Values"), 0) THEN 'metric-length-mismatch'
       END AS problem
FROM a;

CREATE OR REPLACE TEMP TABLE m_points AS
-- get-metric-data points of the results that could be attributed
SELECT file_id, 'record ' || record_index || ' value ' || point_index AS location,
       record_index AS rec_no, point_index AS pt_no, function_name, metric, stat, unit, period_seconds, label, query_id, ts_text, value
FROM (
  SELECT r.*, unnest(generate_series(1, len(r.timestamps))) AS point_index,
         unnest(r.timestamps) AS ts_text, unnest(r.vals) AS value
  FROM m_results r WHERE r.problem IS NULL
)
UNION ALL
-- get-metric-statistics: one row per datapoint and statistic present in it
SELECT file_id, 'datapoint ' || dp_index AS location, dp_index, 0, function_name, metric, x.stat, unit, NULL, label, NULL,
       ts_text, x.value
FROM (
  SELECT file_id, dp_index, function_name, metric, label, s.Unit AS unit, s.Timestamp AS ts_text,
         unnest(
           list_filter([{'stat': 'SampleCount', 'value': s.SampleCount}, {'stat': 'Average', 'value': s.Average},
                        {'stat': 'Sum', 'value': s.Sum}, {'stat': 'Minimum', 'value': s.Minimum},
                        {'stat': 'Maximum', 'value': s.Maximum}], e -> e.value IS NOT NULL)
           || coalesce(list_transform(map_entries(s.ExtendedStatistics), e -> {'stat': e.key, 'value': e.value}), [])
         ) AS x
  FROM (
    SELECT d.file_id, row_number() OVER (PARTITION BY d.file_id ORDER BY d.doc_index, d.idx) AS dp_index,
           fn.function_name, m.name AS metric, d.label,
           json_transform(d.dp, '{"Timestamp": "VARCHAR", "SampleCount": "DOUBLE", "Average": "DOUBLE", "Sum": "DOUBLE",
                                  "Minimum": "DOUBLE", "Maximum": "DOUBLE", "Unit": "VARCHAR",
                                  "ExtendedStatistics": "MAP(VARCHAR, DOUBLE)"}') AS s
    FROM (
      SELECT file_id, doc_index, label, unnest(generate_series(1, json_array_length(datapoints)::BIGINT)) AS idx,
             unnest(datapoints::JSON[]) AS dp
      FROM m_stat_docs
    ) d
    JOIN m_stat_fn fn USING (file_id)
    JOIN m_metric_names m ON lower(m.name) = lower(trim(d.label))
  )
);

-- Datapoints of get-metric-statistics that hold no statistic at all.
CREATE OR REPLACE TEMP TABLE m_empty_datapoints AS
SELECT file_id, 'datapoint ' || dp_index AS location, dp_index
FROM (
  SELECT d.file_id, row_number() OVER (PARTITION BY d.file_id ORDER BY d.doc_index, d.idx) AS dp_index,
         json_transform(d.dp, '{"SampleCount": "DOUBLE", "Average": "DOUBLE", "Sum": "DOUBLE", "Minimum": "DOUBLE",
                                "Maximum": "DOUBLE", "ExtendedStatistics": "JSON"}') AS s
  FROM (
    SELECT file_id, doc_index, label, unnest(generate_series(1, json_array_length(datapoints)::BIGINT)) AS idx,
           unnest(datapoints::JSON[]) AS dp
    FROM m_stat_docs
  ) d
  JOIN m_stat_fn USING (file_id)
  JOIN m_metric_names m ON lower(m.name) = lower(trim(d.label))
)
WHERE s.SampleCount IS NULL AND s.Average IS NULL AND s.Sum IS NULL AND s.Minimum IS NULL AND s.Maximum IS NULL
  AND coalesce(len(json_keys(s.ExtendedStatistics)), 0) = 0;

CREATE OR REPLACE TEMP TABLE m_batch AS
WITH p AS (
  SELECT m_points.*, lf_metric_time(ts_text) AS time,
         CASE WHEN lf_metric_time(ts_text) IS NULL THEN 'bad-timestamp'
              WHEN value IS NULL THEN 'bad-value' END AS problem
  FROM m_points
)
SELECT p.*,
  CASE
    WHEN p.problem IS NOT NULL THEN p.problem
    WHEN row_number() OVER (PARTITION BY p.function_name, p.metric, p.stat, p.period_seconds, p.time, p.value
                            ORDER BY p.file_id, p.rec_no, p.pt_no) > 1 THEN 'duplicate'
    WHEN EXISTS (SELECT 1 FROM lambda_metrics x
                 WHERE x.function_name = p.function_name AND x.metric = p.metric AND x.time = p.time
                   AND x.value = p.value AND x.stat IS NOT DISTINCT FROM p.stat
                   AND x.period_seconds IS NOT DISTINCT FROM p.period_seconds) THEN 'duplicate'
    ELSE 'keep'
  END AS disposition
FROM p;

-- name: insert
INSERT INTO lambda_metrics
SELECT b.function_name, b.metric, b.time, b.value, b.stat, b.unit, b.period_seconds, b.label, b.query_id,
       f.display_path, b.file_id
FROM m_batch b JOIN batch_files f USING (file_id)
WHERE b.disposition = 'keep';

-- name: counts
SELECT file_id, sum(loaded) AS loaded, sum(duplicate) AS duplicate, sum(rejected) AS rejected
FROM (
  SELECT file_id,
         count(*) FILTER (WHERE disposition = 'keep') AS loaded,
         count(*) FILTER (WHERE disposition = 'duplicate') AS duplicate,
         count(*) FILTER (WHERE disposition NOT IN ('keep', 'duplicate')) AS rejected
  FROM m_batch GROUP BY file_id
  UNION ALL
  SELECT file_id, 0, 0, sum(n_points) FROM m_results WHERE problem IS NOT NULL GROUP BY file_id
  UNION ALL
  SELECT file_id, 0, 0, count(*) FROM m_empty_datapoints GROUP BY file_id
)
GROUP BY file_id;

-- name: problems
-- Point-level problems, result-level problems and warnings, in file order.
SELECT file_id, rec_no, pt_no, location, disposition AS code, ts_text AS detail, 'rejected' AS outcome
FROM m_batch WHERE disposition NOT IN ('keep', 'duplicate')
UNION ALL
SELECT file_id, dp_index, 0, location, 'no-statistic', NULL, 'rejected' FROM m_empty_datapoints
UNION ALL
SELECT file_id, record_index, 0, 'record ' || record_index, problem,
       concat_ws(', ', 'Id ' || query_id, 'Label ' || to_json(label)::VARCHAR,
                 CASE WHEN problem = 'metric-length-mismatch' THEN len(timestamps) || ' timestamps, ' || len(vals) || ' values' END),
       'rejected'
FROM m_results WHERE problem IS NOT NULL
UNION ALL
SELECT file_id, record_index, 0, 'record ' || record_index, 'metric-stat-unknown',
       concat_ws(', ', 'Id ' || query_id, 'Label ' || to_json(label)::VARCHAR), 'kept'
FROM m_results WHERE problem IS NULL AND stat IS NULL
UNION ALL
SELECT file_id, record_index, 0, 'record ' || record_index, 'metric-status',
       concat_ws('; ', 'StatusCode ' || status_code, nullif(messages, '')), 'kept'
FROM m_results WHERE rec_type = 'OBJECT' AND (status_code IS DISTINCT FROM 'Complete' OR nullif(messages, '') IS NOT NULL)
ORDER BY 1, 2, 3, 5
LIMIT 10000;

-- name: paging
SELECT DISTINCT file_id FROM m_data_docs WHERE next_token IS NOT NULL;

-- name: attribution
SELECT file_id, count(*) FILTER (WHERE attributed_by = 'label') AS by_label,
       count(*) FILTER (WHERE attributed_by = 'id') AS by_id, count(*) AS results
FROM m_results GROUP BY file_id;

-- name: cleanup
DROP TABLE IF EXISTS m_batch;
DROP TABLE IF EXISTS m_empty_datapoints;
DROP TABLE IF EXISTS m_points;
DROP TABLE IF EXISTS m_results;
DROP TABLE IF EXISTS m_stat_fn;
DROP TABLE IF EXISTS m_stat_docs;
DROP TABLE IF EXISTS m_data_docs;
DROP TABLE IF EXISTS m_metric_names;
DROP MACRO IF EXISTS lf_metric_stat;
DROP MACRO IF EXISTS lf_metric_function;
DROP MACRO IF EXISTS lf_metric_time;
