-- CloudWatch Logs S3 export files read whole in JS (src/importers/exportStage.ts): every line of
-- such a file is `<ISO timestamp> <message>` (exportLines.ts, readSimpleExport, checked it). Each
-- importer that stages export lines inserts `lines` (in place of its {{lines}} marker) into its own
-- staging table, with the line numbers, timestamps and messages readExportLines would give.

-- name: text-table
-- Made again after each move: deleted rows of a temporary table keep their memory.
CREATE OR REPLACE TEMP TABLE export_text (file_id BIGINT, text VARCHAR);

-- name: lines
-- numbered from 1; the empty string after a final line break is no line
SELECT file_id, line_no, substr(line, 1, strpos(line, ' ') - 1) AS ts, substr(line, strpos(line, ' ') + 1) AS message
FROM (
  SELECT file_id, unnest(generate_series(1, len(lines))) AS line_no, unnest(lines) AS line
  FROM (SELECT file_id, string_split(text, chr(10)) AS lines FROM export_text)
)
WHERE line <> ''
