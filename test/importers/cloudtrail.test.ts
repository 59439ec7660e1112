import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { REAL, count, importPaths, memoryDb } from '../helpers/db.ts';

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
