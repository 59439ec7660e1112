/**
 * The top-level fields of a CloudTrail record ("CloudTrail record contents for management, data,
 * and network activity events", AWS CloudTrail User Guide) and the type each is read as. Nested
 * objects stay JSON, verbatim; scalars are read as text (DuckDB's JSON reader turns a number or
 * boolean into its text, so nothing is refused for an unexpected scalar type).
 *
 * This one list gives both the STRUCT type DuckDB's `read_json` reads `{"Records":[...]}` files
 * with, and the `json_transform` structure used for records that arrive as JSON text (lookup-events,
 * JSON Lines, CloudWatch Logs). Both are bound to the statements as parameters (program constants,
 * never data). `column` is the cloudtrail_events column that keeps the field (the insert in
 * queries/staging/cloudtrail_normalize.sql; booleans and eventTime are typed there).
 */
export const RECORD_FIELDS: ReadonlyArray<readonly [name: string, type: 'VARCHAR' | 'JSON', column: string]> = [
  ['eventVersion', 'VARCHAR', 'event_version'],
  ['userIdentity', 'JSON', 'user_identity'],
  ['eventTime', 'VARCHAR', 'event_time'],
  ['eventSource', 'VARCHAR', 'event_source'],
  ['eventName', 'VARCHAR', 'event_name'],
  ['awsRegion', 'VARCHAR', 'aws_region'],
  ['sourceIPAddress', 'VARCHAR', 'source_ip'],
  ['userAgent', 'VARCHAR', 'user_agent'],
  ['errorCode', 'VARCHAR', 'error_code'],
  ['errorMessage', 'VARCHAR', 'error_message'],
  ['requestParameters', 'JSON', 'request_parameters'],
  ['responseElements', 'JSON', 'response_elements'],
  ['additionalEventData', 'JSON', 'additional_event_data'],
  ['requestID', 'VARCHAR', 'request_id'],
  ['eventID', 'VARCHAR', 'event_id'],
  ['eventType', 'VARCHAR', 'event_type'],
  ['apiVersion', 'VARCHAR', 'api_version'],
  ['managementEvent', 'VARCHAR', 'management_event'],
  ['readOnly', 'VARCHAR', 'read_only'],
  ['resources', 'JSON', 'resources'],
  ['recipientAccountId', 'VARCHAR', 'recipient_account_id'],
  ['serviceEventDetails', 'JSON', 'service_event_details'],
  ['sharedEventID', 'VARCHAR', 'shared_event_id'],
  ['vpcEndpointId', 'VARCHAR', 'vpc_endpoint_id'],
  ['vpcEndpointAccountId', 'VARCHAR', 'vpc_endpoint_account_id'],
  ['eventCategory', 'VARCHAR', 'event_category'],
  ['addendum', 'JSON', 'addendum'],
  ['sessionCredentialFromConsole', 'VARCHAR', 'session_credential_from_console'],
  ['edgeDeviceDetails', 'JSON', 'edge_device_details'],
  ['tlsDetails', 'JSON', 'tls_details'],
  ['eventContext', 'JSON', 'event_context'],
];

/** `STRUCT("eventVersion" VARCHAR, ...)`, the type of one record. */
export function recordStructType(): string {
  return `STRUCT(${RECORD_FIELDS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`;
}

/** `{"eventVersion": "VARCHAR", ...}`, the same type as a json_transform structure. */
export function recordTransformSpec(): string {
  return JSON.stringify(Object.fromEntries(RECORD_FIELDS.map(([n, t]) => [n, t])));
}

/** The parameters every reader section and the insert statement take for the record's shape. */
export function recordParams(): { records_type: string; record_spec: string } {
  return { records_type: `${recordStructType()}[]`, record_spec: recordTransformSpec() };
}
