-- `aws iam get-account-authorization-details` dumps ($files) into the iam_* tables.

-- name: stage
CREATE OR REPLACE TEMP TABLE iam_docs AS
SELECT b.file_id, r.ordinality AS doc_index,
       r.UserDetailList AS users, r.GroupDetailList AS groups, r.RoleDetailList AS roles, r.Policies AS policies,
       r.IsTruncated AS is_truncated
FROM read_json($files, records = true, columns = {'UserDetailList': 'JSON', 'GroupDetailList': 'JSON', 'RoleDetailList': 'JSON',
                                  'Policies': 'JSON', 'IsTruncated': 'BOOLEAN'},
               format = 'unstructured', filename = true, maximum_object_size = $max_object) WITH ORDINALITY r
JOIN batch_files b ON b.path = r.filename;

-- name: shape-problems
-- A dump needs at least one of the four lists, and each list present must be an array.
SELECT file_id, doc_index,
       CASE WHEN users IS NULL AND groups IS NULL AND roles IS NULL AND policies IS NULL THEN 'no-lists'
            WHEN users IS NOT NULL AND json_type(users) <> 'ARRAY' THEN 'UserDetailList'
            WHEN groups IS NOT NULL AND json_type(groups) <> 'ARRAY' THEN 'GroupDetailList'
            WHEN roles IS NOT NULL AND json_type(roles) <> 'ARRAY' THEN 'RoleDetailList'
            WHEN policies IS NOT NULL AND json_type(policies) <> 'ARRAY' THEN 'Policies' END AS problem
FROM iam_docs
WHERE (users IS NULL AND groups IS NULL AND roles IS NULL AND policies IS NULL)
   OR (users IS NOT NULL AND json_type(users) <> 'ARRAY')
   OR (groups IS NOT NULL AND json_type(groups) <> 'ARRAY')
   OR (roles IS NOT NULL AND json_type(roles) <> 'ARRAY')
   OR (policies IS NOT NULL AND json_type(policies) <> 'ARRAY')
UNION ALL
SELECT f.file_id, NULL, 'no-object'
FROM batch_files f
WHERE NOT EXISTS (SELECT 1 FROM iam_docs d WHERE d.file_id = f.file_id)
ORDER BY 1, 2;

-- name: top-keys
SELECT json_keys(json) AS keys
FROM read_json_objects($files, format = 'unstructured', maximum_object_size = $max_object)
LIMIT 1;

-- name: normalize
-- A policy document as the CLI prints it (an object), as JSON text in a string, or URL-encoded
-- (RFC 3986) as the raw API and some SDKs return it. Anything else gives NULL.
CREATE OR REPLACE TEMP MACRO lf_iam_policy_doc(d) AS
  CASE WHEN json_type(d) = 'OBJECT' THEN d
       WHEN json_type(d) = 'VARCHAR' THEN
         coalesce(CASE WHEN json_type(TRY_CAST(d ->> '$' AS JSON)) = 'OBJECT' THEN TRY_CAST(d ->> '$' AS JSON) END,
                  CASE WHEN json_type(TRY_CAST(url_decode(d ->> '$') AS JSON)) = 'OBJECT' THEN TRY_CAST(url_decode(d ->> '$') AS JSON) END)
  END;

CREATE OR REPLACE TEMP TABLE iam_entities AS
WITH e AS (
  SELECT file_id, doc_index, 'user' AS kind, 'UserDetailList' AS list_name,
         unnest(generate_series(1, json_array_length(users)::BIGINT)) AS idx, unnest(users::JSON[]) AS rec
  FROM iam_docs WHERE users IS NOT NULL
  UNION ALL
  SELECT file_id, doc_index, 'group', 'GroupDetailList',
         unnest(generate_series(1, json_array_length(groups)::BIGINT)), unnest(groups::JSON[])
  FROM iam_docs WHERE groups IS NOT NULL
  UNION ALL
  SELECT file_id, doc_index, 'role', 'RoleDetailList',
         unnest(generate_series(1, json_array_length(roles)::BIGINT)), unnest(roles::JSON[])
  FROM iam_docs WHERE roles IS NOT NULL
  UNION ALL
  SELECT file_id, doc_index, 'policy', 'Policies',
         unnest(generate_series(1, json_array_length(policies)::BIGINT)), unnest(policies::JSON[])
  FROM iam_docs WHERE policies IS NOT NULL
)
SELECT e.file_id, e.kind, e.list_name,
       row_number() OVER (PARTITION BY e.file_id, e.kind ORDER BY e.doc_index, e.idx) AS record_index,
       e.rec, json_type(e.rec) AS rec_type,
       json_transform(e.rec, '{
         "UserName": "VARCHAR", "UserId": "VARCHAR", "GroupName": "VARCHAR", "GroupId": "VARCHAR",
         "RoleName": "VARCHAR", "RoleId": "VARCHAR", "PolicyName": "VARCHAR", "PolicyId": "VARCHAR",
         "Arn": "VARCHAR", "Path": "VARCHAR", "CreateDate": "VARCHAR", "UpdateDate": "VARCHAR",
         "PermissionsBoundary": {"PermissionsBoundaryArn": "VARCHAR"},
         "Tags": "JSON", "RoleLastUsed": "JSON", "AssumeRolePolicyDocument": "JSON",
         "InstanceProfileList": [{"Arn": "VARCHAR"}],
         "GroupList": ["VARCHAR"],
         "AttachedManagedPolicies": [{"PolicyName": "VARCHAR", "PolicyArn": "VARCHAR"}],
         "UserPolicyList": [{"PolicyName": "VARCHAR", "PolicyDocument": "JSON"}],
         "GroupPolicyList": [{"PolicyName": "VARCHAR", "PolicyDocument": "JSON"}],
         "RolePolicyList": [{"PolicyName": "VARCHAR", "PolicyDocument": "JSON"}],
         "DefaultVersionId": "VARCHAR", "AttachmentCount": "INTEGER", "PermissionsBoundaryUsageCount": "INTEGER",
         "IsAttachable": "BOOLEAN", "Description": "VARCHAR",
         "PolicyVersionList": [{"Document": "JSON", "VersionId": "VARCHAR", "IsDefaultVersion": "BOOLEAN"}]
       }') AS s
