-- VPC Flow Logs, one row per flow-log record, in two tables that the `flow_records` view
-- (queries/model/00_flow_records.sql) shows as one; query the view.
--
-- flow_default_records: records of the version-2 fields only (the default format: S3 text files
-- with the default header or none, and flow logs through CloudWatch Logs). Keeping them out of the
-- 40-column table makes loading them about a third faster (README, performance).
CREATE TABLE IF NOT EXISTS flow_default_records (
  version                    INTEGER,
  account_id                 VARCHAR,
  interface_id               VARCHAR,
  srcaddr                    VARCHAR,
  dstaddr                    VARCHAR,
  srcport                    INTEGER,
  dstport                    INTEGER,
  protocol                   INTEGER,
  packets                    BIGINT,
  bytes                      BIGINT,
  start_time                 TIMESTAMPTZ,
  end_time                   TIMESTAMPTZ,
  action                     VARCHAR,
  log_status                 VARCHAR,
  file_id                    BIGINT NOT NULL
);

-- flow_custom_records: records of every other log format (custom text headers, Parquet).
-- One column per field AWS defines (versions 2 to 8), hyphens turned into underscores; `start` and
-- `end` (unix seconds) become start_time and end_time. A '-' in the source (field not applicable,
-- e.g. the addresses of a NODATA record) is NULL; a field the log format did not include is NULL.
CREATE TABLE IF NOT EXISTS flow_custom_records (
  version                    INTEGER,      -- v2
  account_id                 VARCHAR,      -- v2; 12 digits or 'unknown' (kept as text: leading zeros)
  interface_id               VARCHAR,      -- v2
  srcaddr                    VARCHAR,      -- v2
  dstaddr                    VARCHAR,      -- v2
  srcport                    INTEGER,      -- v2
  dstport                    INTEGER,      -- v2
  protocol                   INTEGER,      -- v2; IANA protocol number (6 TCP, 17 UDP, 1 ICMP)
  packets                    BIGINT,       -- v2
  bytes                      BIGINT,       -- v2
  start_time                 TIMESTAMPTZ,  -- v2 `start`
  end_time                   TIMESTAMPTZ,  -- v2 `end`
  action                     VARCHAR,      -- v2; ACCEPT | REJECT
  log_status                 VARCHAR,      -- v2; OK | NODATA | SKIPDATA
  vpc_id                     VARCHAR,      -- v3
  subnet_id                  VARCHAR,      -- v3
  instance_id                VARCHAR,      -- v3
  tcp_flags                  INTEGER,      -- v3; OR of FIN 1, SYN 2, RST 4, SYN-ACK 18
  type                       VARCHAR,      -- v3; IPv4 | IPv6 | EFA
  pkt_srcaddr                VARCHAR,      -- v3
  pkt_dstaddr                VARCHAR,      -- v3
  region                     VARCHAR,      -- v4
  az_id                      VARCHAR,      -- v4
  sublocation_type           VARCHAR,      -- v4
  sublocation_id             VARCHAR,      -- v4
  pkt_src_aws_service        VARCHAR,      -- v5
  pkt_dst_aws_service        VARCHAR,      -- v5
  flow_direction             VARCHAR,      -- v5; ingress | egress
  traffic_path               INTEGER,      -- v5
  ecs_cluster_arn            VARCHAR,      -- v7
  ecs_cluster_name           VARCHAR,      -- v7
  ecs_container_instance_arn VARCHAR,      -- v7
  ecs_container_instance_id  VARCHAR,      -- v7
  ecs_container_id           VARCHAR,      -- v7
  ecs_second_container_id    VARCHAR,      -- v7
  ecs_service_name           VARCHAR,      -- v7
  ecs_task_definition_arn    VARCHAR,      -- v7
  ecs_task_arn               VARCHAR,      -- v7
  ecs_task_id                VARCHAR,      -- v7
  reject_reason              VARCHAR,      -- v8
  file_id                    BIGINT NOT NULL
);
