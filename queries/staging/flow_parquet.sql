-- VPC flow logs as Parquet. AWS writes the fields with underscores (log_status), ports, protocol,
-- version, tcp_flags and traffic_path as INT32, packets, bytes, start and end as INT64; other
-- writers use INT64 throughout, or strings. $files is the batch's Parquet paths.

-- name: schema
-- Leaf columns of each file, to check every file holds flow-log columns.
SELECT file_name, name, type
FROM parquet_schema($files)
WHERE type IS NOT NULL;

-- name: types
-- The columns of all files together, with the types DuckDB unifies them to.
DESCRIBE SELECT * FROM read_parquet($files, union_by_name = true);

-- name: load
-- The columns marker below is replaced by the importer with one expression per flow-log column
-- present in the batch (`CAST(r."srcport" AS INTEGER) AS srcport`, ...), built from the field list
-- in src/importers/flow/fields.ts and the unified types above; it holds no data. Columns absent
-- from every file stay NULL (INSERT BY NAME).
INSERT INTO flow_custom_records BY NAME
SELECT /*columns*/, b.file_id
FROM read_parquet($files, union_by_name = true, filename = true) r
JOIN batch_files b ON b.path = r.filename;