FROM e;

CREATE OR REPLACE TEMP TABLE iam_principals AS
SELECT file_id, kind, list_name, record_index, rec, rec_type, s,
       CASE kind WHEN 'user' THEN s.UserName WHEN 'group' THEN s.GroupName
                 WHEN 'role' THEN s.RoleName ELSE s.PolicyName END AS name,
       TRY_CAST(s.CreateDate AS TIMESTAMPTZ) AS create_date,
       CASE kind WHEN 'user' THEN s.UserPolicyList WHEN 'group' THEN s.GroupPolicyList
                 WHEN 'role' THEN s.RolePolicyList END AS inline_list,
       CASE WHEN rec_type IS DISTINCT FROM 'OBJECT' THEN 'not-an-object'
            WHEN nullif(CASE kind WHEN 'user' THEN s.UserName WHEN 'group' THEN s.GroupName
                                  WHEN 'role' THEN s.RoleName ELSE s.PolicyName END, '') IS NULL THEN 'missing-name'
       END AS problem
FROM iam_entities;

-- One row per inline policy of a kept principal.
CREATE OR REPLACE TEMP TABLE iam_inline AS
SELECT file_id, kind, list_name, record_index, name, arn, item.PolicyName AS policy_name,
       lf_iam_policy_doc(item.PolicyDocument) AS document
FROM (
  SELECT file_id, kind, list_name, record_index, name, s.Arn AS arn, unnest(inline_list) AS item
  FROM iam_principals WHERE problem IS NULL AND kind <> 'policy'
);

-- The default version of each managed policy: IsDefaultVersion, else the VersionId named by DefaultVersionId.
CREATE OR REPLACE TEMP TABLE iam_policy_docs AS
SELECT file_id, record_index,
       coalesce(list_filter(s.PolicyVersionList, v -> v.IsDefaultVersion)[1],
                list_filter(s.PolicyVersionList, v -> v.VersionId = s.DefaultVersionId)[1]) AS default_version
FROM iam_principals
WHERE kind = 'policy' AND problem IS NULL;

-- name: insert
INSERT INTO iam_users
SELECT p.name, p.s.UserId, p.s.Arn, p.s.Path, p.create_date, p.s.PermissionsBoundary.PermissionsBoundaryArn,
       p.s.Tags, p.rec, f.display_path, p.file_id
FROM iam_principals p JOIN batch_files f USING (file_id)
WHERE p.kind = 'user' AND p.problem IS NULL;

INSERT INTO iam_groups
SELECT p.name, p.s.GroupId, p.s.Arn, p.s.Path, p.create_date, p.rec, f.display_path, p.file_id
FROM iam_principals p JOIN batch_files f USING (file_id)
WHERE p.kind = 'group' AND p.problem IS NULL;

INSERT INTO iam_roles
SELECT p.name, p.s.RoleId, p.s.Arn, p.s.Path, p.create_date, lf_iam_policy_doc(p.s.AssumeRolePolicyDocument),
       p.s.PermissionsBoundary.PermissionsBoundaryArn, p.s.Tags, p.s.RoleLastUsed,
       list_filter(list_transform(p.s.InstanceProfileList, x -> x.Arn), x -> x IS NOT NULL),
       p.rec, f.display_path, p.file_id
FROM iam_principals p JOIN batch_files f USING (file_id)
WHERE p.kind = 'role' AND p.problem IS NULL;

