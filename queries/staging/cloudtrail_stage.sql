-- Readers that turn each CloudTrail container into rows for cloudtrail_normalize.sql's insert, which
-- takes (file_id, record_index, s, is_object, outer_time): `s` is the record as the STRUCT of
-- src/importers/cloudtrail/record.ts, is_object whether the record was a JSON object (NULL: decided
-- by s IS NULL). Each reader is selected by name (-- name: X) and becomes the insert's source (its
-- {{source}} marker), so records go from the reader to the table in one statement. Readers take the
-- batch's file list as $files and the reader's object size limit as $max_object.
--
-- S3 delivery files are parsed straight into the STRUCT (cloudtrail-records, with $records_type).
-- Every other reader yields each record as JSON or plain text, (file_id, record_index, rec,
-- outer_time), and is wrapped by `from-json` (in place of its {{json_source}} marker), which
-- transforms it to the same STRUCT with $record_spec.

-- name: from-json
-- Each record is parsed once: `try` makes text that is not JSON a NULL record (a record-level
-- problem), and text that parses and starts with `{` is an object. (A TRY_CAST to JSON first, and
-- json_type for the object test, parsed every record three times.)
SELECT file_id, record_index, s, s IS NOT NULL AND starts_with(ltrim(rec::VARCHAR, e' \t\n\r'), '{'), outer_time
FROM (
  SELECT file_id, record_index, rec, try(json_transform(rec, $record_spec)) AS s, outer_time
  FROM ({{json_source}}) AS j(file_id, record_index, rec, outer_time)
)

-- name: cloudtrail-records
-- S3 delivery, parsed once, straight into the record STRUCT. DuckDB refuses the whole file when a
-- record is not an object (or repeats a key); the importer then reads that file again with
-- cloudtrail-records-lenient, record by record. $json_format is 'newline_delimited' for files
-- whose head shows one line (as AWS writes them), else 'auto'.
SELECT b.file_id, unnest(generate_series(1, len(r.Records))), unnest(r.Records), NULL, NULL
FROM read_json($files, records = true, columns = {'Records': $records_type}, format = $json_format, filename = true,
               maximum_object_size = $max_object) r
JOIN batch_files b ON b.path = r.filename

-- name: cloudtrail-records-lenient
SELECT b.file_id, unnest(generate_series(1, len(r.Records))), unnest(r.Records), NULL
FROM read_json($files, records = true, columns = {'Records': 'JSON[]'}, format = 'auto', filename = true,
               maximum_object_size = $max_object) r
JOIN batch_files b ON b.path = r.filename

-- name: cloudtrail-array
SELECT b.file_id, unnest(generate_series(1, len(r.json::JSON[]))), unnest(r.json::JSON[]), NULL
FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
JOIN batch_files b ON b.path = r.filename

-- name: cloudtrail-jsonl
SELECT b.file_id, row_number() OVER (PARTITION BY r.filename ORDER BY r.ordinality), r.json, NULL
FROM read_json_objects($files, format = 'newline_delimited', filename = true, maximum_object_size = $max_object)
     WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename

-- name: cloudtrail-lookup
SELECT file_id, idx, e.CloudTrailEvent, e.EventTime
FROM (
  SELECT b.file_id, unnest(generate_series(1, len(r.Events))) AS idx, unnest(r.Events) AS e
  FROM read_json($files, records = true, columns = {'Events': 'STRUCT("EventTime" VARCHAR, "CloudTrailEvent" VARCHAR)[]'},
                 format = 'auto', filename = true, maximum_object_size = $max_object) r
  JOIN batch_files b ON b.path = r.filename
)

-- name: cloudtrail-lookup-jsonl
SELECT b.file_id, row_number() OVER (PARTITION BY r.filename ORDER BY r.ordinality),
       r.CloudTrailEvent, r.EventTime
FROM read_json($files, records = true, columns = {'EventTime': 'VARCHAR', 'CloudTrailEvent': 'VARCHAR'},
               format = 'newline_delimited', filename = true, maximum_object_size = $max_object)
     WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename

-- name: cloudtrail-lookup-array
SELECT file_id, idx, e.CloudTrailEvent, e.EventTime
FROM (
  SELECT b.file_id, unnest(generate_series(1, len(r.json::STRUCT("EventTime" VARCHAR, "CloudTrailEvent" VARCHAR)[]))) AS idx,
         unnest(r.json::STRUCT("EventTime" VARCHAR, "CloudTrailEvent" VARCHAR)[]) AS e
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
  JOIN batch_files b ON b.path = r.filename
)

-- name: cloudtrail-cwl-subscription
SELECT file_id, idx, e.message, NULL
FROM (
  SELECT b.file_id, unnest(generate_series(1, len(r.logEvents))) AS idx, unnest(r.logEvents) AS e
  FROM read_json($files, records = true, columns = {'logEvents': 'STRUCT(id VARCHAR, "timestamp" BIGINT, message VARCHAR)[]'},
                 format = 'auto', filename = true, maximum_object_size = $max_object) r
  JOIN batch_files b ON b.path = r.filename
)

-- name: cloudtrail-cwl-events
SELECT file_id, idx, e.message, NULL
FROM (
  SELECT b.file_id, unnest(generate_series(1, len(r.events))) AS idx, unnest(r.events) AS e
  FROM read_json($files, records = true, columns = {'events': 'STRUCT("timestamp" BIGINT, message VARCHAR)[]'},
                 format = 'auto', filename = true, maximum_object_size = $max_object) r
  JOIN batch_files b ON b.path = r.filename
)

-- name: staged
-- Lines of CloudWatch Logs S3 exports, staged into ct_stage before the batch's transaction
-- (src/importers/exportStage.ts); a message that is not JSON becomes a record that is not an
-- object (`from-json`).
SELECT file_id, record_index, rec, outer_time FROM ct_stage

-- name: stage-table
-- rec is the line's message as text: a JSON column would refuse the whole file for one line
CREATE OR REPLACE TEMP TABLE ct_stage (file_id BIGINT, record_index BIGINT, rec VARCHAR, outer_time VARCHAR)

-- name: export-lines
-- Whole export files' lines, from export_text.sql's `lines`.
INSERT INTO ct_stage SELECT file_id, line_no, message, NULL FROM ({{lines}})
