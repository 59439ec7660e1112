-- ENI snapshots from `aws ec2 describe-network-interfaces` ({"NetworkInterfaces":[...]}):
-- one row per network interface per snapshot. The same ENI seen again at the same
-- snapshot_time is a duplicate and is not stored twice.
CREATE TABLE IF NOT EXISTS network_interfaces (
  snapshot_time          TIMESTAMPTZ NOT NULL,
  snapshot_time_source   VARCHAR NOT NULL,  -- cli (--snapshot-time) | file-name | mtime
  eni_id                 VARCHAR NOT NULL,  -- NetworkInterfaceId
  interface_type         VARCHAR,           -- InterfaceType: interface | lambda | nat_gateway | ...
  description            VARCHAR,
  private_ip             VARCHAR,           -- PrivateIpAddress (primary)
  private_ips            VARCHAR[],         -- every PrivateIpAddresses[].PrivateIpAddress
  ipv6_ips               VARCHAR[],         -- Ipv6Addresses[].Ipv6Address
  public_ip              VARCHAR,           -- Association.PublicIp
  subnet_id              VARCHAR,
  vpc_id                 VARCHAR,
  security_group_ids     VARCHAR[],         -- Groups[].GroupId
  requester_id           VARCHAR,
  requester_managed      BOOLEAN,
  status                 VARCHAR,
  attachment_instance_id VARCHAR,           -- Attachment.InstanceId
  owner_id               VARCHAR,
  availability_zone      VARCHAR,
  raw                    JSON,
  source_file            VARCHAR NOT NULL,
  file_id                BIGINT NOT NULL
);
