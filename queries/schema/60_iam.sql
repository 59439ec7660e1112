-- `aws iam get-account-authorization-details`. Every dump is a snapshot: rows of one dump share
-- file_id. Policy documents are JSON objects (URL-encoded strings from other tools are decoded).
CREATE TABLE IF NOT EXISTS iam_users (
  user_name                VARCHAR NOT NULL,
  user_id                  VARCHAR,
  arn                      VARCHAR,
  path                     VARCHAR,
  create_date              TIMESTAMPTZ,
  permissions_boundary_arn VARCHAR,
  tags                     JSON,
  raw                      JSON,
  source_file              VARCHAR NOT NULL,
  file_id                  BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_groups (
  group_name  VARCHAR NOT NULL,
  group_id    VARCHAR,
  arn         VARCHAR,
  path        VARCHAR,
  create_date TIMESTAMPTZ,
  raw         JSON,
  source_file VARCHAR NOT NULL,
  file_id     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_roles (
  role_name                VARCHAR NOT NULL,
  role_id                  VARCHAR,
  arn                      VARCHAR,
  path                     VARCHAR,
  create_date              TIMESTAMPTZ,
  assume_role_policy       JSON,        -- trust policy document
  permissions_boundary_arn VARCHAR,
  tags                     JSON,
  last_used                JSON,        -- RoleLastUsed {LastUsedDate, Region}
  instance_profile_arns    VARCHAR[],
  raw                      JSON,
  source_file              VARCHAR NOT NULL,
  file_id                  BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_managed_policies (
  policy_name                      VARCHAR NOT NULL,
  policy_id                        VARCHAR,
  arn                              VARCHAR,
  path                             VARCHAR,
  aws_managed                      BOOLEAN,     -- arn:aws:iam::aws:policy/...
  default_version_id               VARCHAR,
  attachment_count                 INTEGER,
  permissions_boundary_usage_count INTEGER,
  is_attachable                    BOOLEAN,
  description                      VARCHAR,
  create_date                      TIMESTAMPTZ,
  update_date                      TIMESTAMPTZ,
  document                         JSON,        -- the default version's document
  raw                              JSON,
  source_file                      VARCHAR NOT NULL,
  file_id                          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_inline_policies (
  principal_type VARCHAR NOT NULL,   -- user | group | role
  principal_name VARCHAR NOT NULL,
  principal_arn  VARCHAR,
  policy_name    VARCHAR,
  document       JSON,
  source_file    VARCHAR NOT NULL,
  file_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_attachments (
  principal_type VARCHAR NOT NULL,   -- user | group | role
  principal_name VARCHAR NOT NULL,
  principal_arn  VARCHAR,
  policy_arn     VARCHAR,
  policy_name    VARCHAR,
  source_file    VARCHAR NOT NULL,
  file_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_group_members (
  user_name   VARCHAR NOT NULL,
  user_arn    VARCHAR,
  group_name  VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  file_id     BIGINT NOT NULL
);
