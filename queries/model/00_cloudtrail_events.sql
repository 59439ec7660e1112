-- One row per CloudTrail event (the table cloudtrail_records), with the identity columns from
-- principal_arn to invoked_by read out of its user_identity (the table cloudtrail_identities, one
-- row per distinct userIdentity object, joined on its text). Every top-level field AWS documents for
-- a record has a column; nested objects are kept verbatim as JSON. source_file/file_id (the
-- import_files ledger, with its sha256) and source_record locate the verbatim record in its file.
CREATE OR REPLACE VIEW cloudtrail_events AS
SELECT
  r.event_id, r.event_time, r.event_version, r.event_source, r.event_name, r.api_name, r.aws_region, r.source_ip,
  r.user_agent, i.identity_type, i.principal_arn, i.principal_id, i.account_id, i.access_key_id, i.user_name,
  i.session_issuer_arn, i.session_issuer_type, i.session_name, i.invoked_by, r.error_code, r.error_message,
  r.read_only, r.event_type, r.event_category, r.management_event, r.recipient_account_id, r.request_parameters,
  r.response_elements, r.resources, r.user_identity, r.additional_event_data, r.request_id, r.shared_event_id,
  r.api_version, r.vpc_endpoint_id, r.vpc_endpoint_account_id, r.service_event_details, r.tls_details, r.addendum,
  r.session_credential_from_console, r.edge_device_details, r.event_context, r.source_file, r.file_id,
  r.source_record, r.load_problem
FROM cloudtrail_records r
LEFT JOIN cloudtrail_identities i ON i.user_identity = r.user_identity;
