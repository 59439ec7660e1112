-- Schema 4 -> 5: CloudTrail events move from the cloudtrail_events table into cloudtrail_records
-- (created by queries/schema/10_cloudtrail.sql) without their ten identity columns, which
-- cloudtrail_identities keeps once per distinct user_identity (filled from the moved rows by
-- src/db/schema.ts with the import's own statement); cloudtrail_events becomes a view of both
-- (queries/model). An interrupted import's pending rows are now in cloudtrail_records.
INSERT INTO cloudtrail_records BY NAME
SELECT * EXCLUDE (identity_type, principal_arn, principal_id, account_id, access_key_id, user_name, session_issuer_arn,
                  session_issuer_type, session_name, invoked_by)
FROM cloudtrail_events;
DROP TABLE cloudtrail_events;
UPDATE import_pending SET table_name = 'cloudtrail_records' WHERE table_name = 'cloudtrail_events';
