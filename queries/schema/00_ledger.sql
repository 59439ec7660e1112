-- Import ledger: one row per input file ever seen, keyed by content hash.
CREATE TABLE IF NOT EXISTS import_files (
  file_id       BIGINT PRIMARY KEY,
  path          VARCHAR NOT NULL,
  size_bytes    BIGINT NOT NULL,
  sha256        VARCHAR NOT NULL,
  format        VARCHAR,           -- detected (or forced) format id, e.g. cloudtrail-records
  source        VARCHAR,           -- table family: cloudtrail, lambda-logs, flow, ...
  status        VARCHAR NOT NULL,  -- loaded | skipped | failed
  reason        VARCHAR,           -- why skipped/failed, or how a value was resolved
  rows_loaded   BIGINT NOT NULL DEFAULT 0,
  rows_duplicate BIGINT NOT NULL DEFAULT 0,
  rows_rejected BIGINT NOT NULL DEFAULT 0,
  issues        BIGINT NOT NULL DEFAULT 0,
  log_group     VARCHAR,           -- CloudWatch sources: resolved log group
  log_group_method VARCHAR,        -- in-file | cli | export-task | path | unknown
  imported_at   TIMESTAMPTZ NOT NULL,
  duration_ms   DOUBLE
);
CREATE SEQUENCE IF NOT EXISTS import_files_seq START 1;

CREATE TABLE IF NOT EXISTS import_issues (
  file_id   BIGINT,
  path      VARCHAR NOT NULL,
  location  VARCHAR,    -- "line 12", "record 4", "byte 77 in line 3"; NULL when the whole file is concerned
  severity  VARCHAR NOT NULL,  -- error | warning
  code      VARCHAR NOT NULL,
  message   VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS schema_info (key VARCHAR PRIMARY KEY, value VARCHAR);

-- Files whose rows an import has committed to a data table but not yet settled (duplicates and
-- bad records deleted, ledger row written). The import settles them in its next transaction; if
-- it was killed in between, the next command that opens the database deletes those rows
-- (src/db/recover.ts), so the ledger and the data tables always agree.
CREATE TABLE IF NOT EXISTS import_pending (
  file_id    BIGINT NOT NULL,
  table_name VARCHAR NOT NULL
);