INSERT INTO iam_managed_policies
SELECT p.name, p.s.PolicyId, p.s.Arn, p.s.Path, p.s.Arn LIKE 'arn:%:iam::aws:policy/%', p.s.DefaultVersionId,
       p.s.AttachmentCount, p.s.PermissionsBoundaryUsageCount, p.s.IsAttachable, p.s.Description,
       p.create_date, TRY_CAST(p.s.UpdateDate AS TIMESTAMPTZ), lf_iam_policy_doc(d.default_version.Document),
       p.rec, f.display_path, p.file_id
FROM iam_principals p
JOIN iam_policy_docs d USING (file_id, record_index)
JOIN batch_files f USING (file_id)
WHERE p.kind = 'policy' AND p.problem IS NULL;

INSERT INTO iam_inline_policies
SELECT i.kind, i.name, i.arn, i.policy_name, i.document, f.display_path, i.file_id
FROM iam_inline i JOIN batch_files f USING (file_id);

INSERT INTO iam_attachments
SELECT kind, name, arn, a.PolicyArn, a.PolicyName, display_path, file_id
FROM (
  SELECT p.kind, p.name, p.s.Arn AS arn, unnest(p.s.AttachedManagedPolicies) AS a, f.display_path, p.file_id
  FROM iam_principals p JOIN batch_files f USING (file_id)
  WHERE p.kind IN ('user', 'group', 'role') AND p.problem IS NULL
);

INSERT INTO iam_group_members
SELECT name, arn, group_name, display_path, file_id
FROM (
  SELECT p.name, p.s.Arn AS arn, unnest(p.s.GroupList) AS group_name, f.display_path, p.file_id
  FROM iam_principals p JOIN batch_files f USING (file_id)
  WHERE p.kind = 'user' AND p.problem IS NULL
)
WHERE group_name IS NOT NULL;

-- name: counts
-- Rows each file put in every iam_* table, and the entries it rejected.
SELECT f.file_id,
  (SELECT count(*) FROM iam_users t WHERE t.file_id = f.file_id) AS users,
  (SELECT count(*) FROM iam_groups t WHERE t.file_id = f.file_id) AS groups,
  (SELECT count(*) FROM iam_roles t WHERE t.file_id = f.file_id) AS roles,
  (SELECT count(*) FROM iam_managed_policies t WHERE t.file_id = f.file_id) AS policies,
  (SELECT count(*) FROM iam_inline_policies t WHERE t.file_id = f.file_id) AS inline,
  (SELECT count(*) FROM iam_attachments t WHERE t.file_id = f.file_id) AS attachments,
  (SELECT count(*) FROM iam_group_members t WHERE t.file_id = f.file_id) AS members,
  (SELECT count(*) FROM iam_principals p WHERE p.file_id = f.file_id AND p.problem IS NOT NULL) AS rejected,
  (SELECT bool_or(coalesce(d.is_truncated, false)) FROM iam_docs d WHERE d.file_id = f.file_id) AS truncated
FROM batch_files f;

-- name: problems
-- Rejected entries, and kept rows whose policy document or dates could not be read.
SELECT file_id, list_name, record_index, name, problem AS code, NULL AS detail, 'rejected' AS outcome
FROM iam_principals WHERE problem IS NOT NULL
UNION ALL
SELECT file_id, list_name, record_index, name, 'bad-create-date', s.CreateDate, 'kept'
FROM iam_principals WHERE problem IS NULL AND s.CreateDate IS NOT NULL AND create_date IS NULL
UNION ALL
SELECT file_id, list_name, record_index, name, 'unreadable-policy-document', 'inline policy ' || coalesce(policy_name, '?'), 'kept'
FROM iam_inline WHERE document IS NULL
UNION ALL
SELECT file_id, list_name, record_index, name, 'unreadable-policy-document', 'AssumeRolePolicyDocument', 'kept'
FROM iam_principals
WHERE problem IS NULL AND kind = 'role' AND s.AssumeRolePolicyDocument IS NOT NULL
  AND lf_iam_policy_doc(s.AssumeRolePolicyDocument) IS NULL
UNION ALL
SELECT p.file_id, p.list_name, p.record_index, p.name,
       CASE WHEN d.default_version IS NULL THEN 'no-default-version' ELSE 'unreadable-policy-document' END,
       'default version ' || coalesce(p.s.DefaultVersionId, '?'), 'kept'
FROM iam_principals p JOIN iam_policy_docs d USING (file_id, record_index)
WHERE p.kind = 'policy' AND lf_iam_policy_doc(d.default_version.Document) IS NULL
ORDER BY 1, 2, 3
LIMIT 10000;

-- name: cleanup
DROP TABLE IF EXISTS iam_policy_docs;
DROP TABLE IF EXISTS iam_inline;
DROP TABLE IF EXISTS iam_principals;
DROP TABLE IF EXISTS iam_entities;
DROP TABLE IF EXISTS iam_docs;
DROP MACRO IF EXISTS lf_iam_policy_doc;
