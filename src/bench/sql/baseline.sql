-- Baselines for `lambda-forensics bench`: each is one CREATE TABLE ... AS SELECT with DuckDB's own
-- reader and an explicit schema, run in a fresh database file opened with the same settings as
-- `import` (src/db/connection.ts: threads, memory_limit, preserve_insertion_order=false). Inputs
-- are bound: $files (the set's file paths) and, for JSON, $max_object (the reader's object size
-- limit, sized to the largest file as the importers size it: src/importers/common.ts). Each section names its table in `-- table:`.

-- name: ct
-- table: raw_cloudtrail
-- One row per record of {"Records":[...]} files; nested payloads stay JSON, ids stay VARCHAR.
-- The files are one line each, as AWS writes them, so they are read as JSON lines, the reader's
-- fastest way and the one the import takes for such files.
CREATE TABLE raw_cloudtrail AS
SELECT unnest(r.Records, max_depth := 2)
FROM read_json($files, format = 'newline_delimited', records = true, maximum_object_size = $max_object, columns = {'Records': 'STRUCT(
  eventVersion VARCHAR,
  userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR,
                      userName VARCHAR, invokedBy VARCHAR, sessionContext JSON),
  eventTime TIMESTAMPTZ, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR,
  userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, requestParameters JSON, responseElements JSON,
  additionalEventData JSON, requestID VARCHAR, eventID VARCHAR, readOnly BOOLEAN, resources JSON,
  eventType VARCHAR, managementEvent BOOLEAN, recipientAccountId VARCHAR, sharedEventID VARCHAR,
  eventCategory VARCHAR, tlsDetails JSON)[]'}) r;

-- name: flow
-- table: raw_flow
-- Default (version 2) format with a header line; '-' is NULL.
CREATE TABLE raw_flow AS
SELECT *
FROM read_csv($files, header = true, delim = ' ', quote = '', escape = '', nullstr = '-', auto_detect = false,
              compression = 'gzip', columns = {
  'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR', 'srcaddr': 'VARCHAR',
  'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER', 'packets': 'BIGINT',
  'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'});

-- name: lambda
-- table: raw_lambda_lines
-- CloudWatch Logs export lines `<ISO timestamp> <message>`, split at the first space. DuckDB's CSV
-- reader also ends a line at \r, so an event whose lines the runtime joined with \r becomes several
-- rows (strict_mode=false lets it read them at all); the import splits on \n only.
CREATE TABLE raw_lambda_lines AS
SELECT TRY_CAST(left(line, 24) AS TIMESTAMPTZ) AS time, substr(line, 26) AS message
FROM read_csv($files, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false,
              strict_mode = false, compression = 'gzip', columns = {'line': 'VARCHAR'});

-- name: ct-cwl
-- table: raw_cloudtrail_cwl
-- CloudWatch Logs S3 export lines `<ISO timestamp> <record>`: the record after the first space, read
-- into the same columns as `ct` (the CSV reader ends a line at \r too, which no CloudTrail record holds).
CREATE TABLE raw_cloudtrail_cwl AS
SELECT unnest(json_transform(substr(line, strpos(line, ' ') + 1), '{
  "eventVersion": "VARCHAR",
  "userIdentity": {"type": "VARCHAR", "principalId": "VARCHAR", "arn": "VARCHAR", "accountId": "VARCHAR",
                   "accessKeyId": "VARCHAR", "userName": "VARCHAR", "invokedBy": "VARCHAR", "sessionContext": "JSON"},
  "eventTime": "TIMESTAMPTZ", "eventSource": "VARCHAR", "eventName": "VARCHAR", "awsRegion": "VARCHAR",
  "sourceIPAddress": "VARCHAR", "userAgent": "VARCHAR", "errorCode": "VARCHAR", "errorMessage": "VARCHAR",
  "requestParameters": "JSON", "responseElements": "JSON", "additionalEventData": "JSON", "requestID": "VARCHAR",
  "eventID": "VARCHAR", "readOnly": "BOOLEAN", "resources": "JSON", "eventType": "VARCHAR", "managementEvent": "BOOLEAN",
  "recipientAccountId": "VARCHAR", "sharedEventID": "VARCHAR", "eventCategory": "VARCHAR", "tlsDetails": "JSON"}'), recursive := true)
FROM read_csv($files, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false,
              strict_mode = false, compression = 'gzip', columns = {'line': 'VARCHAR'});

-- name: flow-cwl
-- table: raw_flow_cwl
-- CloudWatch Logs S3 export lines: the line's timestamp, then the default-format record.
CREATE TABLE raw_flow_cwl AS
SELECT * EXCLUDE (ts)
FROM read_csv($files, header = false, delim = ' ', quote = '', escape = '', nullstr = '-', auto_detect = false,
              compression = 'gzip', columns = {
  'ts': 'VARCHAR', 'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR', 'srcaddr': 'VARCHAR',
  'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER', 'packets': 'BIGINT',
  'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'});

-- name: eni
-- table: raw_network_interfaces
CREATE TABLE raw_network_interfaces AS
SELECT unnest(r.NetworkInterfaces, max_depth := 2)
FROM read_json($files, format = 'auto', records = true, maximum_object_size = $max_object, columns = {'NetworkInterfaces': 'STRUCT(
  NetworkInterfaceId VARCHAR, InterfaceType VARCHAR, Description VARCHAR, PrivateIpAddress VARCHAR,
  PrivateIpAddresses JSON, Ipv6Addresses JSON, Association JSON, SubnetId VARCHAR, VpcId VARCHAR, "Groups" JSON,
  RequesterId VARCHAR, RequesterManaged BOOLEAN, Status VARCHAR, Attachment JSON, OwnerId VARCHAR,
  AvailabilityZone VARCHAR)[]'}) r;

-- name: first-seen
-- table: bench_first_seen
-- The reference query for `analyze findings`: a plain first-seen aggregation over the imported
-- flow_records (temporary, so the database is left as it was).
CREATE TEMP TABLE bench_first_seen AS
SELECT interface_id, dstaddr, dstport, min(start_time) AS first_seen, count(*) AS records
FROM flow_records
GROUP BY interface_id, dstaddr, dstport;

-- name: counts
-- What an import left in the database, to check that every row is there.
SELECT
  (SELECT count(*) FROM cloudtrail_events) AS cloudtrail_events,
  (SELECT count(*) FROM flow_records) AS flow_records,
  (SELECT count(*) FROM lambda_log_events) AS lambda_log_events,
  (SELECT count(*) FROM lambda_invocations) AS lambda_invocations,
  (SELECT count(*) FROM network_interfaces) AS network_interfaces,
  (SELECT count(*) FROM import_files) AS files,
  (SELECT count(*) FROM import_files WHERE status = 'failed') AS failed_files,
  (SELECT coalesce(sum(rows_duplicate), 0) FROM import_files) AS duplicates,
  (SELECT count(*) FROM import_issues) AS issues;
