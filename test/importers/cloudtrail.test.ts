import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { SCHEMA_VERSION, ensureSchema } from '../../src/db/schema.ts';
import { RECORD_FIELDS } from '../../src/importers/cloudtrail/record.ts';
import { cloudTrailRead } from '../../src/importers/cloudtrail/index.ts';
import { oneLineHead, readFacts } from '../../src/importers/sniff.ts';
import { REAL, cloudTrailBeforeSchema5, count, importPaths, memoryDb, migratedFrom, tempDir } from '../helpers/db.ts';
import { realRecords } from '../helpers/cloudtrail.ts';

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

/** What a cloudtrail_events column holds for a record field, comparable with the field's JSON value. */
function columnValue(field: string, type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'JSON') return JSON.parse(String(v));
  if (field === 'eventTime') return new Date(String(v)).toISOString();
  if (field === 'readOnly' || field === 'managementEvent') return v;
  return v;
}

function fieldValue(field: string, type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'JSON') return v;
  if (field === 'eventTime') return new Date(String(v)).toISOString();
  if (field === 'readOnly' || field === 'managementEvent') return v === true || v === 'true';
  return String(v);
}

describe('CloudTrail: every field of a record is kept', () => {
  const columns = RECORD_FIELDS.map(([, , c]) => c);
  const select = `SELECT ${columns.map((c) => (c === 'event_time' ? `strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time` : c)).join(', ')}
    FROM cloudtrail_events`;

  it('each top-level field of the 322 real records has a column holding its value (nested objects verbatim)', async () => {
    const records = realRecords();
    expect(records.size).toBe(322);
    const known = new Set(RECORD_FIELDS.map(([n]) => n));
    const unknown = new Set([...records.values()].flatMap((rec) => Object.keys(rec)).filter((k) => !known.has(k)));
    expect([...unknown]).toEqual([]);

    await importPaths(db, [REAL]);
    const rows = new Map((await db.all<Record<string, unknown>>(select)).map((row) => [row.event_id as string, row]));
    expect(rows.size).toBe(322);
    let compared = 0;
    for (const [id, rec] of records) {
      const row = rows.get(id)!;
      for (const [field, type, column] of RECORD_FIELDS) {
        const want = fieldValue(field, type, rec[field]);
        const got = columnValue(field, type, row[column]);
        expect({ id, field, value: got }).toEqual({ id, field, value: want });
        if (want !== null) compared++;
      }
    }
    // the real records fill many fields, so this compared thousands of values, not a few
    expect(compared).toBeGreaterThan(4000);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events WHERE load_problem IS NOT NULL')).toBe(0);
  });

  it('a {"Records"} file DuckDB refuses whole (a record that is not an object, a repeated key) is read record by record, with the same columns', async () => {
    const records = [...realRecords().values()];
    const dir = tempDir();
    const clean = path.join(dir, 'clean');
    const odd = path.join(dir, 'odd');
    fs.mkdirSync(clean);
    fs.mkdirSync(odd);
    fs.writeFileSync(path.join(clean, 'a.json.gz'), zlib.gzipSync(JSON.stringify({ Records: records })));
    // 42 between the records, and one record written with eventSource twice (JSON.stringify cannot)
    const body = records.map((x) => JSON.stringify(x));
    const dup = JSON.stringify(records[0]).replace('{', '{"eventSource":"ignored.amazonaws.com",');
    fs.writeFileSync(
      path.join(odd, 'a.json.gz'),
      zlib.gzipSync(`{"Records":[${[dup, ...body.slice(1, 5), '42', ...body.slice(5)].join(',')}]}`),
    );
    const a = await importPaths(db, [clean]);
    expect(a.files.map((f) => [f.status, f.rows, f.issues])).toEqual([['loaded', 322, 0]]);
    const db2 = await memoryDb();
    try {
      const b = await importPaths(db2, [odd]);
      expect(b.files.map((f) => [f.status, f.rows, f.issues])).toEqual([['loaded', 322, 1]]);
      expect(await db2.all(`SELECT location, code FROM import_issues`)).toEqual([{ location: 'record 6', code: 'not-an-object' }]);
      const order = ` ORDER BY event_id`;
      const want = await db.all<Record<string, unknown>>(select + order);
      const got = await db2.all<Record<string, unknown>>(select + order);
      const dupId = records[0]!.eventID;
      // the repeated key: one of its two values is kept, as DuckDB's JSON functions read it
      const g = got.find((x) => x.event_id === dupId)!;
      expect(['ignored.amazonaws.com', records[0]!.eventSource]).toContain(g.event_source);
      g.event_source = records[0]!.eventSource;
      expect(got).toEqual(want);
    } finally {
      db2.close();
    }
  });
});

