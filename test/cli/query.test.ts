import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { REAL, tempDir } from '../helpers/db.ts';

let dir: string;
let db: string;
beforeAll(() => {
  dir = tempDir();
  db = path.join(dir, 'q.duckdb');
  const r = cli(['import', '--db', db, path.join(REAL, 'stratus-red-team')]);
  expect(r.code).toBe(0);
});

const SQL = `SELECT api_name, count(*) AS n, min(event_time) AS first FROM cloudtrail_events
             WHERE event_source = 'lambda.amazonaws.com' GROUP BY 1 ORDER BY 1`;

describe('query', () => {
  it('prints a table on stdout and nothing else', () => {
    const r = cli(['query', '--db', db, SQL]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^api_name\s+n\s+first$/);
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/)[0])).toEqual(['AddPermission', 'UpdateFunctionCode', 'UpdateFunctionConfiguration']);
    expect(lines.at(-1)).toBe('(3 rows)');
  });

  it('prints JSON with numbers and ISO UTC times', () => {
    const r = cli(['query', '--db', db, '--format', 'json', SQL]);
    expect(JSON.parse(r.stdout)).toEqual([
      { api_name: 'AddPermission', n: 1, first: '2024-08-01T13:47:16.000Z' },
      { api_name: 'UpdateFunctionCode', n: 1, first: expect.stringMatching(/^2024-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) },
      { api_name: 'UpdateFunctionConfiguration', n: 1, first: '2024-07-30T21:57:20.000Z' },
    ]);
  });

  it('prints CSV', () => {
    const r = cli(['query', '--db', db, '-f', 'csv', SQL]);
    expect(r.stdout.split('\r\n')[0]).toBe('api_name,n,first');
    expect(r.stdout.split('\r\n')[1]).toBe('AddPermission,1,2024-08-01T13:47:16.000Z');
  });

  it('reads the flow model with the small views copied, leaving nothing behind', () => {
    const r = cli(['query', '--db', db, '--format', 'json',
      'SELECT (SELECT count(*) FROM function_flows) AS flows, (SELECT count(*) FROM peers) AS peers, (SELECT count(*) FROM duckdb_tables() WHERE temporary) AS copies']);
    expect(r.stderr).toBe('');
    // inside the query the copies exist; the CloudTrail-only database has no flows or ENIs
    expect(JSON.parse(r.stdout)).toEqual([{ flows: 0, peers: 0, copies: 2 }]);
    const plain = cli(['query', '--db', db, '--format', 'json', 'SELECT count(*) AS copies FROM duckdb_tables() WHERE temporary']);
    expect(JSON.parse(plain.stdout)).toEqual([{ copies: 0 }]);
  });

  it('refuses writes with a clear message and exit code 2', () => {
    for (const sql of ['DROP TABLE cloudtrail_records', 'DROP VIEW cloudtrail_events', "INSERT INTO import_issues VALUES (1,'p',NULL,'error','c','m',now())", 'DELETE FROM cloudtrail_records']) {
      const r = cli(['query', '--db', db, sql]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: The database is opened read-only/);
    }
    expect(JSON.parse(cli(['query', '--db', db, '-f', 'json', 'SELECT count(*) AS n FROM cloudtrail_events']).stdout)).toEqual([{ n: 310 }]);
  });

  it('--out writes parquet, csv, json and Arrow IPC; the message goes to stderr', () => {
    for (const ext of ['parquet', 'csv', 'json', 'arrow']) {
      const out = path.join(dir, `r.${ext}`);
      const r = cli(['query', '--db', db, '--out', out, SQL]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`Wrote 3 rows to ${out}\n`);
      expect(fs.statSync(out).size).toBeGreaterThan(0);
    }
    const back = JSON.parse(cli(['query', '--db', db, '-f', 'json', `SELECT api_name, n FROM read_parquet('${path.join(dir, 'r.parquet')}') ORDER BY 1`]).stdout);
    expect(back.map((r: { api_name: string }) => r.api_name)).toEqual(['AddPermission', 'UpdateFunctionCode', 'UpdateFunctionConfiguration']);
    expect(fs.readFileSync(path.join(dir, 'r.csv'), 'utf8').split('\n')[0]).toBe('api_name,n,first');
    const t = tableFromIPC(fs.readFileSync(path.join(dir, 'r.arrow')));
    expect(t.numRows).toBe(3);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['api_name:Utf8', 'n:Int64', 'first:Timestamp<MICROSECOND, UTC>']);
    expect(t.getChild('api_name')!.toArray()).toEqual(['AddPermission', 'UpdateFunctionCode', 'UpdateFunctionConfiguration']);
    expect(Number(t.getChild('first')!.get(0))).toBe(Date.parse('2024-08-01T13:47:16Z'));
  });

  it('streams a large Arrow export in several record batches', () => {
    const out = path.join(dir, 'big.arrow');
    const r = cli(['query', '--db', db, '--out', out, 'SELECT range AS i, range::VARCHAR AS s, [range] AS l FROM range(150000)']);
    expect(r.code).toBe(0);
    const t = tableFromIPC(fs.readFileSync(out));
    expect(t.numRows).toBe(150000);
    expect(t.batches.length).toBeGreaterThanOrEqual(3);
    expect(t.getChild('l')!.get(149999)).toBe('[149999]');
  });

  it('rejects an unknown export extension', () => {
    const r = cli(['query', '--db', db, '--out', path.join(dir, 'x.xlsx'), 'SELECT 1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot export to '.xlsx'/);
  });
});
