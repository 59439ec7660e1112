-- Report: data coverage per source, import ledger totals and import issues.
-- Parameters are bound: $data_start, $data_end (the data window), $limit.

-- name: stats
-- Rows and time range of every source. Timed sources (CloudTrail, Lambda logs, flow logs,
-- metrics) cover a span; snapshot sources (ENI, configuration, IAM) are points in time.
SELECT 'cloudtrail' AS source, count(*) AS "rows", min(event_time) AS "first", max(event_time) AS "last", count(DISTINCT file_id) AS files
FROM cloudtrail_events
UNION ALL
SELECT 'lambda-logs', count(*), min(time), max(time), count(DISTINCT file_id) FROM lambda_log_events
UNION ALL
SELECT 'flow', count(*), min(start_time), max(coalesce(end_time, start_time)), count(DISTINCT file_id) FROM flow_records
UNION ALL
SELECT 'metrics', count(*), min(time), max(time), count(DISTINCT file_id) FROM lambda_metrics
UNION ALL
SELECT 'eni', count(*), min(snapshot_time), max(snapshot_time), count(DISTINCT snapshot_time) FROM network_interfaces
UNION ALL
SELECT 'lambda-config', count(*), min(last_modified), max(last_modified), count(DISTINCT file_id) FROM lambda_functions
UNION ALL
SELECT 'iam',
  (SELECT count(*) FROM iam_roles) + (SELECT count(*) FROM iam_users) + (SELECT count(*) FROM iam_groups)
    + (SELECT count(*) FROM iam_managed_policies),
  NULL, NULL,
  (SELECT count(DISTINCT file_id) FROM (SELECT file_id FROM iam_roles UNION ALL SELECT file_id FROM iam_users))
;

-- name: gaps
-- Hours of the data window in which a timed source that has data holds none, merged into
-- ranges of consecutive hours.
WITH h AS (SELECT source, hour FROM source_hours),
srcs AS (SELECT DISTINCT source FROM h),
axis AS (
  SELECT unnest(generate_series(date_trunc('hour', $data_start::TIMESTAMPTZ), date_trunc('hour', $data_end::TIMESTAMPTZ), INTERVAL 1 HOUR)) AS hour
),
missing AS (
  SELECT s.source, a.hour FROM srcs s CROSS JOIN axis a
  WHERE NOT EXISTS (SELECT 1 FROM h WHERE h.source = s.source AND h.hour = a.hour)
),
islands AS (
  SELECT source, hour, hour - to_hours(row_number() OVER (PARTITION BY source ORDER BY hour)) AS grp FROM missing
)
SELECT source, min(hour) AS gap_start, max(hour) + INTERVAL 1 HOUR AS gap_end, count(*) AS hours
FROM islands
GROUP BY source, grp
ORDER BY source, gap_start;

-- name: present
-- Hours in which each timed source has data, merged into ranges (for the coverage chart).
WITH h AS (SELECT source, hour FROM source_hours),
islands AS (
  SELECT source, hour, hour - to_hours(row_number() OVER (PARTITION BY source ORDER BY hour)) AS grp FROM h
)
SELECT source, min(hour) AS range_start, max(hour) + INTERVAL 1 HOUR AS range_end
FROM islands
GROUP BY source, grp
ORDER BY source, range_start;

-- name: snapshots
-- Times of the point-in-time sources (ENI snapshots, configuration dumps' last_modified).
SELECT DISTINCT 'eni' AS source, snapshot_time AS time FROM network_interfaces
UNION
SELECT DISTINCT 'lambda-config', last_modified FROM lambda_functions WHERE last_modified IS NOT NULL
ORDER BY source, time;

-- name: files
-- The import ledger per source.
SELECT
  coalesce(source, 'unknown') AS source,
  count(*) AS files,
  count(*) FILTER (WHERE status = 'loaded') AS loaded,
  count(*) FILTER (WHERE status = 'skipped') AS skipped,
  count(*) FILTER (WHERE status = 'failed') AS failed,
  coalesce(sum(rows_loaded), 0) AS rows_loaded,
  coalesce(sum(rows_duplicate), 0) AS rows_duplicate,
  coalesce(sum(rows_rejected), 0) AS rows_rejected,
  coalesce(sum(issues), 0) AS issues
FROM import_files
GROUP BY ALL
ORDER BY source;

-- name: problem_files
-- Files that were not loaded, with why.
SELECT path, format, source, status, reason, count(*) OVER () AS total
FROM import_files
WHERE status <> 'loaded'
ORDER BY status, path
LIMIT $limit;

-- name: issue_counts
SELECT severity, code, count(*) AS n, count(DISTINCT path) AS files
FROM import_issues
GROUP BY severity, code
ORDER BY CASE severity WHEN 'error' THEN 0 ELSE 1 END, n DESC, code;

-- name: issues
-- The first issues, errors first; the total is on every row.
SELECT path, location, severity, code, message, count(*) OVER () AS total
FROM import_issues
ORDER BY CASE severity WHEN 'error' THEN 0 ELSE 1 END, path, created_at, location
LIMIT $limit;
