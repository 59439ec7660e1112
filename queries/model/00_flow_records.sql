-- VPC Flow Logs: one row per flow-log record, from S3 text delivery, Parquet, or CloudWatch Logs,
-- with one column per field AWS defines (versions 2 to 8; see flow_custom_records). A field the
-- record's log format did not include is NULL, as is a '-' in the source (field not applicable,
-- e.g. the addresses of a NODATA record). `file_id` is the record's file in import_files.
-- Flow records carry no id: a file is never imported twice (ledger sha256), and rows of different
-- files are never de-duplicated against each other.
CREATE OR REPLACE VIEW flow_records AS
SELECT * FROM flow_custom_records
UNION ALL BY NAME
SELECT * FROM flow_default_records;
