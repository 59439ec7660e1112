-- CloudWatch AWS/Lambda metrics from `aws cloudwatch get-metric-data` and get-metric-statistics.
-- One row per data point and statistic. A data point already stored (same function, metric,
-- stat, period, time and value) is a duplicate and is not stored twice.
CREATE TABLE IF NOT EXISTS lambda_metrics (
  function_name  VARCHAR NOT NULL,
  metric         VARCHAR NOT NULL,  -- Invocations | Errors | Throttles | Duration | ...
  time           TIMESTAMPTZ NOT NULL,
  value          DOUBLE NOT NULL,
  stat           VARCHAR,           -- Sum | Average | Maximum | Minimum | SampleCount | p99 ...; NULL when the export does not say
  unit           VARCHAR,           -- Count | Milliseconds ...
  period_seconds INTEGER,           -- when the get-metric-data Label says it; else NULL
  label          VARCHAR,           -- Label as exported
  query_id       VARCHAR,           -- get-metric-data Id
  source_file    VARCHAR NOT NULL,
  file_id        BIGINT NOT NULL
);
