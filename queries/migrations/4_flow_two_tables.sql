-- Schema 3 -> 4: flow records move from the flow_records table into flow_default_records and
-- flow_custom_records (created by queries/schema/30_flow.sql); flow_records becomes a view of both
-- (queries/model). source_file is dropped: file_id names the file in import_files.
-- (A database without the table, such as a test's hand-made schema-1 one, gets an empty one first.)
CREATE TABLE IF NOT EXISTS flow_records AS SELECT *, NULL::VARCHAR AS source_file FROM flow_custom_records LIMIT 0;
INSERT INTO flow_custom_records BY NAME SELECT * EXCLUDE (source_file) FROM flow_records;
DROP TABLE flow_records;
