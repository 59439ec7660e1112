import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, detectByScan, detectDelivery, classifyMessage } from '../../src/importers/detect.ts';
import { scanJsonPrefix } from '../../src/importers/jsonPrefix.ts';
import { readFacts, readOpenFile, type FileFacts } from '../../src/importers/sniff.ts';
import { tempDir } from '../helpers/db.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function facts(content: string | Buffer, extra: Partial<FileFacts> = {}): FileFacts {
  const head = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path: '/x', size: head.length, mtimeMs: 0, sha256: 'x', gzip: false, parquet: false, head, headIsAll: true, contentBytes: head.length, verified: true, ...extra };
}
const fmt = (content: string) => {
  const d = detect(facts(content));
  return d.kind === 'load' ? d.format : `skip: ${d.why}`;
};

describe('JSON prefix scanner', () => {
  it('records key paths, first strings and array element types from a cut-off prefix', () => {
    const p = scanJsonPrefix('{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser"},"eventID":"a"},{"eventVersion":"1.0');
    expect(p.top).toBe('object');
    expect(p.keys.has('Records')).toBe(true);
    expect(p.keys.has('Records[].eventVersion')).toBe(true);
    expect(p.keys.has('Records[].userIdentity.type')).toBe(true);
    expect(p.strings.get('Records[].userIdentity.type')).toBe('IAMUser');
    expect(p.arrayElem.get('Records')).toBe('object');
    expect(p.firstComplete).toBe(false);
  });
  it('records the keys of the first three elements of an array, and still every top-level key after it', () => {
    const recs = Array.from({ length: 6 }, (_, i) => `{"k${i}": "v${i}", "n": {"m${i}": 1}}`).join(',');
    const p = scanJsonPrefix(`{"Records":[${recs}],"After":"x"}`);
    expect([...p.keys].filter((k) => k.startsWith('Records[]')).sort()).toEqual([
      'Records[].k0', 'Records[].k1', 'Records[].k2', 'Records[].n', 'Records[].n.m0', 'Records[].n.m1', 'Records[].n.m2',
    ]);
    expect(p.keys.has('After')).toBe(true);
    expect(p.strings.get('After')).toBe('x');
    expect(p.firstComplete).toBe(true);
    expect(p.invalid).toBe(false);
  });
  it('tells JSON Lines from one document', () => {
    expect(scanJsonPrefix('{"a":1}\n{"a":2}\n').newlineSeparated).toBe(true);
    expect(scanJsonPrefix('{"a":1}').newlineSeparated).toBe(false);
    expect(scanJsonPrefix('[1,2]').arrayElem.get('')).toBe('number');
  });
  it('handles escapes inside strings', () => {
    const p = scanJsonPrefix('{"k":"a\\"}b","m":"x"}');
    expect(p.strings.get('k')).toBe('a"}b');
    expect(p.strings.get('m')).toBe('x');
  });
});

