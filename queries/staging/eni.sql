-- ENI snapshots (aws ec2 describe-network-interfaces). The batch's files are $files; each file's
-- snapshot time is in temp table eni_files(file_id, snapshot_time_text, source) filled by the importer.

-- name: stage
-- One row per top-level JSON object of each file (normally one), with its NetworkInterfaces value.
CREATE OR REPLACE TEMP TABLE eni_docs AS
SELECT b.file_id, r.ordinality AS doc_index, r.NetworkInterfaces AS list
FROM read_json($files, records = true, columns = {'NetworkInterfaces': 'JSON'}, format = 'unstructured', filename = true,
               maximum_object_size = $max_object) WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: shape-problems
-- Files that are not describe-network-interfaces output: no NetworkInterfaces array.
SELECT d.file_id, d.doc_index, coalesce(json_type(d.list), 'missing') AS list_type
FROM eni_docs d
WHERE json_type(d.list) IS DISTINCT FROM 'ARRAY'
UNION ALL
SELECT f.file_id, NULL, 'no-object'
FROM batch_files f
WHERE NOT EXISTS (SELECT 1 FROM eni_docs d WHERE d.file_id = f.file_id)
ORDER BY 1, 2;

-- name: top-keys
-- Top-level keys of one file, to say what it holds instead.
SELECT json_keys(json) AS keys
FROM read_json_objects($files, format = 'unstructured', maximum_object_size = $max_object)
LIMIT 1;

-- name: bad-time
SELECT file_id, snapshot_time_text FROM eni_files WHERE TRY_CAST(snapshot_time_text AS TIMESTAMPTZ) IS NULL;

-- name: normalize
CREATE OR REPLACE TEMP TABLE eni_batch AS
WITH e AS (
  SELECT d.file_id, d.doc_index,
         unnest(generate_series(1, json_array_length(d.list)::BIGINT)) AS idx_in_doc,
         unnest(d.list::JSON[]) AS rec
  FROM eni_docs d
),
t AS (
  SELECT e.file_id,
         row_number() OVER (PARTITION BY e.file_id ORDER BY e.doc_index, e.idx_in_doc) AS record_index,
         e.rec,
         json_type(e.rec) AS rec_type,
         json_transform(e.rec, '{
           "NetworkInterfaceId": "VARCHAR", "InterfaceType": "VARCHAR", "Description": "VARCHAR",
           "PrivateIpAddress": "VARCHAR", "PrivateIpAddresses": [{"PrivateIpAddress": "VARCHAR"}],
           "Ipv6Addresses": [{"Ipv6Address": "VARCHAR"}],
           "Association": {"PublicIp": "VARCHAR"},
           "SubnetId": "VARCHAR", "VpcId": "VARCHAR", "Groups": [{"GroupId": "VARCHAR"}],
           "RequesterId": "VARCHAR", "RequesterManaged": "BOOLEAN", "Status": "VARCHAR",
           "Attachment": {"InstanceId": "VARCHAR"}, "OwnerId": "VARCHAR", "AvailabilityZone": "VARCHAR"
         }') AS s
  FROM e
),
n AS (
  SELECT t.file_id, t.record_index, t.rec_type,
         f.snapshot_time_text::TIMESTAMPTZ AS snapshot_time,
         f.source AS snapshot_time_source,
         nullif(s.NetworkInterfaceId, '') AS eni_id,
         s.InterfaceType AS interface_type,
         s.Description AS description,
         s.PrivateIpAddress AS private_ip,
         list_filter(list_transform(s.PrivateIpAddresses, x -> x.PrivateIpAddress), x -> x IS NOT NULL) AS private_ips,
         list_filter(list_transform(s.Ipv6Addresses, x -> x.Ipv6Address), x -> x IS NOT NULL) AS ipv6_ips,
         s.Association.PublicIp AS public_ip,
         s.SubnetId AS subnet_id,
         s.VpcId AS vpc_id,
         list_filter(list_transform(s.Groups, x -> x.GroupId), x -> x IS NOT NULL) AS security_group_ids,
         s.RequesterId AS requester_id,
         s.RequesterManaged AS requester_managed,
         s.Status AS status,
         s.Attachment.InstanceId AS attachment_instance_id,
         s.OwnerId AS owner_id,
         s.AvailabilityZone AS availability_zone,
         t.rec AS raw,
         CASE
           WHEN t.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
           WHEN nullif(s.NetworkInterfaceId, '') IS NULL THEN 'missing-eni-id'
         END AS problem
  FROM t JOIN eni_files f USING (file_id)
)
SELECT n.*,
  CASE
    WHEN problem IS NOT NULL THEN problem
    WHEN row_number() OVER (PARTITION BY n.snapshot_time, n.eni_id ORDER BY n.file_id, n.record_index) > 1 THEN 'duplicate'
    WHEN EXISTS (SELECT 1 FROM network_interfaces x WHERE x.eni_id = n.eni_id AND x.snapshot_time = n.snapshot_time)
      THEN 'duplicate'
    ELSE 'keep'
  END AS disposition
FROM n;

-- name: insert
INSERT INTO network_interfaces
SELECT b.snapshot_time, b.snapshot_time_source, b.eni_id, b.interface_type, b.description, b.private_ip,
       b.private_ips, b.ipv6_ips, b.public_ip, b.subnet_id, b.vpc_id, b.security_group_ids, b.requester_id,
       b.requester_managed, b.status, b.attachment_instance_id, b.owner_id, b.availability_zone, b.raw,
       f.display_path, b.file_id
FROM eni_batch b JOIN batch_files f USING (file_id)
WHERE b.disposition = 'keep';

-- name: counts
SELECT file_id,
       count(*) FILTER (WHERE disposition = 'keep') AS loaded,
       count(*) FILTER (WHERE disposition = 'duplicate') AS duplicate,
       count(*) FILTER (WHERE disposition NOT IN ('keep', 'duplicate')) AS rejected
FROM eni_batch GROUP BY file_id;

-- name: problems
SELECT file_id, record_index, disposition AS code, rec_type
FROM eni_batch
WHERE disposition NOT IN ('keep', 'duplicate')
ORDER BY file_id, record_index
LIMIT 10000;
