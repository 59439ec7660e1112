-- Network model: which function used which ENI and IP, and what each internal address is.

-- Each function's VPC configuration(s): from the configuration dumps, and over time from the
-- vpcConfig of CreateFunction / UpdateFunctionConfiguration request parameters.
CREATE OR REPLACE VIEW function_vpc_configs AS
SELECT DISTINCT function_name, subnet_ids, list_sort(security_group_ids) AS sg_set, 'config' AS source
FROM lambda_functions
WHERE function_name IS NOT NULL AND len(coalesce(subnet_ids, [])) > 0
UNION
SELECT DISTINCT
  lf_fn_name(request_parameters ->> '$.functionName'),
  CAST(json_extract_string(request_parameters, '$.vpcConfig.subnetIds[*]') AS VARCHAR[]),
  list_sort(CAST(json_extract_string(request_parameters, '$.vpcConfig.securityGroupIds[*]') AS VARCHAR[])),
  'cloudtrail'
FROM cloudtrail_events
WHERE event_source = 'lambda.amazonaws.com' AND api_name IN ('CreateFunction', 'UpdateFunctionConfiguration')
  AND error_code IS NULL
  AND len(coalesce(CAST(json_extract_string(request_parameters, '$.vpcConfig.subnetIds[*]') AS VARCHAR[]), [])) > 0;

-- ENI lifetimes: snapshots, plus CreateNetworkInterface / DeleteNetworkInterface in CloudTrail.
CREATE OR REPLACE VIEW eni_lifetimes AS
WITH snaps AS (SELECT DISTINCT snapshot_time FROM network_interfaces),
seen AS (
  SELECT eni_id,
         any_value(interface_type) AS interface_type,
         any_value(description) AS description,
         any_value(subnet_id) AS subnet_id,
         any_value(vpc_id) AS vpc_id,
         list_sort(any_value(security_group_ids)) AS sg_set,
         any_value(requester_id) AS requester_id,
         any_value(attachment_instance_id) AS attachment_instance_id,
         any_value(public_ip) AS public_ip,
         list_distinct(flatten(list(coalesce(private_ips, [private_ip])))) AS ips,
         min(snapshot_time) AS first_snapshot,
         max(snapshot_time) AS last_snapshot
  FROM network_interfaces GROUP BY eni_id
),
created AS (
  SELECT response_elements ->> '$.networkInterface.networkInterfaceId' AS eni_id,
         min(event_time) AS created_at,
         any_value(request_parameters ->> '$.description') AS description,
         any_value(request_parameters ->> '$.subnetId') AS subnet_id,
         list_sort(any_value(CAST(json_extract_string(request_parameters, '$.groupSet.items[*].groupId') AS VARCHAR[]))) AS sg_set,
         any_value(response_elements ->> '$.networkInterface.privateIpAddress') AS ip,
         any_value(response_elements ->> '$.networkInterface.vpcId') AS vpc_id,
         any_value(response_elements ->> '$.networkInterface.interfaceType') AS interface_type
  FROM cloudtrail_events
  WHERE event_source = 'ec2.amazonaws.com' AND api_name = 'CreateNetworkInterface' AND error_code IS NULL
    AND (response_elements ->> '$.networkInterface.networkInterfaceId') IS NOT NULL
  GROUP BY 1
),
deleted AS (
  SELECT request_parameters ->> '$.networkInterfaceId' AS eni_id, min(event_time) AS deleted_at
  FROM cloudtrail_events
  WHERE event_source = 'ec2.amazonaws.com' AND api_name = 'DeleteNetworkInterface' AND error_code IS NULL
  GROUP BY 1
),
all_enis AS (SELECT eni_id FROM seen UNION SELECT eni_id FROM created)
SELECT
  a.eni_id,
  coalesce(s.interface_type, c.interface_type, CASE WHEN c.description LIKE 'AWS Lambda VPC ENI-%' THEN 'lambda' END) AS interface_type,
  coalesce(s.description, c.description) AS description,
  coalesce(s.subnet_id, c.subnet_id) AS subnet_id,
  coalesce(s.vpc_id, c.vpc_id) AS vpc_id,
  coalesce(s.sg_set, c.sg_set) AS sg_set,
  s.requester_id, s.attachment_instance_id, s.public_ip,
  coalesce(s.ips, [c.ip]) AS ips,
  s.first_snapshot, s.last_snapshot, c.created_at, d.deleted_at,
  -- bounds: the create/delete events when known, else the nearest snapshots that do not show it
  coalesce(c.created_at, (SELECT max(snapshot_time) FROM snaps WHERE snapshot_time < s.first_snapshot)) AS valid_from,
  coalesce(d.deleted_at, (SELECT min(snapshot_time) FROM snaps WHERE snapshot_time > s.last_snapshot)) AS valid_to
FROM all_enis a
LEFT JOIN seen s USING (eni_id)
LEFT JOIN created c USING (eni_id)
LEFT JOIN deleted d USING (eni_id);

