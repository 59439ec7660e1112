-- Network inventory dumps. Each statement reads the batch's files ($files) of one format and
-- inserts one row per resource. A file without the expected top-level list fails (see 'shape').

-- name: shape
SELECT b.display_path, json_keys(r.json) AS keys
FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
JOIN batch_files b ON b.path = r.filename
WHERE json_type(r.json, '$.' || $list_key) IS DISTINCT FROM 'ARRAY'
LIMIT 1;

-- name: ec2-vpcs
INSERT INTO vpc_cidrs
SELECT v ->> '$.VpcId', c, TRY_CAST(v ->> '$.IsDefault' AS BOOLEAN),
       list_filter(TRY_CAST(v -> '$.Tags' AS STRUCT("Key" VARCHAR, "Value" VARCHAR)[]), t -> t."Key" = 'Name')[1]."Value",
       b.display_path, b.file_id
FROM (
  SELECT r.filename, unnest(r.json -> '$.Vpcs[*]') AS v
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
) x
JOIN batch_files b ON b.path = x.filename,
LATERAL (SELECT unnest(list_distinct(
  [v ->> '$.CidrBlock'] || coalesce(CAST(json_extract_string(v, '$.CidrBlockAssociationSet[*].CidrBlock') AS VARCHAR[]), [])
)) AS c) cidrs
WHERE c IS NOT NULL;

-- name: ec2-subnets
INSERT INTO subnets
SELECT s ->> '$.SubnetId', s ->> '$.VpcId', s ->> '$.CidrBlock', s ->> '$.AvailabilityZone',
       TRY_CAST(s ->> '$.MapPublicIpOnLaunch' AS BOOLEAN),
       list_filter(TRY_CAST(s -> '$.Tags' AS STRUCT("Key" VARCHAR, "Value" VARCHAR)[]), t -> t."Key" = 'Name')[1]."Value",
       b.display_path, b.file_id
FROM (
  SELECT r.filename, unnest(r.json -> '$.Subnets[*]') AS s
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
) x JOIN batch_files b ON b.path = x.filename
WHERE (s ->> '$.SubnetId') IS NOT NULL;

-- name: ec2-security-groups
INSERT INTO security_groups
SELECT g ->> '$.GroupId', g ->> '$.GroupName', g ->> '$.VpcId', g ->> '$.Description', g, b.display_path, b.file_id
FROM (
  SELECT r.filename, unnest(r.json -> '$.SecurityGroups[*]') AS g
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
) x JOIN batch_files b ON b.path = x.filename
WHERE (g ->> '$.GroupId') IS NOT NULL;

-- name: rds-instances
INSERT INTO rds_instances
SELECT d ->> '$.DBInstanceIdentifier', d ->> '$.DBInstanceArn', d ->> '$.Engine',
       d ->> '$.Endpoint.Address', TRY_CAST(d ->> '$.Endpoint.Port' AS INTEGER),
       d ->> '$.DBSubnetGroup.VpcId',
       list_sort(CAST(json_extract_string(d, '$.VpcSecurityGroups[*].VpcSecurityGroupId') AS VARCHAR[])),
       CAST(json_extract_string(d, '$.DBSubnetGroup.Subnets[*].SubnetIdentifier') AS VARCHAR[]),
       d, b.display_path, b.file_id
FROM (
  SELECT r.filename, unnest(r.json -> '$.DBInstances[*]') AS d
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
) x JOIN batch_files b ON b.path = x.filename
WHERE (d ->> '$.DBInstanceIdentifier') IS NOT NULL;

-- name: elasticache-clusters
INSERT INTO elasticache_clusters
SELECT c ->> '$.CacheClusterId', c ->> '$.Engine', c ->> '$.CacheSubnetGroupName',
       list_sort(CAST(json_extract_string(c, '$.SecurityGroups[*].SecurityGroupId') AS VARCHAR[])),
       c, b.display_path, b.file_id
FROM (
  SELECT r.filename, unnest(r.json -> '$.CacheClusters[*]') AS c
  FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object) r
) x JOIN batch_files b ON b.path = x.filename
WHERE (c ->> '$.CacheClusterId') IS NOT NULL;

-- name: counts
SELECT file_id, count(*) AS n FROM (
  SELECT file_id FROM vpc_cidrs UNION ALL SELECT file_id FROM subnets UNION ALL SELECT file_id FROM security_groups
  UNION ALL SELECT file_id FROM rds_instances UNION ALL SELECT file_id FROM elasticache_clusters
) WHERE file_id IN (SELECT file_id FROM batch_files) GROUP BY file_id;
