import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { readFacts, trailerSize } from '../../src/importers/sniff.ts';
import { REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

/** CloudTrail records as AWS writes them (the minimum the importer needs plus a payload). */
function record(i: number, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
    eventTime: `2026-03-10T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 'lambda.amazonaws.com',
    eventName: 'GetFunction20150331v2',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { functionName: 'orders-api' },
    responseElements: null,
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...extra,
  };
}

function s3File(records: unknown[]): string {
  return JSON.stringify({ Records: records });
}

let db: Db;
let dir: string;
beforeEach(async () => {
  db = await memoryDb();
  dir = tempDir();
});
afterEach(() => db.close());

const write = (name: string, data: string | Buffer) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};

async function issuesOf(file: string) {
  return db.all<{ location: string | null; code: string; message: string; severity: string }>(
    `SELECT location, code, message, severity FROM import_issues WHERE path LIKE '%' || $f ORDER BY location`,
    { f: file },
  );
}

/** A good file next to each bad one proves that no other file lost a row. */
function goodFile() {
  return write('good/111122223333_CloudTrail_eu-west-1_20260310T1000Z_good.json.gz', zlib.gzipSync(s3File([record(1), record(2), record(3)])));
}

describe('the size a gzip trailer states', () => {
  it('is the content size (mod 2^32, lifted to the compressed size), never more than deflate can give', () => {
    const le = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n >>> 0);
      return b;
    };
    expect(trailerSize(1000, le(54_000))).toBe(54_000);
    // the field holds the size mod 2^32: a 4.5 GB gzip file holds at least 4.5 GB
    expect(trailerSize(4.5e9, le(100))).toBe(100 + 2 * 2 ** 32);
    // a file cut short ends in any four bytes: at most 1032 times its size
    expect(trailerSize(4000, le(0xfffffff0))).toBe(4000 * 1032);
    expect(trailerSize(4000, le(3))).toBe(4000 * 1032);
    expect(trailerSize(2, Buffer.alloc(2))).toBe(2);
  });
});

describe('bad input never crashes the run, never half-loads, and is reported', () => {
  it('a truncated .gz fails whole with corrupt-gzip', async () => {
    goodFile();
    const full = zlib.gzipSync(s3File(Array.from({ length: 200 }, (_, i) => record(100 + i))));
    write('bad/truncated.json.gz', full.subarray(0, Math.floor(full.length / 2)));
    const s = await importPaths(db, [dir]);
    expect(s.files.find((f) => f.path.endsWith('truncated.json.gz'))?.status).toBe('failed');
    const issues = await issuesOf('truncated.json.gz');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.code).toBe('corrupt-gzip');
    expect(issues[0]!.message).toMatch(/gzip stream is damaged: unexpected end of file/);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
  });

  it('a truncated .gz too large to be decompressed while sniffing fails whole with corrupt-gzip, in a batch with good files', async () => {
    goodFile();
    // random payloads keep the gzip large, so detection inflates only its first part
    const recs = Array.from({ length: 400 }, (_, i) => record(500 + i, { requestParameters: { blob: crypto.randomBytes(300).toString('base64') } }));
    const full = zlib.gzipSync(s3File(recs));
    const cut = full.subarray(0, Math.floor(full.length * 0.7));
    write('bad/big-truncated.json.gz', cut);
    const facts = await readFacts(path.join(dir, 'bad/big-truncated.json.gz'));
    expect(facts).toMatchObject({ gzip: true, verified: false });
    expect(facts.readError).toBeUndefined();
    const s = await importPaths(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows])).toEqual([
      ['big-truncated.json.gz', 'failed', 0],
      ['111122223333_CloudTrail_eu-west-1_20260310T1000Z_good.json.gz', 'loaded', 3],
    ]);
    expect(await issuesOf('big-truncated.json.gz')).toEqual([
      expect.objectContaining({ code: 'corrupt-gzip', severity: 'error', message: expect.stringMatching(/^gzip stream is damaged: unexpected end of file; the file was not loaded/) }),
    ]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
  });

  it('invalid JSON in the middle of a file fails that file with the line, other files keep their rows', async () => {
    goodFile();
    const lines = [record(10), record(11), record(12)].map((r) => JSON.stringify(r));
    lines.splice(1, 0, '{"eventVersion": "1.09", "eventID": "broken", ');
    write('bad/broken.jsonl', lines.join('\n'));
    await importPaths(db, [dir]);
    const issues = await issuesOf('broken.jsonl');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'load-failed', severity: 'error', location: 'line 2' });
    expect(issues[0]!.message).toMatch(/^cloudtrail-jsonl: invalid JSON \(.*\) at line 2; the file was not loaded/);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
    expect(await count(db, `SELECT count(*) FROM import_files WHERE status = 'failed'`)).toBe(1);
  });

  it('an empty file and an empty .gz are skipped with empty-file', async () => {
    goodFile();
    write('bad/empty.json', '');
    write('bad/empty.json.gz', zlib.gzipSync(''));
    const s = await importPaths(db, [dir]);
    expect(s.files.filter((f) => f.status === 'skipped').map((f) => path.basename(f.path)).sort()).toEqual(['empty.json', 'empty.json.gz']);
    expect((await issuesOf('empty.json'))[0]).toMatchObject({ code: 'empty-file', message: 'empty file; nothing to import' });
    expect((await issuesOf('empty.json.gz'))[0]).toMatchObject({ code: 'empty-file', message: 'empty file (gzip holds no content); nothing to import' });
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
  });

  it('a binary file is skipped with binary-file', async () => {
    goodFile();
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256;
    write('bad/blob.bin', bin);
    await importPaths(db, [dir]);
    expect(await issuesOf('blob.bin')).toEqual([
      { location: null, code: 'binary-file', severity: 'warning', message: 'binary content (NUL or control bytes), not a log export this tool reads' },
    ]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
  });

  it('JSON of the wrong shape is skipped with unknown-format and says what it saw', async () => {
    goodFile();
    write('bad/shape.json', JSON.stringify({ items: [{ id: 1 }], next: null }));
    const s = await importPaths(db, [dir]);
    expect(s.files.find((f) => f.path.endsWith('shape.json'))).toMatchObject({ status: 'skipped', reason: 'unrecognised JSON: a JSON object with keys items, next' });
    const issues = await issuesOf('shape.json');
    expect(issues[0]!.code).toBe('unknown-format');
    expect(issues[0]!.message).toMatch(/use --source to force a format/);
  });

  it('a Records file whose shape is wrong inside fails when forced, without loading anything from it', async () => {
    const p = write('bad/records-not-list.json', JSON.stringify({ Records: { not: 'a list' } }));
    await importPaths(db, [p], { source: 'cloudtrail-records' });
    const issues = await issuesOf('records-not-list.json');
    expect(issues[0]!.code).toBe('load-failed');
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(0);
  });

  it('a record without eventTime is skipped with a warning naming the record; the rest of the file loads', async () => {
    const bad = record(21);
    delete (bad as Record<string, unknown>).eventTime;
    write('x/111122223333_CloudTrail_eu-west-1_20260310T1005Z_a.json', s3File([record(20), bad, record(22)]));
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 2, issues: 1 });
    expect(await issuesOf('_a.json')).toEqual([
      {
        location: 'record 2',
        code: 'missing-event-time',
        severity: 'warning',
        message: 'record has no eventTime (eventID 00000000-0000-4000-8000-000000000021); record skipped',
      },
    ]);
    expect(await count(db, 'SELECT rows_rejected FROM import_files')).toBe(1);
  });

  it('a record with an unparseable eventTime or no eventID is skipped too', async () => {
    const noId = record(31);
    delete (noId as Record<string, unknown>).eventID;
    write('x/b.json', JSON.stringify([record(30, { eventTime: 'yesterday' }), noId, record(32)]));
    await importPaths(db, [dir]);
    expect((await issuesOf('b.json')).map((i) => [i.location, i.code])).toEqual([
      ['record 1', 'bad-event-time'],
      ['record 2', 'missing-event-id'],
    ]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(1);
  });

  it('non-UTF-8 bytes fail the file with the line number', async () => {
    goodFile();
    const text = Buffer.concat([
      Buffer.from(`${JSON.stringify(record(40))}\n`),
      Buffer.from(JSON.stringify(record(41, { userAgent: 'UA-PLACEHOLDER' })).replace('UA-PLACEHOLDER', 'bad\u0001')),
    ]);
    // replace the placeholder control byte by a lone 0xff byte, which is not UTF-8
    const idx = text.indexOf(0x01);
    text[idx] = 0xff;
    write('bad/latin.jsonl', text);
    await importPaths(db, [dir]);
    const issues = await issuesOf('latin.jsonl');
    expect(issues[0]).toMatchObject({ code: 'load-failed', location: 'line 2' });
    expect(issues[0]!.message).toBe('cloudtrail-jsonl: bytes that are not UTF-8 at line 2; the file was not loaded (nothing from it is in the database)');
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
  });

  it('a line of several MB loads', async () => {
    const big = record(50, { requestParameters: { blob: 'A'.repeat(6 * 1024 * 1024) } });
    write('big/big.jsonl', `${JSON.stringify(record(51))}\n${JSON.stringify(big)}\n`);
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 2, issues: 0 });
    expect(await count(db, `SELECT max(length(request_parameters->>'$.blob')) FROM cloudtrail_events`)).toBe(6 * 1024 * 1024);
  });

  it('a Records file over the 16 MiB default object size loads', async () => {
    const recs = Array.from({ length: 40 }, (_, i) => record(60 + i, { requestParameters: { blob: 'B'.repeat(512 * 1024) } }));
    write('big/111122223333_CloudTrail_eu-west-1_20260310T1010Z_big.json.gz', zlib.gzipSync(s3File(recs)));
    const s = await importPaths(db, [dir]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', rows: 40 });
  });

  it('the same file imported twice (in one run and in a second run) loads once', async () => {
    const a = goodFile();
    write('copy/same-content.json.gz', fs.readFileSync(a));
    const s1 = await importPaths(db, [dir]);
    expect(s1.files.map((f) => f.status).sort()).toEqual(['already-imported', 'loaded']);
    const s2 = await importPaths(db, [dir]);
    expect(s2.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
    expect(await count(db, 'SELECT count(*) FROM import_files')).toBe(1);
  });

  it('the same events in a lookup-events file and an S3 file are loaded once and counted as duplicates', async () => {
    const recs = [record(70), record(71), record(72)];
    write('s3/111122223333_CloudTrail_eu-west-1_20260310T1000Z_s3.json.gz', zlib.gzipSync(s3File(recs)));
    const lookup = {
      Events: [record(71), record(72), record(73)].map((r) => ({
        EventId: r.eventID,
        EventName: r.eventName,
        ReadOnly: 'true',
        EventTime: '2026-03-10T11:00:00+01:00',
        EventSource: r.eventSource,
        Username: 'alice',
        Resources: [],
        CloudTrailEvent: JSON.stringify(r),
      })),
    };
    write('lookup/lookup.json', JSON.stringify(lookup, null, 2));
    const s = await importPaths(db, [dir]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(4);
    expect(await count(db, 'SELECT count(DISTINCT event_id) FROM cloudtrail_events')).toBe(4);
    expect(s.duplicates).toBe(2);
    expect(await count(db, 'SELECT sum(rows_duplicate) FROM import_files')).toBe(2);
    // and in the other order across two runs
    const db2 = await memoryDb();
    try {
      await importPaths(db2, [path.join(dir, 'lookup')]);
      const s2 = await importPaths(db2, [path.join(dir, 's3')]);
      expect(s2.files[0]).toMatchObject({ rows: 1, duplicates: 2 });
      expect(await count(db2, 'SELECT count(*) FROM cloudtrail_events')).toBe(4);
    } finally {
      db2.close();
    }
  });

  it('CloudTrail digest files and Insights-only files are recognised and skipped with the reason', async () => {
    write('AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/10/111122223333_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20260310T100000Z.json.gz',
      zlib.gzipSync(JSON.stringify({ awsAccountId: '111122223333', digestStartTime: '2026-03-10T09:00:00Z', digestEndTime: '2026-03-10T10:00:00Z', digestS3Bucket: 'b', digestS3Object: 'o', logFiles: [] })));
    write('AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2026/03/10/insight.json.gz',
      zlib.gzipSync(s3File([{ eventVersion: '1.07', eventTime: '2026-03-10T10:00:00Z', awsRegion: 'eu-west-1', eventID: 'ins-1', eventType: 'AwsCloudTrailInsight', recipientAccountId: '111122223333', sharedEventID: 's', insightDetails: { state: 'Start' }, eventCategory: 'Insight' }])));
    const s = await importPaths(db, [dir]);
    const reasons = Object.fromEntries(s.files.map((f) => [path.basename(f.path), [f.status, f.reason]]));
    expect(reasons['insight.json.gz']).toEqual(['skipped', 'CloudTrail Insights records only (not API activity)']);
    expect(Object.values(reasons).find(([, r]) => String(r).includes('digest'))).toEqual(['skipped', 'CloudTrail digest file (integrity hashes, no events)']);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(0);
    expect(await count(db, 'SELECT count(*) FROM import_issues')).toBe(0);
  });

  it('bisection isolates one bad file in a large batch; every good file of the batch loads', async () => {
    for (let i = 0; i < 40; i++) write(`many/f${String(i).padStart(2, '0')}.json`, s3File([record(1000 + i)]));
    write('many/f17.json', '{"Records": [ {"eventVersion": "1.09", "eventID": "x"} ');
    write('many/f17b.json', '{"Records": [');
    const s = await importPaths(db, [dir], { source: 'cloudtrail-records' });
    expect(s.files.filter((f) => f.status === 'failed').map((f) => path.basename(f.path)).sort()).toEqual(['f17.json', 'f17b.json']);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(39);
    expect(await count(db, `SELECT count(*) FROM import_issues WHERE code = 'load-failed'`)).toBe(2);
  });

  it('the real samples folder records a ledger row for every file, with a reason for each skipped one', async () => {
    await importPaths(db, [REAL]);
    const rows = await db.all<{ status: string; reason: string | null }>(`SELECT status, reason FROM import_files`);
    expect(rows.length).toBe(fs.readdirSync(REAL, { recursive: true }).filter((p) => fs.statSync(path.join(REAL, String(p))).isFile()).length);
    expect(rows.filter((r) => r.status === 'skipped' && !r.reason)).toEqual([]);
  });
});
