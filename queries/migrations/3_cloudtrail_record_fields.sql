-- Schema 2 -> 3: CloudTrail rows keep every documented top-level field in its own column instead
-- of a copy of the whole record in `raw` (the verbatim record stays in its source file). Rows
-- loaded before get those columns from their `raw`, then `raw` is dropped.
ALTER TABLE cloudtrail_events ADD COLUMN user_identity JSON;
ALTER TABLE cloudtrail_events ADD COLUMN additional_event_data JSON;
ALTER TABLE cloudtrail_events ADD COLUMN request_id VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN shared_event_id VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN api_version VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN vpc_endpoint_id VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN vpc_endpoint_account_id VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN service_event_details JSON;
ALTER TABLE cloudtrail_events ADD COLUMN tls_details JSON;
ALTER TABLE cloudtrail_events ADD COLUMN addendum JSON;
ALTER TABLE cloudtrail_events ADD COLUMN session_credential_from_console VARCHAR;
ALTER TABLE cloudtrail_events ADD COLUMN edge_device_details JSON;
ALTER TABLE cloudtrail_events ADD COLUMN event_context JSON;
ALTER TABLE cloudtrail_events ADD COLUMN load_problem VARCHAR;
UPDATE cloudtrail_events SET
  user_identity = raw -> '$.userIdentity',
  additional_event_data = raw -> '$.additionalEventData',
  request_id = raw ->> '$.requestID',
  shared_event_id = raw ->> '$.sharedEventID',
  api_version = raw ->> '$.apiVersion',
  vpc_endpoint_id = raw ->> '$.vpcEndpointId',
  vpc_endpoint_account_id = raw ->> '$.vpcEndpointAccountId',
  service_event_details = raw -> '$.serviceEventDetails',
  tls_details = raw -> '$.tlsDetails',
  addendum = raw -> '$.addendum',
  session_credential_from_console = raw ->> '$.sessionCredentialFromConsole',
  edge_device_details = raw -> '$.edgeDeviceDetails',
  event_context = raw -> '$.eventContext'
WHERE raw IS NOT NULL;
ALTER TABLE cloudtrail_events DROP COLUMN raw;