-- Which function(s) used which Lambda ENI and private IP, and when. An ENI id is never reused,
-- so flow records join on interface_id whatever their time; valid_from/valid_to bound the IP.
-- A Hyperplane ENI is shared by every function with the same subnet and security-group set:
-- all matching functions get a row and `ambiguous` is true.
CREATE OR REPLACE VIEW eni_attribution AS
WITH lambda_enis AS (
  SELECT * FROM eni_lifetimes WHERE interface_type = 'lambda' OR description LIKE 'AWS Lambda VPC ENI-%'
),
by_config AS (
  SELECT DISTINCT e.eni_id, c.function_name
  FROM lambda_enis e JOIN function_vpc_configs c
    ON list_contains(c.subnet_ids, e.subnet_id) AND c.sg_set = e.sg_set
),
by_description AS (
  SELECT eni_id, lf_eni_function(description) AS function_name FROM lambda_enis WHERE lf_eni_function(description) IS NOT NULL
),
candidates AS (
  SELECT eni_id, function_name,
         bool_or(m = 'vpc-config') AS by_cfg, bool_or(m = 'description') AS by_desc
  FROM (SELECT *, 'vpc-config' AS m FROM by_config UNION ALL SELECT *, 'description' FROM by_description)
  GROUP BY ALL
)
SELECT
  e.eni_id,
  ip AS private_ip,
  c.function_name,
  e.valid_from,
  e.valid_to,
  CASE WHEN c.by_cfg AND c.by_desc THEN 'vpc-config+description' WHEN c.by_cfg THEN 'vpc-config' ELSE 'description' END AS method,
  count(*) OVER (PARTITION BY e.eni_id, ip) > 1 AS ambiguous
FROM lambda_enis e
JOIN candidates c USING (eni_id)
CROSS JOIN unnest(e.ips) AS t(ip);

-- What each internal address is, from the ENI snapshots: RDS, ElastiCache, NAT gateway, EC2
-- instance, a Lambda function, or unknown. `identity` stays the same when a managed resource moves
-- to a new ENI and IP (an RDS instance is known by its VPC and security-group set, named from
-- rds describe-db-instances when imported), so a peer whose IP changed is not a new peer.
CREATE OR REPLACE VIEW peers AS
WITH kinds AS (
  SELECT e.*,
    CASE
      WHEN e.interface_type = 'nat_gateway' OR e.description LIKE 'Interface for NAT Gateway%' THEN 'nat'
      WHEN e.description = 'RDSNetworkInterface' OR e.requester_id = 'amazon-rds' THEN 'rds'
      WHEN e.description LIKE 'ElastiCache %' OR e.requester_id = 'amazon-elasticache' THEN 'elasticache'
      WHEN e.interface_type = 'lambda' OR e.description LIKE 'AWS Lambda VPC ENI-%' THEN 'lambda'
      WHEN e.attachment_instance_id IS NOT NULL THEN 'ec2'
      ELSE 'internal-unknown'
    END AS kind
  FROM eni_lifetimes e
),
named AS (
  SELECT k.*,
    CASE k.kind
      WHEN 'nat' THEN coalesce(nullif(regexp_extract(k.description, '(nat-[0-9a-f]+)', 1), ''), k.eni_id)
      WHEN 'rds' THEN coalesce(
        (SELECT 'RDS ' || string_agg(DISTINCT r.db_instance_identifier, '|' ORDER BY r.db_instance_identifier)
         FROM rds_instances r WHERE r.security_group_ids = k.sg_set AND r.vpc_id IS NOT DISTINCT FROM k.vpc_id),
        'RDS (' || (SELECT string_agg(DISTINCT coalesce(g.group_name, g.group_id), ',' ORDER BY coalesce(g.group_name, g.group_id))
                    FROM security_groups g WHERE list_contains(k.sg_set, g.group_id)) || ')',
        'RDS ' || array_to_string(k.sg_set, ','))
      WHEN 'elasticache' THEN k.description
      WHEN 'lambda' THEN coalesce((SELECT string_agg(DISTINCT a.function_name, '|' ORDER BY a.function_name) FROM eni_attribution a WHERE a.eni_id = k.eni_id), k.description)
      WHEN 'ec2' THEN k.attachment_instance_id
      ELSE coalesce(nullif(k.description, ''), k.eni_id)
    END AS name,
    CASE k.kind
      WHEN 'rds' THEN coalesce(
        (SELECT 'rds:' || min(r.db_instance_identifier) FROM rds_instances r
         WHERE r.security_group_ids = k.sg_set AND r.vpc_id IS NOT DISTINCT FROM k.vpc_id),
        'rds:' || coalesce(k.vpc_id, '') || ':' || array_to_string(k.sg_set, ','))
      WHEN 'elasticache' THEN 'elasticache:' || k.description
      WHEN 'ec2' THEN 'ec2:' || k.attachment_instance_id
      WHEN 'nat' THEN 'nat:' || coalesce(nullif(regexp_extract(k.description, '(nat-[0-9a-f]+)', 1), ''), k.eni_id)
      ELSE k.kind || ':' || k.eni_id
    END AS identity
  FROM kinds k
)
SELECT ip AS address, 'private' AS address_type, eni_id, kind, name, identity, vpc_id, subnet_id, valid_from, valid_to
FROM named CROSS JOIN unnest(ips) AS t(ip) WHERE ip IS NOT NULL
UNION ALL
SELECT public_ip, 'public', eni_id, kind, name, identity, vpc_id, subnet_id, valid_from, valid_to
FROM named WHERE public_ip IS NOT NULL;
