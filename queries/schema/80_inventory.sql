-- Network inventory dumps that name what the ENI snapshots only show as addresses. Each dump is a
-- snapshot: a resource in several dumps gives several rows.

-- `aws ec2 describe-vpcs`: one row per VPC CIDR block (primary and associated).
CREATE TABLE IF NOT EXISTS vpc_cidrs (
  vpc_id      VARCHAR NOT NULL,
  cidr_block  VARCHAR NOT NULL,   -- IPv4 CIDR, e.g. 10.0.0.0/16
  is_default  BOOLEAN,
  name        VARCHAR,            -- the Name tag
  source_file VARCHAR NOT NULL,
  file_id     BIGINT NOT NULL
);

-- `aws ec2 describe-subnets`
CREATE TABLE IF NOT EXISTS subnets (
  subnet_id         VARCHAR NOT NULL,
  vpc_id            VARCHAR,
  cidr_block        VARCHAR,
  availability_zone VARCHAR,
  map_public_ip     BOOLEAN,      -- MapPublicIpOnLaunch
  name              VARCHAR,      -- the Name tag
  source_file       VARCHAR NOT NULL,
  file_id           BIGINT NOT NULL
);

-- `aws ec2 describe-security-groups`
CREATE TABLE IF NOT EXISTS security_groups (
  group_id    VARCHAR NOT NULL,
  group_name  VARCHAR,
  vpc_id      VARCHAR,
  description VARCHAR,
  raw         JSON,               -- the group, with its ingress and egress rules
  source_file VARCHAR NOT NULL,
  file_id     BIGINT NOT NULL
);

-- `aws rds describe-db-instances`: names the RDS ENIs (matched by VPC and security-group set).
CREATE TABLE IF NOT EXISTS rds_instances (
  db_instance_identifier VARCHAR NOT NULL,
  db_instance_arn        VARCHAR,
  engine                 VARCHAR,
  endpoint_address       VARCHAR,
  endpoint_port          INTEGER,
  vpc_id                 VARCHAR,
  security_group_ids     VARCHAR[],  -- VpcSecurityGroups[].VpcSecurityGroupId
  subnet_ids             VARCHAR[],  -- DBSubnetGroup.Subnets[].SubnetIdentifier
  raw                    JSON,
  source_file            VARCHAR NOT NULL,
  file_id                BIGINT NOT NULL
);

-- `aws elasticache describe-cache-clusters`
CREATE TABLE IF NOT EXISTS elasticache_clusters (
  cache_cluster_id        VARCHAR NOT NULL,
  engine                  VARCHAR,
  cache_subnet_group_name VARCHAR,
  security_group_ids      VARCHAR[],  -- SecurityGroups[].SecurityGroupId
  raw                     JSON,
  source_file             VARCHAR NOT NULL,
  file_id                 BIGINT NOT NULL
);
