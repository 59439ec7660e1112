/**
 * The VPC Flow Logs fields AWS defines, in the order of the AWS "Available fields" table, with the
 * flow-log version that introduced each. The default format is the 14 version-2 fields in this
 * order. `column` is the name a reader gives the field (hyphens become underscores, as in AWS's
 * own Parquet files); `start` and `end` are unix seconds, stored as start_time / end_time.
 */
export type FlowSqlType = 'INTEGER' | 'BIGINT' | 'VARCHAR';

export interface FlowField {
  /** As AWS names it in a log format and in the header line of a text file, e.g. `log-status`. */
  name: string;
  /** Reader column, e.g. `log_status`. */
  column: string;
  type: FlowSqlType;
  version: number;
}

const f = (name: string, type: FlowSqlType, version: number): FlowField => ({
  name,
  column: name.replace(/-/g, '_'),
  type,
  version,
});

export const FLOW_FIELDS: readonly FlowField[] = [
  f('version', 'INTEGER', 2),
  f('account-id', 'VARCHAR', 2),
  f('interface-id', 'VARCHAR', 2),
  f('srcaddr', 'VARCHAR', 2),
  f('dstaddr', 'VARCHAR', 2),
  f('srcport', 'INTEGER', 2),
  f('dstport', 'INTEGER', 2),
  f('protocol', 'INTEGER', 2),
  f('packets', 'BIGINT', 2),
  f('bytes', 'BIGINT', 2),
  f('start', 'BIGINT', 2),
  f('end', 'BIGINT', 2),
  f('action', 'VARCHAR', 2),
  f('log-status', 'VARCHAR', 2),
  f('vpc-id', 'VARCHAR', 3),
  f('subnet-id', 'VARCHAR', 3),
  f('instance-id', 'VARCHAR', 3),
  f('tcp-flags', 'INTEGER', 3),
  f('type', 'VARCHAR', 3),
  f('pkt-srcaddr', 'VARCHAR', 3),
  f('pkt-dstaddr', 'VARCHAR', 3),
  f('region', 'VARCHAR', 4),
  f('az-id', 'VARCHAR', 4),
  f('sublocation-type', 'VARCHAR', 4),
  f('sublocation-id', 'VARCHAR', 4),
  f('pkt-src-aws-service', 'VARCHAR', 5),
  f('pkt-dst-aws-service', 'VARCHAR', 5),
  f('flow-direction', 'VARCHAR', 5),
  f('traffic-path', 'INTEGER', 5),
  f('ecs-cluster-arn', 'VARCHAR', 7),
  f('ecs-cluster-name', 'VARCHAR', 7),
  f('ecs-container-instance-arn', 'VARCHAR', 7),
  f('ecs-container-instance-id', 'VARCHAR', 7),
  f('ecs-container-id', 'VARCHAR', 7),
  f('ecs-second-container-id', 'VARCHAR', 7),
  f('ecs-service-name', 'VARCHAR', 7),
  f('ecs-task-definition-arn', 'VARCHAR', 7),
  f('ecs-task-arn', 'VARCHAR', 7),
  f('ecs-task-id', 'VARCHAR', 7),
  f('reject-reason', 'VARCHAR', 8),
];

const BY_NAME = new Map(FLOW_FIELDS.map((x) => [x.name, x]));
const BY_COLUMN = new Map(FLOW_FIELDS.map((x) => [x.column, x]));

/** The default format: the version-2 fields in table order. */
export const DEFAULT_FIELDS: readonly FlowField[] = FLOW_FIELDS.filter((x) => x.version === 2);
export const DEFAULT_HEADER = DEFAULT_FIELDS.map((x) => x.name).join(' ');

/** Every field name as it appears in a header line. */
export const FIELD_NAMES: readonly string[] = FLOW_FIELDS.map((x) => x.name);

export function fieldByName(name: string): FlowField | undefined {
  return BY_NAME.get(name);
}

/** A reader column name (Parquet) to its field: `log_status`, `log-status`, `Log_Status` all match. */
export function fieldByColumn(column: string): FlowField | undefined {
  return BY_COLUMN.get(column.toLowerCase().replace(/-/g, '_'));
}

/** What the first line of a flow-log text file says about its layout. */
export type FirstLine =
  | { kind: 'header'; fields: FlowField[]; line: string }
  | { kind: 'default'; fields: readonly FlowField[]; line: string };

const ACTIONS = new Set(['ACCEPT', 'REJECT', '-']);
const STATUSES = new Set(['OK', 'NODATA', 'SKIPDATA']);

/** Whether whitespace-free tokens look like a record of the default (version 2) format. */
export function looksLikeDefaultRecord(tokens: string[]): boolean {
  return (
    tokens.length === DEFAULT_FIELDS.length &&
    /^\d+$/.test(tokens[0]!) &&
    ACTIONS.has(tokens[12]!) &&
    STATUSES.has(tokens[13]!)
  );
}

/**
 * Reads the first line of a flow-log text file: a header naming the fields in order (S3 delivery
 * writes one; any subset and order of the fields), or, without a header, a record of the default
 * format. Throws, naming the problem, for anything else: an unknown or repeated field in the
 * header, or a headerless file whose records are not in the default format (their field order
 * cannot be known).
 */
export function readFirstLine(raw: string): FirstLine {
  const line = raw.replace(/^\uFEFF/, '').replace(/\r$/, '');
  const tokens = line.split(' ');
  const isHeader = BY_NAME.has(tokens[0]!) || !/\d/.test(line);
  if (isHeader) {
    const fields: FlowField[] = [];
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (t === '')
        throw new Error(
          `the header (line 1) has an empty field name at position ${i + 1} (a double or trailing space); fields must be separated by single spaces`,
        );
      const field = BY_NAME.get(t);
      if (!field)
        throw new Error(
          `the header (line 1) names an unknown flow-log field "${t}" (position ${i + 1}); known are the AWS fields of versions 2 to 8, such as srcaddr, pkt-srcaddr, flow-direction, ecs-task-id and reject-reason`,
        );
      if (seen.has(t)) throw new Error(`the header (line 1) names the field "${t}" twice`);
      seen.add(t);
      fields.push(field);
    });
    return { kind: 'header', fields, line };
  }
  if (looksLikeDefaultRecord(tokens)) return { kind: 'default', fields: DEFAULT_FIELDS, line };
  throw new Error(
    `the file has no header line, and its first line (${tokens.length} fields) is not a record of the default format (the 14 version-2 fields: ${DEFAULT_HEADER}); without a header the field order of a custom format cannot be known`,
  );
}