describe('CloudTrail identity columns (cloudtrail_identities, once per distinct userIdentity)', () => {
  // the view's identity columns, worked out here from each record's own userIdentity
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  const expectedIdentity = (ui: Record<string, any> | undefined) => {
    const issuer = ui?.sessionContext?.sessionIssuer;
    const arn = text(ui?.arn);
    const type = text(ui?.type);
    const principalId = text(ui?.principalId);
    const assumed = arn ? /^arn:[^:]*:sts::[^:]*:assumed-role\/[^/]+\/(.+)$/.exec(arn) : null;
    return {
      identity_type: type, principal_arn: arn, principal_id: principalId, account_id: text(ui?.accountId),
      access_key_id: text(ui?.accessKeyId), user_name: text(ui?.userName), session_issuer_arn: text(issuer?.arn),
      session_issuer_type: text(issuer?.type), invoked_by: text(ui?.invokedBy),
      session_name: assumed ? assumed[1]! : (type === 'AssumedRole' || type === 'FederatedUser') && principalId?.includes(':') ? principalId.split(':')[1]! : null,
    };
  };
  const IDENTITY = 'identity_type, principal_arn, principal_id, account_id, access_key_id, user_name, session_issuer_arn, session_issuer_type, session_name, invoked_by';

  it("each of the 322 real records gets its own userIdentity's fields, from one cloudtrail_identities row per distinct object", async () => {
    await importPaths(db, [REAL]);
    const rows = new Map((await db.all<Record<string, unknown>>(`SELECT event_id, ${IDENTITY} FROM cloudtrail_events`)).map((row) => [row.event_id as string, row]));
    let compared = 0;
    for (const [id, rec] of realRecords()) {
      const { event_id: _, ...got } = rows.get(id)!;
      const want = expectedIdentity(rec.userIdentity as Record<string, any> | undefined);
      expect({ id, ...got }).toEqual({ id, ...want });
      compared += Object.values(want).filter((v) => v !== null).length;
    }
    expect(compared).toBeGreaterThan(1000);
    const distinct = await count(db, 'SELECT count(DISTINCT user_identity) FROM cloudtrail_records');
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_identities')).toBe(distinct);
    // the real records share identities: fewer objects than records
    expect(distinct).toBeLessThan(322);
    // importing again adds nothing
    await importPaths(db, [REAL]);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_identities')).toBe(distinct);
    expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(322);
  });

  it('an identity seen again in a later batch is not added twice; a record without userIdentity has none', async () => {
    const dir = tempDir();
    const role = { type: 'AssumedRole', principalId: 'AROAEXAMPLE:fn-a', arn: 'arn:aws:sts::111122223333:assumed-role/r/fn-a',
      accountId: '111122223333', accessKeyId: 'ASIAEXAMPLE', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/r' } } };
    const user = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' };
    const rec = (id: string, userIdentity?: unknown) => ({ eventVersion: '1.08', eventID: id, eventTime: '2026-03-10T10:00:00Z',
      eventSource: 'lambda.amazonaws.com', eventName: 'GetFunction20150331v2', ...(userIdentity ? { userIdentity } : {}) });
    const write = (name: string, records: unknown[]) => fs.writeFileSync(path.join(dir, name), zlib.gzipSync(JSON.stringify({ Records: records })));
    write('a.json.gz', [rec('a1', role), rec('a2', role), rec('a3')]);
    write('b.json.gz', [rec('b1', role), rec('b2', user)]);
    // every file in its own batch
    const s = await importPaths(db, [dir], { batchBytes: 1 });
    expect(s.files.map((f) => f.rows)).toEqual([3, 2]);
    expect(await db.all(`SELECT principal_arn, session_name, user_name FROM cloudtrail_identities ORDER BY 1`)).toEqual([
      { principal_arn: 'arn:aws:iam::111122223333:user/alice', session_name: null, user_name: 'alice' },
      { principal_arn: 'arn:aws:sts::111122223333:assumed-role/r/fn-a', session_name: 'fn-a', user_name: null },
    ]);
    expect(await db.all(`SELECT event_id, session_name, session_issuer_arn, user_name FROM cloudtrail_events ORDER BY 1`)).toEqual([
      { event_id: 'a1', session_name: 'fn-a', session_issuer_arn: 'arn:aws:iam::111122223333:role/r', user_name: null },
      { event_id: 'a2', session_name: 'fn-a', session_issuer_arn: 'arn:aws:iam::111122223333:role/r', user_name: null },
      { event_id: 'a3', session_name: null, session_issuer_arn: null, user_name: null },
      { event_id: 'b1', session_name: 'fn-a', session_issuer_arn: 'arn:aws:iam::111122223333:role/r', user_name: null },
      { event_id: 'b2', session_name: null, session_issuer_arn: null, user_name: 'alice' },
    ]);
  });

  it('a schema-4 database (one cloudtrail_events table) is migrated: the same rows and columns through the view, pending rows still recovered', async () => {
    let before: unknown[] = [];
    const db4 = await migratedFrom(path.join(tempDir(), 'v4.duckdb'), 4, async (old) => {
      await importPaths(old, [r('stratus-red-team')]);
      before = await old.all(`SELECT * EXCLUDE (event_time), event_time::VARCHAR AS t FROM cloudtrail_events ORDER BY event_id`);
      // the one table, with its identity columns, and an interrupted import's row
      await cloudTrailBeforeSchema5(old);
      await old.run(`INSERT INTO cloudtrail_events (event_id, event_time, source_file, file_id) VALUES ('pending-1', now(), 'p.json', 999)`);
      await old.run(`INSERT INTO import_pending VALUES (999, 'cloudtrail_events')`);
    });
    expect(before.length).toBe(310);
    try {
      expect(await db4.json(`SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'cloudtrail_%' ORDER BY 1`)).toEqual([
        { table_name: 'cloudtrail_events', table_type: 'VIEW' },
        { table_name: 'cloudtrail_identities', table_type: 'BASE TABLE' },
        { table_name: 'cloudtrail_records', table_type: 'BASE TABLE' },
      ]);
      // the pending row is gone (recovery found it under its new table), every other row is as it was
      expect(await db4.all(`SELECT * EXCLUDE (event_time), event_time::VARCHAR AS t FROM cloudtrail_events ORDER BY event_id`)).toEqual(before);
      expect(await count(db4, 'SELECT count(*) FROM import_pending')).toBe(0);
      expect(await count(db4, 'SELECT count(*) FROM cloudtrail_identities')).toBe(await count(db4, 'SELECT count(DISTINCT user_identity) FROM cloudtrail_records'));
      // and imports go on: the same files add nothing
      const again = await importPaths(db4, [r('stratus-red-team')]);
      expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
      expect(await count(db4, 'SELECT count(*) FROM cloudtrail_events')).toBe(310);
    } finally {
      db4.close();
    }
  });
});

describe('CloudTrail S3 delivery files read as lines', () => {
  it('a file is read as JSON lines when its head shows one line, else the general way; a lenient retry never is', async () => {
    const rec = (id: string) => ({ eventVersion: '1.08', eventID: id, eventTime: '2026-03-01T00:00:00Z', eventSource: 'lambda.amazonaws.com', eventName: 'GetFunction' });
    const dir = tempDir();
    const one = path.join(dir, 'one.json.gz');
    const pretty = path.join(dir, 'pretty.json.gz');
    const plain = path.join(dir, 'plain.json');
    fs.writeFileSync(one, zlib.gzipSync(`${JSON.stringify({ Records: [rec('x1')] })}\n`));
    fs.writeFileSync(pretty, zlib.gzipSync(JSON.stringify({ Records: [rec('x2')] }, null, 2)));
    fs.writeFileSync(plain, `${JSON.stringify({ Records: [rec('x3')] })}\r\n`);
    const facts = await Promise.all([one, pretty, plain].map((p) => readFacts(p)));
    expect(facts.map((f) => f.oneLineHead)).toEqual([true, false, true]);
    expect(facts.map((f) => cloudTrailRead({ format: 'cloudtrail-records', oneLine: f.oneLineHead }, false))).toEqual([
      { reader: 'cloudtrail-records', jsonFormat: 'newline_delimited' },
      { reader: 'cloudtrail-records', jsonFormat: 'auto' },
      { reader: 'cloudtrail-records', jsonFormat: 'newline_delimited' },
    ]);
    expect(cloudTrailRead({ format: 'cloudtrail-records', oneLine: true }, true)).toEqual({ reader: 'cloudtrail-records-lenient' });
    expect(cloudTrailRead({ format: 'cloudtrail-lookup', oneLine: true }, false)).toEqual({ reader: 'cloudtrail-lookup' });
    // a line break only past the head: the head alone cannot tell
    expect(oneLineHead(Buffer.from('{"Records":[{"a":1}'), false)).toBe(true);
    expect(oneLineHead(Buffer.from('{"Records":[]}\n{"Records":[]}\n'), true)).toBe(false);
    expect(oneLineHead(Buffer.from('{"Records":[]}\n \t\r\n'), true)).toBe(true);
  });

  it('one-line, pretty-printed and late-broken files in one batch load the same rows as the same records read the general way', async () => {
    const records = [...realRecords().values()];
    const body = records.map((x) => JSON.stringify(x));
    const dir = tempDir();
    const mixed = path.join(dir, 'mixed');
    fs.mkdirSync(mixed);
    fs.writeFileSync(path.join(mixed, 'a-one-line.json.gz'), zlib.gzipSync(`{"Records":[${body.slice(0, 100).join(',')}]}`));
    fs.writeFileSync(path.join(mixed, 'b-pretty.json.gz'), zlib.gzipSync(JSON.stringify({ Records: records.slice(100, 200) }, null, 2)));
    // one line for the first 100 KB (past any head), then a line break between two records
    const late = `{"Records":[${body.slice(200, 300).join(',')},\n${body.slice(300).join(',')}]}`;
    expect(late.indexOf('\n')).toBeGreaterThan(64 * 1024);
    fs.writeFileSync(path.join(mixed, 'c-late-break.json.gz'), zlib.gzipSync(late));
    fs.writeFileSync(path.join(mixed, 'd-one-line.json'), `{"Records":[${body.slice(0, 10).join(',')}]}\n`);

    const s = await importPaths(db, [mixed]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.rows, f.duplicates, f.issues])).toEqual([
      ['a-one-line.json.gz', 'loaded', 100, 0, 0],
      ['b-pretty.json.gz', 'loaded', 100, 0, 0],
      ['c-late-break.json.gz', 'loaded', 122, 0, 0],
      ['d-one-line.json', 'loaded', 0, 10, 0],
    ]);
    const all = await memoryDb();
    try {
      fs.writeFileSync(path.join(dir, 'all.json'), JSON.stringify({ Records: records }, null, 1));
      await importPaths(all, [path.join(dir, 'all.json')]);
      const cols = `event_id, event_time, event_name, user_identity::VARCHAR AS ui, request_parameters::VARCHAR AS rp, source_record`;
      const got = await db.all(`SELECT ${cols} FROM cloudtrail_events ORDER BY event_id`);
      const want = await all.all(`SELECT ${cols} FROM cloudtrail_events ORDER BY event_id`);
      expect(got.length).toBe(322);
      // source_record counts within each file: compare the rest, then the numbering per file
      const strip = (r: Record<string, unknown>[]) => r.map(({ source_record: _, ...x }) => x);
      expect(strip(got)).toEqual(strip(want));
      expect(await db.all(`SELECT source_file, min(source_record) AS lo, max(source_record) AS hi FROM cloudtrail_events GROUP BY 1 ORDER BY 1`)).toEqual([
        { source_file: path.join(mixed, 'a-one-line.json.gz'), lo: 1n, hi: 100n },
        { source_file: path.join(mixed, 'b-pretty.json.gz'), lo: 1n, hi: 100n },
        { source_file: path.join(mixed, 'c-late-break.json.gz'), lo: 1n, hi: 122n },
      ]);
    } finally {
      all.close();
    }
  });
});

