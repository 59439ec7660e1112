-- Shared SQL helpers, stored in the database so ad-hoc `query` SQL can use them too.

-- Function name from a functionName request parameter, which may be a name, a full ARN
-- (arn:aws:lambda:region:acct:function:NAME[:qualifier]) or a partial ARN (acct:function:NAME).
CREATE OR REPLACE MACRO lf_fn_name(x) AS
  CASE
    WHEN x IS NULL OR x = '' THEN NULL
    WHEN x LIKE 'arn:%' THEN nullif(split_part(x, ':', 7), '')
    WHEN x LIKE '%:function:%' THEN nullif(split_part(split_part(x, ':function:', 2), ':', 1), '')
    ELSE nullif(split_part(x, ':', 1), '')
  END;

-- Function name from a Lambda Hyperplane ENI description: "AWS Lambda VPC ENI-<name>-<uuid>".
CREATE OR REPLACE MACRO lf_eni_function(description) AS
  nullif(regexp_extract(description, '^AWS Lambda VPC ENI-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', 1), '');

-- Role name (last path segment) and account of a role or assumed-role ARN, to compare
-- arn:aws:iam::A:role/path/R with arn:aws:sts::A:assumed-role/R/session.
CREATE OR REPLACE MACRO lf_role_key(arn) AS
  CASE
    WHEN arn LIKE 'arn:%:iam::%:role/%' THEN split_part(arn, ':', 5) || '/' || regexp_extract(arn, '([^/]+)$', 1)
    WHEN arn LIKE 'arn:%:sts::%:assumed-role/%' THEN split_part(arn, ':', 5) || '/' || split_part(split_part(arn, ':assumed-role/', 2), '/', 1)
  END;

-- Whether a source IP / user agent is an AWS service acting on its own (invokedBy-style).
CREATE OR REPLACE MACRO lf_is_aws_service(source_ip, user_agent, invoked_by) AS
  invoked_by IS NOT NULL
  OR coalesce(source_ip, '') LIKE '%.amazonaws.com'
  OR coalesce(user_agent, '') LIKE '%.amazonaws.com'
  OR coalesce(source_ip, '') = 'AWS Internal';

-- Private address space (RFC 1918, plus carrier-grade NAT and link-local), IPv4 only.
CREATE OR REPLACE MACRO lf_is_private_ip(ip) AS
  regexp_matches(coalesce(ip, ''), '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|169\.254\.)');

-- IPv4 address as an integer (NULL for anything else), and CIDR containment.
CREATE OR REPLACE MACRO lf_ipv4_int(ip) AS
  CASE WHEN regexp_full_match(coalesce(ip, ''), '[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}')
       THEN split_part(ip, '.', 1)::BIGINT * 16777216 + split_part(ip, '.', 2)::BIGINT * 65536
          + split_part(ip, '.', 3)::BIGINT * 256 + split_part(ip, '.', 4)::BIGINT END;

CREATE OR REPLACE MACRO lf_in_cidr(ip, cidr) AS
  (lf_ipv4_int(ip) >> (32 - TRY_CAST(split_part(cidr, '/', 2) AS INTEGER)))
    = (lf_ipv4_int(split_part(cidr, '/', 1)) >> (32 - TRY_CAST(split_part(cidr, '/', 2) AS INTEGER)));

-- Lambda control-plane calls that change a function (API names without the version suffix):
-- shared by the code-changes analyzer and the audit's unused-modify-right check.
CREATE OR REPLACE MACRO lf_is_lambda_change(api) AS api IN (
  'CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'DeleteFunction',
  'AddPermission', 'RemovePermission',
  'CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig', 'DeleteFunctionUrlConfig',
  'PublishVersion', 'CreateAlias', 'UpdateAlias', 'DeleteAlias',
  'PutFunctionConcurrency', 'DeleteFunctionConcurrency',
  'CreateEventSourceMapping', 'UpdateEventSourceMapping', 'DeleteEventSourceMapping',
  'AddLayerVersionPermission', 'PutFunctionCodeSigningConfig', 'DeleteFunctionCodeSigningConfig',
  'PutRuntimeManagementConfig', 'PutFunctionEventInvokeConfig');
