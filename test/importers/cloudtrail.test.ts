import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { SCHEMA_VERSION, ensureSchema } from '../../src/db/schema.ts';
import { REAL, count, importPaths, memoryDb, tempDir } from '../helpers/db.ts';

let db: Db;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(() => db.close());

const r = (...p: string[]) => path.join(REAL, ...p);

describe('CloudTrail importer on the real samples (MANIFEST.md counts)', () => {
  it('stratus-red-team: 35 bare pretty-printed arrays hold 310 events with 310 distinct eventIDs', async () => {
    const s = await importPaths(db, [r('stratus-red-team', 'detonation-logs')]);
    expect(s.files.filter((f) => f.status === 'loaded')).toHaveLength(35);
    expect(s.files.every((f) => f.format === 'cloudtrail-array')).toBe(true);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(310);
    expect(await count(db, 'SELECT count(DISTINCT event_id) FROM cloudtrail_events')).toBe(310);
    // fake regions and odd IPs are kept as given
    expect(await count(db, `SELECT count(*) FROM cloudtrail_events WHERE aws_region = 'ap-westeast-2r'`)).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*) FROM cloudtrail_events WHERE source_ip = '253.252.51.07'`)).toBeGreaterThan(0);
    // Lambda API names lose their version suffix
    const lambda = await db.all<{ event_name: string; api_name: string }>(
      `SELECT event_name, api_name FROM cloudtrail_events WHERE event_source = 'lambda.amazonaws.com' ORDER BY 1`,
    );
    expect(lambda).toEqual([
      { event_name: 'AddPermission20150331v2', api_name: 'AddPermission' },
      { event_name: 'UpdateFunctionCode20150331v2', api_name: 'UpdateFunctionCode' },
      { event_name: 'UpdateFunctionConfiguration20150331v2', api_name: 'UpdateFunctionConfiguration' },
    ]);
    expect(s.issues).toBe(0);
  });

  it('trailscraper: an S3 delivery {"Records"} .json.gz holds 2 events', async () => {
    const s = await importPaths(db, [r('trailscraper')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'cloudtrail-records', rows: 2 });
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(2);
  });

  it('plaso: lookup-events JSON Lines, 6 events in UTC, one identity without type', async () => {
    const s = await importPaths(db, [r('plaso', 'aws_cloudtrail_lookup_events.jsonl')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'cloudtrail-lookup-jsonl', rows: 6 });
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(6);
    expect(await count(db, `SELECT count(*) FROM cloudtrail_events WHERE event_name = 'SharedSnapshotVolumeCreated' AND identity_type IS NULL`)).toBe(1);
    // EventTime "2022-02-08 09:23:37+11:00" is the same instant as the record's eventTime 2022-02-07T22:23:37Z
    const t = await db.scalar<string>(
      `SELECT strftime(event_time, '%Y-%m-%dT%H:%M:%SZ') FROM cloudtrail_events WHERE event_id = '0828c0d2-3589-4390-b954-c78b4a7df44b'`,
    );
    expect(t).toBe('2022-02-07T22:23:37Z');
  });

  it('aws-cli docs: lookup-events output {"Events"} holds 1 event', async () => {
    const s = await importPaths(db, [r('aws-cli-doc-examples', 'cloudtrail_lookup-events_output.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'cloudtrail-lookup', rows: 1 });
    const row = await db.all<Record<string, unknown>>(
      `SELECT identity_type, principal_arn, session_issuer_arn, session_name, api_name FROM cloudtrail_events`,
    );
    expect(row).toEqual([
      {
        identity_type: 'AssumedRole',
        principal_arn: 'arn:aws:sts::123456789012:assumed-role/my-role/my-session-name',
        session_issuer_arn: 'arn:aws:iam::123456789012:role/my-role',
        session_name: 'my-session-name',
        api_name: 'ConsoleLogin',
      },
    ]);
  });

  it('datadog: CloudTrail through a CloudWatch Logs subscription, 4 log events, 3 distinct events, the repeat counted', async () => {
    const s = await importPaths(db, [r('datadog-forwarder', 'cwl-subscription_cloudwatch_log_cloudtrail.json')]);
    expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'cloudtrail-cwl-subscription', rows: 3, duplicates: 1 });
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(3);
    expect(await count(db, 'SELECT rows_duplicate FROM import_files')).toBe(1);
  });

  it('the whole real-samples folder yields 322 distinct CloudTrail events, and importing it again changes nothing', async () => {
    const first = await importPaths(db, [REAL]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(322);
    const ledger = await count(db, 'SELECT count(*) FROM import_files');
    const issues = await count(db, 'SELECT count(*) FROM import_issues');
    expect(ledger).toBe(first.files.length);
    const again = await importPaths(db, [REAL]);
    expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(322);
    expect(await count(db, 'SELECT count(*) FROM import_files')).toBe(ledger);
    expect(await count(db, 'SELECT count(*) FROM import_issues')).toBe(issues);
  });
});

describe('CloudTrail de-duplication and provenance', () => {
  const rec = (id: string, extra: Record<string, unknown> = {}) => ({
    eventVersion: '1.08', eventID: id, eventTime: '2026-03-10T10:00:00Z', eventSource: 'lambda.amazonaws.com',
    eventName: 'GetFunction20150331v2', awsRegion: 'eu-west-1', sourceIPAddress: '198.51.100.7', ...extra,
  });
  const writeS3 = (dir: string, name: string, records: unknown[]) =>
    fs.writeFileSync(path.join(dir, name), zlib.gzipSync(JSON.stringify({ Records: records })));

  it('keeps the first copy by file and record order, within a batch and across batches, and records where each event came from', async () => {
    const dir = tempDir();
    writeS3(dir, 'a.json.gz', [rec('e1', { userAgent: 'first' }), rec('e2'), rec('e1', { userAgent: 'second' })]);
    writeS3(dir, 'b.json.gz', [rec('e3'), rec('e2', { userAgent: 'later' }), 'not an object', rec('e4')]);
    // a tiny batch size puts every file in its own batch (and transaction)
    const split = await importPaths(db, [dir], { batchBytes: 1 });
    expect(split.files.map((f) => [path.basename(f.path), f.rows, f.duplicates, f.issues])).toEqual([
      ['a.json.gz', 2, 1, 0],
      ['b.json.gz', 2, 1, 1],
    ]);
    const rows = await db.all<{ event_id: string; source_file: string; source_record: bigint; user_agent: string | null }>(
      `SELECT event_id, source_file, source_record, user_agent FROM cloudtrail_events ORDER BY event_id`,
    );
    expect(rows.map((r) => [r.event_id, path.basename(r.source_file), Number(r.source_record), r.user_agent])).toEqual([
      ['e1', 'a.json.gz', 1, 'first'],
      ['e2', 'a.json.gz', 2, null],
      ['e3', 'b.json.gz', 1, null],
      ['e4', 'b.json.gz', 4, null],
    ]);
    expect(await db.all(`SELECT location, code FROM import_issues`)).toEqual([{ location: 'record 3', code: 'not-an-object' }]);

    // the same two files in one batch give the same result
    const db2 = await memoryDb();
    try {
      const one = await importPaths(db2, [dir]);
      expect(one.files.map((f) => [f.rows, f.duplicates, f.issues])).toEqual([[2, 1, 0], [2, 1, 1]]);
      expect(await db2.all(`SELECT event_id, source_record, user_agent FROM cloudtrail_events ORDER BY event_id`)).toEqual(
        rows.map((r) => ({ event_id: r.event_id, source_record: r.source_record, user_agent: r.user_agent })),
      );
      // nothing that was not kept stays behind in the table
      expect(await count(db2, `SELECT count(*) FROM cloudtrail_events WHERE event_id IS NULL OR event_time IS NULL`)).toBe(0);
    } finally {
      db2.close();
    }
  });

  it('a database made by schema 1 is migrated: source_record added, earlier rows kept', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.duckdb');
    const old = await Db.open({ path: file });
    await old.run(`CREATE TABLE schema_info (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    await old.run(`INSERT INTO schema_info VALUES ('version', '1')`);
    await old.run(`CREATE TABLE cloudtrail_events (event_id VARCHAR NOT NULL, event_time TIMESTAMPTZ NOT NULL, event_version VARCHAR,
      event_source VARCHAR, event_name VARCHAR, api_name VARCHAR, aws_region VARCHAR, source_ip VARCHAR, user_agent VARCHAR,
      identity_type VARCHAR, principal_arn VARCHAR, principal_id VARCHAR, account_id VARCHAR, access_key_id VARCHAR,
      user_name VARCHAR, session_issuer_arn VARCHAR, session_issuer_type VARCHAR, session_name VARCHAR, invoked_by VARCHAR,
      error_code VARCHAR, error_message VARCHAR, read_only BOOLEAN, event_type VARCHAR, event_category VARCHAR,
      management_event BOOLEAN, recipient_account_id VARCHAR, request_parameters JSON, response_elements JSON,
      resources JSON, raw JSON, source_file VARCHAR NOT NULL, file_id BIGINT NOT NULL)`);
    await old.run(`INSERT INTO cloudtrail_events (event_id, event_time, source_file, file_id) VALUES ('old-1', '2026-03-01T00:00:00Z', 'x', 999)`);
    old.close();

    const db3 = await Db.open({ path: file });
    try {
      await ensureSchema(db3);
      expect(await db3.scalar(`SELECT value FROM schema_info WHERE key = 'version'`)).toBe(SCHEMA_VERSION);
      writeS3(dir, 'new.json.gz', [rec('old-1'), rec('new-1')]);
      const s = await importPaths(db3, [path.join(dir, 'new.json.gz')]);
      expect(s.files.map((f) => [f.rows, f.duplicates])).toEqual([[1, 1]]);
      expect(await db3.all(`SELECT event_id, source_record FROM cloudtrail_events ORDER BY 1`)).toEqual([
        { event_id: 'new-1', source_record: 2n },
        { event_id: 'old-1', source_record: null },
      ]);
    } finally {
      db3.close();
    }
  });
});
