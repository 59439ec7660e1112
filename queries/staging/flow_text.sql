-- VPC flow-log text files (S3 delivery, plain or gzip): space-separated fields, with a header line
-- naming the fields in order, or headerless in the default version-2 format.
-- The importer groups a batch's files by header and runs `load` once per group. Inputs are bound:
-- $files (the group's batch_files.read_path: the file, or the decompressed copy of a .gz file),
-- $columns (STRUCT of reader column -> type, in the header's order), $header (whether line 1 is a
-- header), $compression ('gzip' or 'uncompressed').

-- name: files
-- Per file of the batch: the header line it is read with (the default header for headerless files).
CREATE OR REPLACE TEMP TABLE flow_text_files (file_id BIGINT, header_line VARCHAR, all_text BOOLEAN);

-- name: drop-rejects
DROP TABLE IF EXISTS flow_reject_errors;
DROP TABLE IF EXISTS flow_reject_scans;

-- name: load
-- Into the table marker: flow_default_records for a group whose fields are all version-2 fields, at least
-- one of them numeric (so the reader rejects a repeated header line), else flow_custom_records
-- (the table name is one of those two program constants, src/importers/flow/text.ts). '-' is NULL.
-- A row with the wrong number of fields or a value that is not a number where the field is numeric
-- is skipped by the reader and kept in flow_reject_errors with its line number (every field of the
-- header is selected, so every cast is checked). A blank line is skipped. The columns marker is the
-- group's header fields as reader columns (`start` and `end` become start_time and end_time),
-- written from the fixed list of AWS field names; a field the header lacks stays NULL.
INSERT INTO {{table}} BY NAME
SELECT {{columns}}, b.file_id
FROM read_csv($files, columns = $columns, header = $header, compression = $compression,
              delim = ' ', quote = '', escape = '', nullstr = '-', auto_detect = false,
              filename = true, store_rejects = true,
              rejects_table = 'flow_reject_errors', rejects_scan = 'flow_reject_scans') r
JOIN batch_files b ON b.read_path = r.filename;

-- name: rejects
-- The lines the reader skipped, one row per line (its first error), classified:
--   repeated-header  the file's header line again (concatenated files): not a record
--   other-header     a header line that differs from the file's first line: the file mixes formats
--   bad-number       a numeric field holds something else
--   wrong-field-count, unreadable-line
-- $known is the list of field names; $max_listed caps the rows returned per file and code
-- (`total` still counts them all).
WITH e AS (
  SELECT s.file_path AS path, e.line, e.error_type, e.column_name, e.column_idx, e.error_message,
         replace(e.csv_line, chr(13), '') AS csv_line,
         row_number() OVER (PARTITION BY e.scan_id, e.file_id, e.line
                            ORDER BY e.column_idx NULLS LAST, e.byte_position) AS k
  FROM flow_reject_errors e
  JOIN flow_reject_scans s ON s.scan_id = e.scan_id AND s.file_id = e.file_id
),
c AS (
  SELECT b.file_id, e.line, e.error_type, e.column_name, e.column_idx, e.error_message, e.csv_line,
         len(string_split(e.csv_line, ' ')) AS n_fields,
         string_split(e.csv_line, ' ')[CAST(e.column_idx AS BIGINT)] AS value,
         CASE
           WHEN e.csv_line = h.header_line THEN 'repeated-header'
           WHEN NOT regexp_matches(e.csv_line, '[0-9]')
                AND list_has_all($known, string_split(e.csv_line, ' ')) THEN 'other-header'
           WHEN e.error_type = 'CAST' THEN 'bad-number'
           WHEN e.error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS') THEN 'wrong-field-count'
           ELSE 'unreadable-line'
         END AS code
  FROM e
  JOIN batch_files b ON b.read_path = e.path
  JOIN flow_text_files h ON h.file_id = b.file_id
  WHERE e.k = 1
)
SELECT *,
       row_number() OVER (PARTITION BY file_id, code ORDER BY line) AS nth,
       count(*) OVER (PARTITION BY file_id, code) AS total
FROM c
QUALIFY nth <= $max_listed
ORDER BY file_id, line;

-- name: header-like-rows
-- Files whose header names text fields only (no numeric field makes the reader reject a header
-- line): a repeated header line is loaded as a row (of flow_custom_records: such a group is never
-- loaded into flow_default_records). These are the batch's rows of such files whose
-- every non-NULL value is a field name; `vals` lists the text columns in this order:
--   account_id, interface_id, srcaddr, dstaddr, action, log_status, vpc_id, subnet_id, instance_id,
--   "type", pkt_srcaddr, pkt_dstaddr, region, az_id, sublocation_type, sublocation_id,
--   pkt_src_aws_service, pkt_dst_aws_service, flow_direction, ecs_cluster_arn, ecs_cluster_name,
--   ecs_container_instance_arn, ecs_container_instance_id, ecs_container_id,
--   ecs_second_container_id, ecs_service_name, ecs_task_definition_arn, ecs_task_arn, ecs_task_id,
--   reject_reason
SELECT file_id, [
  account_id, interface_id, srcaddr, dstaddr, action, log_status, vpc_id, subnet_id, instance_id,
  "type", pkt_srcaddr, pkt_dstaddr, region, az_id, sublocation_type, sublocation_id,
  pkt_src_aws_service, pkt_dst_aws_service, flow_direction, ecs_cluster_arn, ecs_cluster_name,
  ecs_container_instance_arn, ecs_container_instance_id, ecs_container_id, ecs_second_container_id,
  ecs_service_name, ecs_task_definition_arn, ecs_task_arn, ecs_task_id, reject_reason
] AS vals
FROM flow_custom_records
WHERE file_id IN (SELECT file_id FROM flow_text_files WHERE all_text)
  AND list_has_all($known, nullif(list_filter([
  account_id, interface_id, srcaddr, dstaddr, action, log_status, vpc_id, subnet_id, instance_id,
  "type", pkt_srcaddr, pkt_dstaddr, region, az_id, sublocation_type, sublocation_id,
  pkt_src_aws_service, pkt_dst_aws_service, flow_direction, ecs_cluster_arn, ecs_cluster_name,
  ecs_container_instance_arn, ecs_container_instance_id, ecs_container_id, ecs_second_container_id,
  ecs_service_name, ecs_task_definition_arn, ecs_task_arn, ecs_task_id, reject_reason
  ], lambda x: x IS NOT NULL), []));

-- name: delete-header-like-rows
-- Runs once every row found by header-like-rows was found to repeat its file's header.
DELETE FROM flow_custom_records
WHERE file_id IN (SELECT file_id FROM flow_text_files WHERE all_text)
  AND list_has_all($known, nullif(list_filter([
  account_id, interface_id, srcaddr, dstaddr, action, log_status, vpc_id, subnet_id, instance_id,
  "type", pkt_srcaddr, pkt_dstaddr, region, az_id, sublocation_type, sublocation_id,
  pkt_src_aws_service, pkt_dst_aws_service, flow_direction, ecs_cluster_arn, ecs_cluster_name,
  ecs_container_instance_arn, ecs_container_instance_id, ecs_container_id, ecs_second_container_id,
  ecs_service_name, ecs_task_definition_arn, ecs_task_arn, ecs_task_id, reject_reason
  ], lambda x: x IS NOT NULL), []));
