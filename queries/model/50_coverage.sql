-- Hours in which each timed source holds data: the report's coverage chart and gap list both
-- read it, so each large table is scanned once per report.
CREATE OR REPLACE VIEW source_hours AS
SELECT DISTINCT 'cloudtrail' AS source, date_trunc('hour', event_time) AS hour FROM cloudtrail_events
UNION ALL
SELECT DISTINCT 'lambda-logs', date_trunc('hour', time) FROM lambda_log_events
UNION ALL
SELECT DISTINCT 'flow', date_trunc('hour', start_time) FROM flow_records WHERE start_time IS NOT NULL
UNION ALL
SELECT DISTINCT 'metrics', date_trunc('hour', time) FROM lambda_metrics;
