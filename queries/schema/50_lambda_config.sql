-- Lambda configuration dumps: list-functions, get-function, get-function-configuration.
-- Every dump is a snapshot: the same function in several dumps gives several rows.
CREATE TABLE IF NOT EXISTS lambda_functions (
  function_name      VARCHAR,
  function_arn       VARCHAR,
  version            VARCHAR,           -- $LATEST or a published version number
  role_arn           VARCHAR,           -- Role
  runtime            VARCHAR,
  handler            VARCHAR,
  description        VARCHAR,
  last_modified      TIMESTAMPTZ,       -- LastModified ("2019-10-11T16:26:46.519+0000")
  code_sha256        VARCHAR,
  code_size          BIGINT,
  revision_id        VARCHAR,
  vpc_id             VARCHAR,           -- NULL when the function is not in a VPC (AWS prints "")
  subnet_ids         VARCHAR[],
  security_group_ids VARCHAR[],
  memory_size        INTEGER,
  timeout            INTEGER,           -- seconds
  package_type       VARCHAR,           -- Zip | Image
  architectures      VARCHAR[],
  layers             VARCHAR[],         -- Layers[].Arn
  environment        JSON,              -- Environment.Variables
  tags               JSON,              -- get-function's Tags (other dumps do not carry them)
  raw                JSON,
  source_file        VARCHAR NOT NULL,
  file_id            BIGINT NOT NULL
);

-- The newest configuration seen for each function ARN: the row with the latest last_modified;
-- among rows with the same last_modified, the one imported last (highest file_id).
CREATE VIEW IF NOT EXISTS lambda_functions_latest AS
SELECT *
FROM lambda_functions
QUALIFY row_number() OVER (PARTITION BY function_arn ORDER BY last_modified DESC NULLS LAST, file_id DESC) = 1;

-- Resource-based policy statements from `aws lambda get-policy` (Policy is a JSON string).
CREATE TABLE IF NOT EXISTS lambda_policy_statements (
  function_name   VARCHAR,       -- from the statement's Resource ARN (get-policy does not print it)
  function_arn    VARCHAR,       -- unqualified function ARN from Resource
  qualifier       VARCHAR,       -- version or alias when Resource names one
  statement_index INTEGER NOT NULL,
  sid             VARCHAR,
  effect          VARCHAR,
  principal       JSON,          -- "*" or {"Service": ...} / {"AWS": ...}
  action          VARCHAR,       -- Action as written; a list is joined with ','
  actions         VARCHAR[],     -- Action as a list
  resource        VARCHAR,       -- Resource as written; a list is joined with ','
  condition       JSON,
  policy_id       VARCHAR,       -- the policy document's Id
  revision_id     VARCHAR,       -- get-policy RevisionId
  raw             JSON,          -- the statement
  source_file     VARCHAR NOT NULL,
  file_id         BIGINT NOT NULL
);

-- Function URLs from get-function-url-config and list-function-url-configs.
CREATE TABLE IF NOT EXISTS function_urls (
  function_name      VARCHAR,    -- from FunctionArn
  function_arn       VARCHAR,
  qualifier          VARCHAR,    -- alias when FunctionArn names one
  function_url       VARCHAR NOT NULL,
  auth_type          VARCHAR,    -- NONE (public) | AWS_IAM
  invoke_mode        VARCHAR,    -- BUFFERED | RESPONSE_STREAM (absent in older outputs)
  cors               JSON,
  creation_time      TIMESTAMPTZ,
  last_modified_time TIMESTAMPTZ,
  raw                JSON,
  source_file        VARCHAR NOT NULL,
  file_id            BIGINT NOT NULL
);
