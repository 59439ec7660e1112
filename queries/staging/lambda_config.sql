-- Lambda configuration dumps: list-functions, get-function, get-function-configuration, get-policy,
-- get-function-url-config and list-function-url-configs. Each reader section adds the batch's files of
-- one format ($files) to lc_docs: one row per top-level JSON object, holding the list of records
-- (functions, policy statements or URL configs) it carries, or NULL when the file is not of that shape.

-- name: create
CREATE OR REPLACE TEMP TABLE lc_docs (
  file_id     BIGINT,
  doc_index   BIGINT,
  kind        VARCHAR,   -- function | statement | url
  list        JSON,      -- JSON array of records; NULL when the shape is wrong
  tags        JSON,      -- get-function Tags
  policy_text VARCHAR,   -- get-policy Policy (a JSON string)
  policy_id   VARCHAR,
  revision_id VARCHAR,
  next_marker VARCHAR,
  shape       VARCHAR    -- what is wrong with the shape, NULL when fine
);

-- name: lambda-functions
INSERT INTO lc_docs
SELECT b.file_id, r.ordinality, 'function',
       CASE WHEN json_type(r.Functions) = 'ARRAY' THEN r.Functions END,
       NULL, NULL, NULL, NULL, r.NextMarker,
       CASE WHEN r.Functions IS NULL THEN 'no-functions'
            WHEN json_type(r.Functions) <> 'ARRAY' THEN 'functions-not-array' END
FROM read_json($files, records = true, columns = {'Functions': 'JSON', 'NextMarker': 'VARCHAR'}, format = 'unstructured',
               filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: lambda-function
-- get-function: {"Configuration": {...}, "Code": {...}, "Tags": {...}}; get-function-configuration: the
-- configuration object itself.
INSERT INTO lc_docs
SELECT b.file_id, r.ordinality, 'function',
       CASE WHEN json_type(r.json -> 'Configuration') = 'OBJECT' THEN json_array(r.json -> 'Configuration')
            WHEN json_type(r.json -> 'FunctionName') = 'VARCHAR' OR json_type(r.json -> 'FunctionArn') = 'VARCHAR'
              THEN json_array(r.json) END,
       CASE WHEN json_type(r.json -> 'Configuration') = 'OBJECT' THEN r.json -> 'Tags' END,
       NULL, NULL, NULL, NULL,
       CASE WHEN json_type(r.json) <> 'OBJECT' THEN 'not-an-object'
            WHEN json_type(r.json -> 'Configuration') = 'OBJECT' THEN NULL
            WHEN json_type(r.json -> 'FunctionName') = 'VARCHAR' OR json_type(r.json -> 'FunctionArn') = 'VARCHAR' THEN NULL
            ELSE 'no-configuration' END
FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object)
     WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: lambda-policy
-- get-policy: {"Policy": "<policy document as a JSON string>", "RevisionId": "..."}.
INSERT INTO lc_docs
SELECT file_id, doc_index, 'statement',
       CASE json_type(doc -> 'Statement') WHEN 'ARRAY' THEN doc -> 'Statement'
                                          WHEN 'OBJECT' THEN json_array(doc -> 'Statement') END,
       NULL, policy, doc ->> 'Id', revision_id, NULL,
       CASE WHEN policy IS NULL THEN 'no-policy'
            WHEN doc IS NULL THEN 'policy-not-json'
            WHEN json_type(doc) <> 'OBJECT' THEN 'policy-not-object'
            WHEN json_type(doc -> 'Statement') IS DISTINCT FROM 'ARRAY' AND json_type(doc -> 'Statement') IS DISTINCT FROM 'OBJECT'
              THEN 'policy-no-statement' END