describe('CloudTrail through a CloudWatch Logs S3 export', () => {
  it('loads each line as an event numbered by its line, skips a bad line with its line number, and counts events also delivered to S3 once', async () => {
    const records = [...realRecords().values()].slice(0, 60);
    const line = (r: Record<string, unknown>) => `2026-03-11T10:00:00.000Z ${JSON.stringify(r)}`;
    const lines = records.slice(0, 50).map(line);
    lines.splice(9, 0, '2026-03-11T10:00:00.000Z this message is not JSON'); // line 10
    lines.splice(19, 0, '2026-03-11T10:00:00.000Z {"eventVersion":"1.09","eventName":"NoId"}'); // line 20
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a-export-000000.gz'), zlib.gzipSync(`${lines.join('\n')}\n`));
    // an S3 delivery of records 40-59: 40-49 are also in the export, which comes first
    fs.writeFileSync(path.join(dir, 'b-delivery.json.gz'), zlib.gzipSync(JSON.stringify({ Records: records.slice(40, 60) })));
    const db = await memoryDb();
    try {
      const s = await importPaths(db, [dir]);
      expect(s.files.map((f) => [path.basename(f.path), f.status, f.format, f.rows, f.duplicates, f.issues])).toEqual([
        ['a-export-000000.gz', 'loaded', 'cloudtrail-cwl-export', 50, 0, 2],
        ['b-delivery.json.gz', 'loaded', 'cloudtrail-records', 10, 10, 0],
      ]);
      expect(await count(db, 'SELECT count(DISTINCT event_id) FROM cloudtrail_events')).toBe(60);
      expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(60);
      expect(await db.json("SELECT location, code FROM import_issues ORDER BY location")).toEqual([
        { location: 'line 10', code: 'not-an-object' },
        { location: 'line 20', code: 'missing-event-id' },
      ]);
      // the export's events carry their line: records 0-8 on lines 1-9, 9-17 on 11-19, 18- on 21-
      const lineOf = async (i: number) =>
        Number(await db.scalar('SELECT source_record FROM cloudtrail_events WHERE event_id = $id', { id: records[i]!.eventID as string }));
      expect([await lineOf(0), await lineOf(8), await lineOf(9), await lineOf(17), await lineOf(18), await lineOf(49)]).toEqual([1, 9, 11, 19, 21, 52]);
      // records 40-49 were kept from the export, 50-59 from the delivery
      expect(await db.json(`SELECT f.path LIKE '%a-export%' AS from_export, count(*)::INTEGER AS n FROM cloudtrail_events e JOIN import_files f USING (file_id)
                            GROUP BY ALL ORDER BY ALL`)).toEqual([{ from_export: false, n: 10 }, { from_export: true, n: 50 }]);
    } finally {
      db.close();
    }
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

  it('a database made by schema 1 is migrated: source_record added, raw split into the field columns, earlier rows kept', async () => {
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
    await old.run(`INSERT INTO cloudtrail_events (event_id, event_time, source_file, file_id, raw) VALUES ('old-1', '2026-03-01T00:00:00Z', 'x', 999,
      '{"eventID":"old-1","requestID":"req-1","tlsDetails":{"tlsVersion":"TLSv1.3"},"userIdentity":{"type":"Root"}}')`);
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
      // schema 3: the fields that were only in `raw` have their columns, and `raw` is gone
      expect(await db3.all(`SELECT request_id, tls_details::VARCHAR AS tls, user_identity ->> 'type' AS t FROM cloudtrail_events WHERE event_id = 'old-1'`)).toEqual([
        { request_id: 'req-1', tls: '{"tlsVersion":"TLSv1.3"}', t: 'Root' },
      ]);
      expect(await count(db3, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'cloudtrail_events' AND column_name = 'raw'`)).toBe(0);
    } finally {
      db3.close();
    }
  });
});
