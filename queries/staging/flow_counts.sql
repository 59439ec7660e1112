-- Rows of flow_records per file of the batch, after every loader of the batch ran. File ids are
-- allocated in increasing order, so the BETWEEN lets DuckDB skip the row groups of earlier imports.
-- $lo and $hi are the smallest and largest file_id of the batch.
SELECT file_id, count(*) AS n
FROM flow_records
WHERE file_id BETWEEN $lo AND $hi
  AND file_id IN (SELECT file_id FROM batch_files)
GROUP BY file_id;