FROM (
  SELECT b.file_id, r.ordinality AS doc_index, r.Policy AS policy, r.RevisionId AS revision_id,
         TRY_CAST(r.Policy AS JSON) AS doc
  FROM read_json($files, records = true, columns = {'Policy': 'VARCHAR', 'RevisionId': 'VARCHAR'}, format = 'unstructured',
                 filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
  JOIN batch_files b ON b.path = r.filename
);

-- name: lambda-url-config
-- get-function-url-config: one config object; list-function-url-configs: {"FunctionUrlConfigs": [...]}.
INSERT INTO lc_docs
SELECT b.file_id, r.ordinality, 'url',
       CASE WHEN json_type(r.json -> 'FunctionUrlConfigs') = 'ARRAY' THEN r.json -> 'FunctionUrlConfigs'
            WHEN json_type(r.json -> 'FunctionUrl') = 'VARCHAR' THEN json_array(r.json) END,
       NULL, NULL, NULL, NULL, r.json ->> 'NextMarker',
       CASE WHEN json_type(r.json) <> 'OBJECT' THEN 'not-an-object'
            WHEN json_type(r.json -> 'FunctionUrlConfigs') = 'ARRAY' OR json_type(r.json -> 'FunctionUrl') = 'VARCHAR' THEN NULL
            ELSE 'no-url-config' END
FROM read_json_objects($files, format = 'unstructured', filename = true, maximum_object_size = $max_object)
     WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: shape-problems
SELECT d.file_id, d.doc_index, d.shape, left(d.policy_text, 80) AS policy_head
FROM lc_docs d WHERE d.shape IS NOT NULL
UNION ALL
SELECT f.file_id, NULL, 'no-object', NULL
FROM batch_files f
WHERE NOT EXISTS (SELECT 1 FROM lc_docs d WHERE d.file_id = f.file_id)
ORDER BY 1, 2;

-- name: top-keys
SELECT json_keys(json) AS keys
FROM read_json_objects($files, format = 'unstructured', maximum_object_size = $max_object)
LIMIT 1;

-- name: records
CREATE OR REPLACE TEMP TABLE lc_records AS
WITH e AS (
  SELECT d.file_id, d.doc_index, d.kind, d.tags, d.policy_id, d.revision_id,
         unnest(generate_series(1, json_array_length(d.list)::BIGINT)) AS idx,
         unnest(d.list::JSON[]) AS rec
  FROM lc_docs d
  WHERE d.list IS NOT NULL
)
SELECT e.file_id, e.kind,
       row_number() OVER (PARTITION BY e.file_id, e.kind ORDER BY e.doc_index, e.idx) AS record_index,
       e.rec, json_type(e.rec) AS rec_type, e.tags, e.policy_id, e.revision_id
FROM e;

-- name: normalize-functions
CREATE OR REPLACE TEMP TABLE lc_functions AS
WITH t AS (
  SELECT r.*, json_transform(r.rec, '{
    "FunctionName": "VARCHAR", "FunctionArn": "VARCHAR", "Version": "VARCHAR", "Role": "VARCHAR",
    "Runtime": "VARCHAR", "Handler": "VARCHAR", "Description": "VARCHAR", "LastModified": "VARCHAR",
    "CodeSha256": "VARCHAR", "CodeSize": "BIGINT", "RevisionId": "VARCHAR",
    "VpcConfig": {"VpcId": "VARCHAR", "SubnetIds": ["VARCHAR"], "SecurityGroupIds": ["VARCHAR"]},
    "MemorySize": "INTEGER", "Timeout": "INTEGER", "PackageType": "VARCHAR", "Architectures": ["VARCHAR"],
    "Layers": [{"Arn": "VARCHAR"}], "Environment": {"Variables": "JSON"}
  }') AS s
  FROM lc_records r WHERE r.kind = 'function'
)
SELECT t.file_id, t.record_index, t.rec_type,
       coalesce(nullif(s.FunctionName, ''),
                nullif(regexp_extract(s.FunctionArn, ':function:([A-Za-z0-9_-]+)', 1), '')) AS function_name,
       nullif(s.FunctionArn, '') AS function_arn,
       s.Version AS version,
       s.Role AS role_arn,
       s.Runtime AS runtime,
       s.Handler AS handler,
       s.Description AS description,
       s.LastModified AS last_modified_text,
       TRY_CAST(s.LastModified AS TIMESTAMPTZ) AS last_modified,
       s.CodeSha256 AS code_sha256,
       s.CodeSize AS code_size,
       s.RevisionId AS revision_id,
       nullif(s.VpcConfig.VpcId, '') AS vpc_id,
       s.VpcConfig.SubnetIds AS subnet_ids,
       s.VpcConfig.SecurityGroupIds AS security_group_ids,
       s.MemorySize AS memory_size,
       s.Timeout AS timeout,
       s.PackageType AS package_type,
       s.Architectures AS architectures,
       list_filter(list_transform(s.Layers, x -> x.Arn), x -> x IS NOT NULL) AS layers,
       s.Environment.Variables AS environment,
       t.tags,
       t.rec AS raw,
       CASE WHEN t.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
            WHEN nullif(s.FunctionName, '') IS NULL AND nullif(s.FunctionArn, '') IS NULL THEN 'missing-function-name'
       END AS problem,
       CASE WHEN s.LastModified IS NOT NULL AND TRY_CAST(s.LastModified AS TIMESTAMPTZ) IS NULL THEN 'bad-last-modified'
       END AS warning,
       s.LastModified AS warning_detail
FROM t;

-- name: normalize-statements
CREATE OR REPLACE TEMP TABLE lc_statements AS
WITH t AS (
  SELECT r.*, json_transform(r.rec, '{
    "Sid": "VARCHAR", "Effect": "VARCHAR", "Principal": "JSON", "Action": "JSON", "Resource": "JSON",
    "Condition": "JSON"
  }') AS s
  FROM lc_records r WHERE r.kind = 'statement'
),
l AS (
  SELECT t.*,
         CASE json_type(s.Action) WHEN 'VARCHAR' THEN [s.Action ->> '$']
                                  WHEN 'ARRAY' THEN from_json(s.Action, '["VARCHAR"]') END AS actions,
         CASE json_type(s.Resource) WHEN 'VARCHAR' THEN [s.Resource ->> '$']
                                    WHEN 'ARRAY' THEN from_json(s.Resource, '["VARCHAR"]') END AS resources
  FROM t
),
a AS (
  SELECT l.*,
         list_filter(l.resources, x -> regexp_matches(x,
           '^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$'))[1] AS fn_resource
  FROM l
)
SELECT a.file_id, a.record_index, a.rec_type,
       nullif(regexp_extract(a.fn_resource, ':function:([A-Za-z0-9_-]+)', 1), '') AS function_name,
       nullif(regexp_extract(a.fn_resource, '^(arn:[^:]+:lambda:[^:]+:[0-9]{12}:function:[A-Za-z0-9_-]+)', 1), '') AS function_arn,
       nullif(regexp_extract(a.fn_resource, ':function:[A-Za-z0-9_-]+:([A-Za-z0-9_$-]+)$', 1), '') AS qualifier,
       a.record_index::INTEGER AS statement_index,
       a.s.Sid AS sid,
       a.s.Effect AS effect,
       a.s.Principal AS principal,
       CASE json_type(a.s.Action) WHEN 'VARCHAR' THEN a.s.Action ->> '$' ELSE array_to_string(a.actions, ',') END AS action,
       a.actions,
       CASE json_type(a.s.Resource) WHEN 'VARCHAR' THEN a.s.Resource ->> '$' ELSE array_to_string(a.resources, ',') END AS resource,
       a.s.Condition AS condition,
       a.policy_id,
       a.revision_id,
       a.rec AS raw,
       CASE WHEN a.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object' END AS problem,
       CASE WHEN a.rec_type = 'OBJECT' AND a.fn_resource IS NULL THEN 'policy-function-unknown' END AS warning,
       CASE json_type(a.s.Resource) WHEN 'VARCHAR' THEN a.s.Resource ->> '$' ELSE CAST(a.s.Resource AS VARCHAR) END AS warning_detail
FROM a;

-- name: normalize-urls
CREATE OR REPLACE TEMP TABLE lc_urls AS
WITH t AS (
  SELECT r.*, json_transform(r.rec, '{
    "FunctionUrl": "VARCHAR", "FunctionArn": "VARCHAR", "AuthType": "VARCHAR", "InvokeMode": "VARCHAR",
    "Cors": "JSON", "CreationTime": "VARCHAR", "LastModifiedTime": "VARCHAR"
  }') AS s
  FROM lc_records r WHERE r.kind = 'url'
)
SELECT t.file_id, t.record_index, t.rec_type,
       nullif(regexp_extract(s.FunctionArn, ':function:([A-Za-z0-9_-]+)', 1), '') AS function_name,
       nullif(s.FunctionArn, '') AS function_arn,
       nullif(regexp_extract(s.FunctionArn, ':function:[A-Za-z0-9_-]+:([A-Za-z0-9_$-]+)$', 1), '') AS qualifier,
       nullif(s.FunctionUrl, '') AS function_url,
       s.AuthType AS auth_type,
       s.InvokeMode AS invoke_mode,
       s.Cors AS cors,
       TRY_CAST(s.CreationTime AS TIMESTAMPTZ) AS creation_time,
       TRY_CAST(s.LastModifiedTime AS TIMESTAMPTZ) AS last_modified_time,
       t.rec AS raw,
       CASE WHEN t.rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
            WHEN nullif(s.FunctionUrl, '') IS NULL THEN 'missing-function-url' END AS problem,
       CASE WHEN nullif(regexp_extract(s.FunctionArn, ':function:([A-Za-z0-9_-]+)', 1), '') IS NULL THEN 'url-function-unknown'
       END AS warning,
       s.FunctionArn AS warning_detail
FROM t;

-- name: insert-functions
INSERT INTO lambda_functions
SELECT b.function_name, b.function_arn, b.version, b.role_arn, b.runtime, b.handler, b.description,
       b.last_modified, b.code_sha256, b.code_size, b.revision_id, b.vpc_id, b.subnet_ids,
       b.security_group_ids, b.memory_size, b.timeout, b.package_type, b.architectures, b.layers,
       b.environment, b.tags, b.raw, f.display_path, b.file_id
FROM lc_functions b JOIN batch_files f USING (file_id)
WHERE b.problem IS NULL;

-- name: insert-statements
INSERT INTO lambda_policy_statements
SELECT b.function_name, b.function_arn, b.qualifier, b.statement_index, b.sid, b.effect, b.principal,
       b.action, b.actions, b.resource, b.condition, b.policy_id, b.revision_id, b.raw, f.display_path, b.file_id
FROM lc_statements b JOIN batch_files f USING (file_id)
WHERE b.problem IS NULL;

-- name: insert-urls
INSERT INTO function_urls
SELECT b.function_name, b.function_arn, b.qualifier, b.function_url, b.auth_type, b.invoke_mode, b.cors,
       b.creation_time, b.last_modified_time, b.raw, f.display_path, b.file_id
FROM lc_urls b JOIN batch_files f USING (file_id)
WHERE b.problem IS NULL;

-- name: counts
SELECT file_id,
       count(*) FILTER (WHERE problem IS NULL) AS loaded,
       count(*) FILTER (WHERE problem IS NOT NULL) AS rejected
FROM (
  SELECT file_id, problem FROM lc_functions
  UNION ALL SELECT file_id, problem FROM lc_statements
  UNION ALL SELECT file_id, problem FROM lc_urls
)
GROUP BY file_id;

-- name: problems
SELECT file_id, kind, record_index, coalesce(problem, warning) AS code,
       CASE WHEN problem IS NOT NULL THEN 'rejected' ELSE 'kept' END AS outcome, detail
FROM (
  SELECT file_id, 'function' AS kind, record_index, problem, warning, warning_detail AS detail FROM lc_functions
  UNION ALL SELECT file_id, 'statement', record_index, problem, warning, warning_detail FROM lc_statements
  UNION ALL SELECT file_id, 'url', record_index, problem, warning, warning_detail FROM lc_urls
)
WHERE problem IS NOT NULL OR warning IS NOT NULL
ORDER BY file_id, kind, record_index
LIMIT 10000;

-- name: paging
-- Outputs that say more pages exist (the CLI follows NextMarker itself unless --no-paginate / --max-items).
SELECT file_id, next_marker FROM lc_docs WHERE next_marker IS NOT NULL;
