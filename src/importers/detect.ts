import { scanJsonPrefix, type JsonPrefix } from './jsonPrefix.ts';
import { QUICK_HEAD_BYTES, type FileFacts } from './sniff.ts';

/**
 * Content sniffing: decides each file's format from what is in it, never from its name.
 * Every format a responder is likely to hand over is recognised here, including the AWS CLI
 * outputs this tool does not load, so that nothing is skipped silently.
 */
export type Detection =
  | { kind: 'load'; format: string; why: string }
  | { kind: 'skip'; why: string; issue?: { code: string; message: string } };

/** The timestamp that starts a CloudWatch Logs export line, as regular-expression source. */
export const EXPORT_TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z`;
/** A CloudWatch Logs `<ISO timestamp> <message>` export line. */
export const EXPORT_LINE_RE = new RegExp(`^(${EXPORT_TIMESTAMP}) (.*)$`, 's');
/** A flow-log record: version, account id (or "unknown"), interface id, ... */
const FLOW_V2_RE = /^\d+ (\d{12}|unknown|-) (eni-[0-9a-f]+|-) /;
const FLOW_HEADER_RE = /^(version|account-id|interface-id|srcaddr|dstaddr|srcport|dstport|protocol|packets|bytes|start|end|action|log-status|vpc-id|subnet-id|instance-id|tcp-flags|type|pkt-srcaddr|pkt-dstaddr|region|az-id|flow-direction|traffic-path|ecs-[a-z-]+|reject-reason|sublocation-type|sublocation-id|pkt-src-aws-service|pkt-dst-aws-service)( |$)/;

export type MessageKind = 'cloudtrail' | 'flow' | 'lambda' | 'other';

/** What a CloudWatch Logs message holds: CloudTrail record, flow-log record, or Lambda output. */
export function classifyMessage(msg: string | undefined): MessageKind {
  if (msg === undefined) return 'other';
  const t = msg.trimStart();
  if (t.startsWith('{')) {
    const p = scanJsonPrefix(t);
    if (p.keys.has('eventVersion') && (p.keys.has('eventID') || p.keys.has('eventTime') || p.keys.has('eventSource')))
      return 'cloudtrail';
    return 'lambda';
  }
  // A flow record through CloudWatch Logs never comes with a header line, and a Lambda message may
  // well start with a field name ("start ...", "type ..."): only a default-format record counts.
  if (FLOW_V2_RE.test(t)) return 'flow';
  return 'lambda';
}

/**
 * Prefixes of the head tried first, smallest first; only a format found is taken from them. A
 * CloudTrail delivery shows its first record's keys within 2 KB.
 */
const QUICK_DETECT_BYTES = [2048, QUICK_HEAD_BYTES];

function has(p: JsonPrefix, ...keys: string[]): boolean {
  return keys.every((k) => p.keys.has(k));
}

/** What the first records of a document show: which keys they have, and a key's first string value. */
interface RecordView {
  has(key: string): boolean;
  str(key: string): string | undefined;
}

/** The records under `prefix` (e.g. 'Records[].') as the prefix scan saw them. */
function scannedRecords(p: JsonPrefix, prefix: string): RecordView {
  return { has: (k) => p.keys.has(prefix + k), str: (k) => p.strings.get(prefix + k) };
}

function looksLikeCloudTrailRecord(r: RecordView): boolean {
  return r.has('eventVersion') && (r.has('eventID') || r.has('eventTime') || r.has('eventName') || r.has('eventSource'));
}

const delivery = (): Detection => ({ kind: 'load', format: 'cloudtrail-records', why: 'CloudTrail S3 delivery {"Records":[...]}' });

/**
 * The rules for a `{"Records": [...]}` document, from what its records show (undefined: none of
 * them applies). S3 event notifications and the Lambda event payloads of DynamoDB and Kinesis
 * streams share CloudTrail's {"Records"} and eventVersion, eventName, eventTime or eventID; their
 * eventSource is "aws:<service>" (SNS: EventSource), CloudTrail's "<service>.amazonaws.com".
 * Applied to the prefix scan (detectJson) and to a delivery's first record (detectDelivery).
 */
function recordsRules(r: RecordView): Detection | undefined {
  const source = r.str('eventSource') ?? r.str('EventSource');
  if (source !== undefined && source.startsWith('aws:'))
    return { kind: 'skip', why: `AWS event payload {"Records"} from ${JSON.stringify(source.slice(0, 40))} (not CloudTrail)` };
  if (r.has('s3')) return { kind: 'skip', why: 'S3 event notification {"Records"} (not CloudTrail)' };
  if (looksLikeCloudTrailRecord(r)) return delivery();
  if (r.has('eventSource') || r.has('EventSource')) return { kind: 'skip', why: 'AWS event payload {"Records"} (not CloudTrail)' };
  return undefined;
}

function looksLikeLookupEvent(p: JsonPrefix, prefix: string): boolean {
  return p.keys.has(prefix + 'CloudTrailEvent') || (p.keys.has(prefix + 'EventId') && p.keys.has(prefix + 'EventName'));
}

/** Control bytes other than tab, line feed, vertical tab, form feed and carriage return. */
const CONTROL = /[\x00-\x08\x0e-\x1f]/;

/**
 * Binary content: a NUL, or more than 10% control bytes, in the first 8 KB. A text head has none
 * at all, which one native regex test over its bytes (read as latin1) shows; only a head that has
 * some is counted byte by byte (20,000 small files: the count was a fifth of detection's time).
 */
function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  if (!CONTROL.test(head.toString('latin1', 0, n))) return false;
  let nul = 0;
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) nul++;
    else if (b < 9 || (b > 13 && b < 32)) ctrl++;
  }
  return nul > 0 || (n > 0 && ctrl / n > 0.1);
}

function decodeHead(f: FileFacts): { text: string; binary: boolean } {
  return { text: f.head.toString('utf8'), binary: looksBinary(f.head) };
}

/** Which CloudWatch Logs container (and of what content) this JSON is. */
function cwlContainer(p: JsonPrefix, text: string): Detection | undefined {
  if (has(p, 'messageType')) {
    if (p.strings.get('messageType') === 'CONTROL_MESSAGE') {
      // Firehose concatenates payloads: a control message may come first, with data after it
      const data = text.search(/"messageType"\s*:\s*"DATA_MESSAGE"/);
      const start = data > 0 ? text.lastIndexOf('{', data) : -1;
      if (start > 0) return cwlContainer(scanJsonPrefix(text.slice(start)), text.slice(start));
      return { kind: 'skip', why: 'CloudWatch Logs subscription CONTROL_MESSAGE (a connectivity check, no log events)' };
    }
    if (!has(p, 'logEvents')) return undefined;
    const kind = classifyMessage(p.strings.get('logEvents[].message'));
    const group = p.strings.get('logGroup') ?? '';
    if (kind === 'cloudtrail') return { kind: 'load', format: 'cloudtrail-cwl-subscription', why: 'CloudWatch Logs subscription payload of CloudTrail records' };
    if (kind === 'flow') return { kind: 'load', format: 'flow-cwl-subscription', why: 'CloudWatch Logs subscription payload of flow-log records' };
    return { kind: 'load', format: 'lambda-logs-subscription', why: `CloudWatch Logs subscription payload${group ? ` of ${group}` : ''}` };
  }
  if (has(p, 'events') && (p.keys.has('events[].message') || p.keys.has('events[].timestamp') || p.keys.has('nextForwardToken') || p.keys.has('searchedLogStreams'))) {
    const kind = classifyMessage(p.strings.get('events[].message'));
    const which = p.keys.has('nextForwardToken') || p.keys.has('nextBackwardToken') ? 'get-log-events' : 'filter-log-events';
    if (kind === 'cloudtrail') return { kind: 'load', format: 'cloudtrail-cwl-events', why: `${which} output holding CloudTrail records` };
    if (kind === 'flow') return { kind: 'load', format: 'flow-cwl-events', why: `${which} output holding flow-log records` };
    return { kind: 'load', format: 'lambda-logs-events', why: `${which} output` };
  }
  return undefined;
}

/** AWS CLI outputs that are recognised but not loaded. */
const UNSUPPORTED_TOP_KEYS: Array<[string[], string]> = [
  [['trailList'], 'aws cloudtrail describe-trails output'],
  [['UserId', 'Account', 'Arn'], 'aws sts get-caller-identity output'],
  [['FlowLogs'], 'aws ec2 describe-flow-logs output'],
  [['logGroups'], 'aws logs describe-log-groups output'],
  [['logStreams'], 'aws logs describe-log-streams output'],
  [['EventSourceMappings'], 'aws lambda list-event-source-mappings output'],
  [['Layers'], 'aws lambda list-layers output'],
];

/**
 * Formats read as one JSON document: a gzip stream cut short leaves the document unclosed, so
 * DuckDB's reader fails instead of returning part of the file, and import need not decompress
 * such files in JS before loading them.
 */
export const SELF_DELIMITING_FORMATS: ReadonlySet<string> = new Set([
  'cloudtrail-records',
  'cloudtrail-array',
  'cloudtrail-lookup',
  'cloudtrail-lookup-array',
  'cloudtrail-cwl-subscription',
  'cloudtrail-cwl-events',
]);

/** Whether the bytes hold nothing but whitespace (or nothing). */
function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0b && c !== 0x0c) return false;
  }
  return true;
}

export function detect(f: FileFacts): Detection {
  if (f.readError) {
    return { kind: 'skip', why: f.readError, issue: { code: f.gzip ? 'corrupt-gzip' : 'unreadable', message: f.readError } };
  }
  if (f.parquet) return { kind: 'load', format: 'flow-parquet', why: 'Parquet file (PAR1 magic)' };
  if (isBlank(f.head)) {
    const why = f.gzip ? 'empty file (gzip holds no content)' : 'empty file';
    return { kind: 'skip', why, issue: { code: 'empty-file', message: `${why}; nothing to import` } };
  }
  return detectDelivery(f) ?? detectByScan(f);
}

/** detect() for a readable, non-empty file, by the JSON prefix scan or the text rules alone. */
export function detectByScan(f: FileFacts): Detection {
  // Most files are recognised from their first few KB; the whole head is scanned only when that
  // is not enough (detection of 20,000 small CloudTrail files costs a quarter of the time).
  for (const bytes of QUICK_DETECT_BYTES) {
    if (f.head.length > bytes || f.fullHead) {
      const quick = detectContent({ ...f, head: f.head.subarray(0, bytes) });
      if (quick.kind === 'load') return quick;
    }
  }
  return detectContent(f.fullHead ? { ...f, head: f.fullHead() } : f);
}

/** The bytes of `"Records"`. */
const RECORDS_KEY = Buffer.from('"Records"', 'latin1');

/** Index of the first byte at or after `i` that is not JSON whitespace (space, tab, line feed, carriage return). */
function skipBlanks(b: Buffer, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i;
}

/**
 * Where the first record of a `{"Records":[{...` head opens (the index of its `{`), or -1: an
 * optional byte-order mark, then `{ "Records" : [ {` with any JSON whitespace between.
 */
function firstRecordStart(head: Buffer): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  i = skipBlanks(head, i);
  if (head[i] !== 0x7b) return -1;
  i = skipBlanks(head, i + 1);
  if (!head.subarray(i, i + RECORDS_KEY.length).equals(RECORDS_KEY)) return -1;
  i = skipBlanks(head, i + RECORDS_KEY.length);
  if (head[i] !== 0x3a) return -1;
  i = skipBlanks(head, i + 1);
  if (head[i] !== 0x5b) return -1;
  i = skipBlanks(head, i + 1);
  return head[i] === 0x7b ? i : -1;
}

/**
 * The usual file first: a CloudTrail S3 delivery, `{"Records":[{...}, ...` whose first record is
 * whole within the head. That record is cut out (strings and escapes respected), parsed with
 * JSON.parse, and judged by the same rules as the prefix scan's records (recordsRules). Only a
 * CloudTrail delivery comes out of here; anything else (undefined) goes through the general scan
 * (detectByScan), which gives the same answer for every fixture (test/importers/detect.test.ts).
 * The scan was 40% of the CPU time of reading and detecting 20,000 small delivery files; this
 * check costs a fraction of it. It works on the bytes, and decodes only the record: the
 * characters that delimit JSON are ASCII, and no byte of a multi-byte UTF-8 character is one.
 */
export function detectDelivery(f: FileFacts): Detection | undefined {
  const head = f.head;
  const start = firstRecordStart(head);
  if (start < 0) return undefined;
  if (looksBinary(head)) return undefined;
  const end = objectEnd(head, start);
  if (end < 0) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(head.toString('utf8', start, end));
  } catch {
    return undefined;
  }
  const r = rec as Record<string, unknown>;
  // the scan takes eventSource from the first record that has it as a string: decided here only
  // when that is the first record
  if (typeof r.eventSource !== 'string') return undefined;
  const verdict = recordsRules({ has: (k) => k in r, str: (k) => (typeof r[k] === 'string' ? (r[k] as string) : undefined) });
  return verdict?.kind === 'load' ? verdict : undefined;
}

/** Index just past the object that opens at `start` (a '{'), or -1 when it does not close within `b`. */
function objectEnd(b: Buffer, start: number): number {
  let depth = 0;
  const n = b.length;
  for (let i = start; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < n; i++) {
        const d = b[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

function detectContent(f: FileFacts): Detection {
  const { text, binary } = decodeHead(f);
  if (binary) {
    return {
      kind: 'skip',
      why: 'binary content, not a log export',
      issue: { code: 'binary-file', message: 'binary content (NUL or control bytes), not a log export this tool reads' },
    };
  }
  const trimmed = text.trimStart().replace(/^\uFEFF/, '');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return detectJson(trimmed);
  return detectText(text);
}

function detectJson(text: string): Detection {
  const p = scanJsonPrefix(text);
  if (p.invalid && p.keys.size === 0) {
    return { kind: 'skip', why: 'not valid JSON', issue: { code: 'unknown-format', message: 'starts like JSON but is not valid JSON' } };
  }
  if (p.top === 'object') {
    // CloudTrail S3 delivery
    if (has(p, 'digestStartTime') || has(p, 'digestS3Object') || has(p, 'previousDigestSignature'))
      return { kind: 'skip', why: 'CloudTrail digest file (integrity hashes, no events)' };
    if (has(p, 'Records')) {
      // no element seen: an empty array, or one cut off before its first element
      const verdict = p.arrayElem.get('Records') === undefined ? delivery() : recordsRules(scannedRecords(p, 'Records[].'));
      if (verdict) return verdict;
    }
    if (has(p, 'Events') && (p.arrayElem.get('Events') === undefined || looksLikeLookupEvent(p, 'Events[].')))
      return { kind: 'load', format: 'cloudtrail-lookup', why: 'aws cloudtrail lookup-events output' };
    const cwl = cwlContainer(p, text);
    if (cwl) return cwl;
    if (looksLikeCloudTrailRecord(scannedRecords(p, '')))
      return { kind: 'load', format: 'cloudtrail-jsonl', why: p.newlineSeparated ? 'CloudTrail records as JSON Lines' : 'a CloudTrail record' };
    if (looksLikeLookupEvent(p, ''))
      return { kind: 'load', format: 'cloudtrail-lookup-jsonl', why: 'lookup-events Event objects as JSON Lines' };
    if (has(p, 'exportTasks')) return { kind: 'load', format: 'log-export-tasks', why: 'aws logs describe-export-tasks output' };
    if (has(p, 'NetworkInterfaces')) return { kind: 'load', format: 'eni-snapshot', why: 'aws ec2 describe-network-interfaces output' };
    if (has(p, 'Functions')) return { kind: 'load', format: 'lambda-functions', why: 'aws lambda list-functions output' };
    if (has(p, 'Configuration') && p.keys.has('Configuration.FunctionName'))
      return { kind: 'load', format: 'lambda-function', why: 'aws lambda get-function output' };
    if (has(p, 'FunctionName', 'FunctionArn') && !has(p, 'FunctionUrl'))
      return { kind: 'load', format: 'lambda-function', why: 'aws lambda get-function-configuration output' };
    // Lambda get-policy prints {"Policy": "<JSON string>", "RevisionId"}; s3api get-bucket-policy prints
    // the same string without RevisionId, and iam get-policy an object: neither is a Lambda policy.
    if (
      has(p, 'Policy') &&
      ![...p.keys].some((k) => k.startsWith('Policy.')) &&
      (has(p, 'RevisionId') || /:lambda:[^"]*:function:/.test(p.strings.get('Policy') ?? ''))
    )
      return { kind: 'load', format: 'lambda-policy', why: 'aws lambda get-policy output' };
    if (has(p, 'FunctionUrl') || has(p, 'FunctionUrlConfigs'))
      return { kind: 'load', format: 'lambda-url-config', why: 'aws lambda get-function-url-config output' };
    if (has(p, 'UserDetailList') || has(p, 'RoleDetailList') || has(p, 'GroupDetailList'))
      return { kind: 'load', format: 'iam-authorization-details', why: 'aws iam get-account-authorization-details output' };
    if (has(p, 'MetricDataResults')) return { kind: 'load', format: 'metrics-data', why: 'aws cloudwatch get-metric-data output' };
    if (has(p, 'Datapoints')) return { kind: 'load', format: 'metrics-statistics', why: 'aws cloudwatch get-metric-statistics output' };
    if (has(p, 'SecurityGroups')) return { kind: 'load', format: 'ec2-security-groups', why: 'aws ec2 describe-security-groups output' };
    if (has(p, 'Subnets')) return { kind: 'load', format: 'ec2-subnets', why: 'aws ec2 describe-subnets output' };
    if (has(p, 'Vpcs')) return { kind: 'load', format: 'ec2-vpcs', why: 'aws ec2 describe-vpcs output' };
    if (has(p, 'DBInstances')) return { kind: 'load', format: 'rds-instances', why: 'aws rds describe-db-instances output' };
    if (has(p, 'CacheClusters')) return { kind: 'load', format: 'elasticache-clusters', why: 'aws elasticache describe-cache-clusters output' };
    for (const [keys, what] of UNSUPPORTED_TOP_KEYS) {
      if (has(p, ...keys)) return { kind: 'skip', why: `${what}: recognised, not used by lambda-forensics` };
    }
  }
  if (p.top === 'array') {
    if (p.arrayElem.get('') === undefined && p.firstComplete)
      return { kind: 'skip', why: 'empty JSON array', issue: { code: 'empty-file', message: 'empty JSON array; nothing to import' } };
    if (looksLikeCloudTrailRecord(scannedRecords(p, '[].'))) return { kind: 'load', format: 'cloudtrail-array', why: 'JSON array of CloudTrail records' };
    if (looksLikeLookupEvent(p, '[].')) return { kind: 'load', format: 'cloudtrail-lookup-array', why: 'JSON array of lookup-events Event objects' };
  }
  const shape =
    p.top === 'array'
      ? `a JSON array of ${p.arrayElem.get('') ?? 'unknown'} values`
      : `a JSON object with keys ${[...p.keys].filter((k) => !k.includes('.') && !k.includes('[')).slice(0, 6).join(', ') || '(none)'}`;
  return {
    kind: 'skip',
    why: `unrecognised JSON: ${shape}`,
    issue: { code: 'unknown-format', message: `unrecognised JSON shape (${shape}); use --source to force a format if this is an AWS export` },
  };
}

function detectText(text: string): Detection {
  const lines = text.split('\n').slice(0, 20).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  if (FLOW_HEADER_RE.test(first) && first.split(' ').length >= 2 && !/\d/.test(first))
    return { kind: 'load', format: 'flow-text', why: 'VPC flow log text with a header line' };
  if (FLOW_V2_RE.test(first)) return { kind: 'load', format: 'flow-text', why: 'VPC flow log text, default format without header' };
  const m = EXPORT_LINE_RE.exec(first);
  if (m) {
    const kind = classifyMessage(m[2]);
    if (kind === 'cloudtrail') return { kind: 'load', format: 'cloudtrail-cwl-export', why: 'CloudWatch Logs S3 export of CloudTrail records' };
    if (kind === 'flow') return { kind: 'load', format: 'flow-cwl-export', why: 'CloudWatch Logs S3 export of flow-log records' };
    return { kind: 'load', format: 'lambda-logs-export', why: 'CloudWatch Logs S3 export (timestamp-prefixed lines)' };
  }
  if (/^aws_s3_export_task_access_test$|^Permission Check Successful/.test(first))
    return { kind: 'skip', why: 'CloudWatch Logs export permission-check object' };
  return {
    kind: 'skip',
    why: 'unrecognised text',
    issue: { code: 'unknown-format', message: `unrecognised text format (first line: ${JSON.stringify(first.slice(0, 80))}); use --source to force a format` },
  };
}