describe('format detection by content', () => {
  const rec = { eventVersion: '1.08', eventID: 'e', eventTime: '2026-01-01T00:00:00Z', eventName: 'X', eventSource: 's' };
  it.each([
    [JSON.stringify({ Records: [rec] }), 'cloudtrail-records'],
    [JSON.stringify({ Records: [] }), 'cloudtrail-records'],
    [JSON.stringify({ Records: [rec] }, null, 4), 'cloudtrail-records'],
    [JSON.stringify([rec, rec], null, 2), 'cloudtrail-array'],
    [`${JSON.stringify(rec)}\n${JSON.stringify(rec)}\n`, 'cloudtrail-jsonl'],
    [JSON.stringify({ Events: [{ EventId: 'e', EventName: 'X', CloudTrailEvent: JSON.stringify(rec) }] }), 'cloudtrail-lookup'],
    [`${JSON.stringify({ EventId: 'e', EventName: 'X', CloudTrailEvent: '{}' })}\n`, 'cloudtrail-lookup-jsonl'],
    [JSON.stringify([{ EventId: 'e', EventName: 'X', CloudTrailEvent: '{}' }]), 'cloudtrail-lookup-array'],
    [JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'aws-cloudtrail-logs', logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(rec) }] }), 'cloudtrail-cwl-subscription'],
    [JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: '/aws/lambda/f', logEvents: [{ id: '1', timestamp: 1, message: 'START RequestId: x' }] }), 'lambda-logs-subscription'],
    [JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'vpc', logEvents: [{ id: '1', timestamp: 1, message: '2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK' }] }), 'flow-cwl-subscription'],
    [JSON.stringify({ events: [{ logStreamName: 's', timestamp: 1, message: JSON.stringify(rec), eventId: '1' }], searchedLogStreams: [] }), 'cloudtrail-cwl-events'],
    [JSON.stringify({ events: [{ timestamp: 1, message: 'hello', ingestionTime: 2 }], nextForwardToken: 'f' }), 'lambda-logs-events'],
    [JSON.stringify({ nextForwardToken: 'f', events: [{ timestamp: 1, message: 'hello' }] }), 'lambda-logs-events'],
    [`2026-03-10T10:00:00.000Z START RequestId: 8c4b Version: $LATEST\n`, 'lambda-logs-export'],
    [`2026-03-10T10:00:00.000Z ${JSON.stringify(rec)}\n`, 'cloudtrail-cwl-export'],
    [`2026-03-10T10:00:00.000Z 2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n`, 'flow-cwl-export'],
    ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n', 'flow-text'],
    ['2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n', 'flow-text'],
    [JSON.stringify({ exportTasks: [{ taskId: 't', logGroupName: '/aws/lambda/f' }] }), 'log-export-tasks'],
    [JSON.stringify({ NetworkInterfaces: [] }), 'eni-snapshot'],
    [JSON.stringify({ Functions: [] }), 'lambda-functions'],
    [JSON.stringify({ Configuration: { FunctionName: 'f' }, Code: {} }), 'lambda-function'],
    [JSON.stringify({ FunctionName: 'f', FunctionArn: 'arn' }), 'lambda-function'],
    [JSON.stringify({ Policy: '{}', RevisionId: 'r' }), 'lambda-policy'],
    [JSON.stringify({ FunctionUrl: 'https://x', FunctionArn: 'arn', AuthType: 'NONE' }), 'lambda-url-config'],
    [JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }), 'iam-authorization-details'],
    [JSON.stringify({ MetricDataResults: [] }), 'metrics-data'],
    [JSON.stringify({ Label: 'Invocations', Datapoints: [] }), 'metrics-statistics'],
  ])('%#: %s', (content, expected) => {
    expect(fmt(content)).toBe(expected);
  });

  it('skips what it recognises but does not load, with the reason and without an issue', () => {
    for (const [content, why] of [
      [JSON.stringify({ digestStartTime: 'x', digestEndTime: 'y', digestS3Object: 'o' }), 'CloudTrail digest file (integrity hashes, no events)'],
      [JSON.stringify({ trailList: [] }), 'aws cloudtrail describe-trails output: recognised, not used by lambda-forensics'],
      [JSON.stringify({ UserId: 'u', Account: 'a', Arn: 'arn' }), 'aws sts get-caller-identity output: recognised, not used by lambda-forensics'],
      [JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), 'CloudWatch Logs subscription CONTROL_MESSAGE (a connectivity check, no log events)'],
      // the shape of the S3 User Guide's "Event message structure" (version 2.1) and of the Lambda
      // Developer Guide's DynamoDB Streams and Kinesis example events: eventVersion with eventTime,
      // eventName or eventID, as CloudTrail's records have
      [JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-west-2', eventTime: '1970-01-01T00:00:00.000Z', eventName: 'ObjectCreated:Put', userIdentity: { principalId: 'AWS:AIDAEXAMPLE' }, requestParameters: { sourceIPAddress: '203.0.113.7' }, responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810' }, s3: { s3SchemaVersion: '1.0', bucket: { name: 'amzn-s3-demo-bucket' }, object: { key: 'k' } } }] }), 'AWS event payload {"Records"} from "aws:s3" (not CloudTrail)'],
      [JSON.stringify({ Records: [{ eventID: '1', eventVersion: '1.0', dynamodb: { Keys: { Id: { N: '101' } }, SequenceNumber: '111' }, awsRegion: 'us-east-1', eventName: 'INSERT', eventSourceARN: 'arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/2015', eventSource: 'aws:dynamodb' }] }), 'AWS event payload {"Records"} from "aws:dynamodb" (not CloudTrail)'],
      [JSON.stringify({ Records: [{ kinesis: { partitionKey: '1', data: 'SGVsbG8=' }, eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: 'shardId-000000000006:4959', eventName: 'aws:kinesis:record', awsRegion: 'us-east-2' }] }), 'AWS event payload {"Records"} from "aws:kinesis" (not CloudTrail)'],
      [JSON.stringify({ Records: [{ EventVersion: '1.0', EventSource: 'aws:sns', Sns: { Type: 'Notification', MessageId: 'm' } }] }), 'AWS event payload {"Records"} from "aws:sns" (not CloudTrail)'],
      [JSON.stringify({ Records: [{ eventVersion: '2.1', s3: { bucket: { name: 'b' } }, eventTime: '1970-01-01T00:00:00.000Z', eventName: 'ObjectCreated:Put' }] }), 'S3 event notification {"Records"} (not CloudTrail)'],
      [JSON.stringify({ Records: [{ messageId: 'm', body: 'b', eventSource: 'aws:sqs', awsRegion: 'us-east-1' }] }), 'AWS event payload {"Records"} from "aws:sqs" (not CloudTrail)'],
    ] as const) {
      const d = detect(facts(content));
      expect(d).toEqual({ kind: 'skip', why });
    }
  });

  it('reports what it cannot recognise, with an issue', () => {
    const d = detect(facts('hello world\n'));
    expect(d).toMatchObject({ kind: 'skip', why: 'unrecognised text', issue: { code: 'unknown-format' } });
    expect(detect(facts(JSON.stringify(['a', 'b'])))).toMatchObject({ kind: 'skip', why: 'unrecognised JSON: a JSON array of string values' });
  });

  it('classifies CloudWatch Logs messages', () => {
    expect(classifyMessage('REPORT RequestId: x\tDuration: 1 ms')).toBe('lambda');
    expect(classifyMessage('{"time":"2026-01-01","type":"platform.start","record":{}}')).toBe('lambda');
    expect(classifyMessage('{"eventVersion":"1.08","eventTime":"x","eventSource":"s"}')).toBe('cloudtrail');
    expect(classifyMessage('2 unknown eni-0abc - - - - - - - 1 2 - NODATA')).toBe('flow');
  });
});

describe('Firehose files that start with a control message', () => {
  it('are classified by the data messages that follow', () => {
    const control = { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] };
    const data = { messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'ct', logStream: 's', subscriptionFilters: ['f'], logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify({ eventVersion: '1.08', eventID: 'e', eventTime: 't', eventSource: 's' }) }] };
    expect(fmt(JSON.stringify(control) + JSON.stringify(data))).toBe('cloudtrail-cwl-subscription');
    expect(fmt(JSON.stringify(control))).toBe('skip: CloudWatch Logs subscription CONTROL_MESSAGE (a connectivity check, no log events)');
  });
});

describe('the shortcut for CloudTrail S3 deliveries', () => {
  const record = (extra: Record<string, unknown> = {}) => ({
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/r/s' },
    eventTime: '2026-03-11T08:00:00Z',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'GetFunction20150331v2',
    eventID: 'e-1',
    ...extra,
  });
  const delivery = (...records: unknown[]) => JSON.stringify({ Records: records });

  it('recognises a delivery from its first record, as the general scan does', () => {
    const f = facts(delivery(record(), record({ eventID: 'e-2' })));
    expect(detectDelivery(f)).toEqual({ kind: 'load', format: 'cloudtrail-records', why: 'CloudTrail S3 delivery {"Records":[...]}' });
    expect(detectByScan(f)).toEqual(detectDelivery(f));
    // strings holding quotes, backslashes and braces do not end the record early
    const tricky = facts(delivery(record({ requestParameters: { q: 'a"}]{[\\', k: '\\"}' } }), record()));
    expect(detectDelivery(tricky)).toEqual(detectByScan(tricky));
    expect(detectDelivery(tricky)?.kind).toBe('load');
    // a byte-order mark, whitespace and line breaks around the start
    const spaced = facts(`\uFEFF \n{ "Records" :\r\n [ ${JSON.stringify(record())} ]}`);
    expect(detectDelivery(spaced)).toEqual(detectByScan(spaced));
    expect(detectDelivery(spaced)?.kind).toBe('load');
  });

  it('a first record longer than the first 4 KB it decodes is read from the whole head, even with a character cut at 4 KB', () => {
    const long = record({ requestParameters: { blob: 'x'.repeat(6000) } });
    const f = facts(delivery(long, record({ eventID: 'e-2' })));
    expect(detectDelivery(f)?.kind).toBe('load');
    // a 3-byte character across byte 4096, inside the first record's string
    const pad = 4096 - Buffer.byteLength('{"Records":[{"eventVersion":"1.09","p":"') - 1;
    const cut = facts(`{"Records":[{"eventVersion":"1.09","p":"${'y'.repeat(pad)}€€","eventSource":"lambda.amazonaws.com","eventID":"e-1"}]}`);
    expect(cut.head.subarray(4095, 4098).toString('utf8')).toBe('€');
    expect(detectDelivery(cut)).toEqual(detectByScan(cut));
    expect(detectDelivery(cut)?.kind).toBe('load');
    // more than 4 KB of blanks before "Records": decided from the whole head too
    const blanks = facts(`{${' '.repeat(5000)}"Records":[${JSON.stringify(record())}]}`);
    expect(detectDelivery(blanks)?.kind).toBe('load');
  });

  it('control bytes: a few in text do not make it binary, more than 10% or one NUL do', () => {
    expect(detectDelivery(facts(Buffer.concat([Buffer.from(delivery(record())), Buffer.from([1, 2, 3])])))?.kind).toBe('load');
    expect(detect(facts(Buffer.concat([Buffer.from('{"a":1}'), Buffer.alloc(1)]))).kind).toBe('skip');
    expect(detectDelivery(facts(Buffer.concat([Buffer.from(delivery(record())), Buffer.alloc(1)])))).toBeUndefined();
    const ctrl = Buffer.from('abc\n'.repeat(100));
    for (let i = 0; i < 50; i++) ctrl[i * 8] = 2; // 50 of 400 bytes: 12.5%
    expect(detect(facts(ctrl))).toMatchObject({ kind: 'skip', issue: { code: 'binary-file' } });
    const few = Buffer.from('abc\n'.repeat(100));
    for (let i = 0; i < 30; i++) few[i * 8] = 2; // 7.5%
    expect(detect(facts(few))).not.toMatchObject({ issue: { code: 'binary-file' } });
  });

  it('leaves to the general scan what it does not know to be a delivery', () => {
    const cases: Array<[string, string]> = [
      // an S3 event notification and the Lambda event payloads that share {"Records"}
      [delivery({ eventVersion: '2.1', eventSource: 'aws:s3', eventTime: '2026-03-11T08:00:00Z', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' } } }), 'skip'],
      [delivery({ eventVersion: '1.1', eventSource: 'aws:dynamodb', eventID: 'x', eventName: 'INSERT' }), 'skip'],
      [delivery({ EventVersion: '1.0', EventSource: 'aws:sns', Sns: {} }), 'skip'],
      [delivery(record({ s3: {} })), 'skip'],
      // no eventSource, or not a string: decided by the scan
      [delivery(record({ eventSource: undefined })), 'load'],
      [delivery(record({ eventSource: 7 })), 'load'],
      // the first record does not close within the head
      [`{"Records":[${JSON.stringify(record()).slice(0, -1)}`, 'load'],
      // not a record object first, or not Records first
      [delivery('text', record()), 'load'],
      [JSON.stringify({ Other: 1, Records: [record()] }), 'load'],
      // the first record is not valid JSON
      [`{"Records":[{"eventVersion": 1.09.1, "eventSource": "s3.amazonaws.com"}]}`, 'load'],
    ];
    for (const [content, general] of cases) {
      const f = facts(content);
      expect(detectDelivery(f), content).toBeUndefined();
      expect(detect(f).kind, content).toBe(general);
      expect(detect(f), content).toEqual(detectByScan(f));
    }
  });

  it('gives the answer of the general scan for every fixture and sample-data file', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(path.join(ROOT, 'test', 'fixtures'));
    walk(path.join(ROOT, 'sample-data'));
    let shortcut = 0;
    for (const file of files) {
      const f = await readFacts(file);
      if (f.readError || f.parquet) continue;
      const fast = detectDelivery(f);
      if (fast === undefined) continue;
      shortcut++;
      expect(fast, file).toEqual(detectByScan(f));
    }
    // the sample data's deliveries and the real ones among the fixtures
    expect(shortcut).toBeGreaterThan(100);
  });
});

describe('reading a file once it is open', () => {
  it('reads the whole content, also when the file grew after its size was taken, and what is left when it shrank', async () => {
    const file = path.join(tempDir(), 'grow.json');
    const content = Buffer.from('{"Records":[]}'.repeat(50));
    fs.writeFileSync(file, content);
    const fd = fs.openSync(file, 'r');
    try {
      expect(readOpenFile(fd, content.length).equals(content)).toBe(true);
      // the size taken before the file grew: everything to its end, as fs.readFileSync reads it
      expect(readOpenFile(fd, 10).equals(content)).toBe(true);
      // the file shrank: what there is
      expect(readOpenFile(fd, content.length + 100).equals(content)).toBe(true);
    } finally {
      fs.closeSync(fd);
    }
    const f = await readFacts(file);
    expect(f.sha256).toBe((await import('node:crypto')).createHash('sha256').update(content).digest('hex'));
    expect(f.size).toBe(content.length);
  });
});
