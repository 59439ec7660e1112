import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { Db, STORAGE_VERSION } from '../../src/db/connection.ts';
import { cli, cliAsync } from '../helpers/cli.ts';
import { tempDir } from '../helpers/db.ts';

function writeTrail(dir: string, files: number, perFile: number): number {
  let n = 0;
  for (let f = 0; f < files; f++) {
    const recs = [];
    for (let i = 0; i < perFile; i++, n++) {
      recs.push({
        eventVersion: '1.09',
        eventID: `e-${f}-${i}`,
        eventTime: new Date(Date.UTC(2026, 2, 10) + n * 1000).toISOString().replace('.000', ''),
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        awsRegion: 'eu-west-1',
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u' },
        requestParameters: { bucketName: 'b', key: `k/${'x'.repeat(200)}/${n}` },
      });
    }
    fs.writeFileSync(path.join(dir, `111122223333_CloudTrail_eu-west-1_${f}.json.gz`), zlib.gzipSync(JSON.stringify({ Records: recs })));
  }
  return n;
}

describe('database file', () => {
  it('is created with its schema on first use, at --db', () => {
    const dir = tempDir();
    const db = path.join(dir, 'nested', 'case.duckdb');
    const r = cli(['query', '--db', db, 'SELECT 1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No database at .*case.duckdb/);
    const imp = cli(['import', '--db', db, dir]);
    expect(imp.code).toBe(0);
    const q = cli(['query', '--db', db, '--format', 'json', "SELECT table_name FROM information_schema.tables WHERE table_name IN ('import_files','import_issues','cloudtrail_events') ORDER BY 1"]);
    expect(JSON.parse(q.stdout)).toEqual([{ table_name: 'cloudtrail_events' }, { table_name: 'import_files' }, { table_name: 'import_issues' }]);
  });

  it("a new database is written in DuckDB's v1.3.0 storage format; one made in the older default format keeps it and still imports", async () => {
    const dir = tempDir();
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    writeTrail(logs, 2, 3);
    const storage = (file: string) => {
      const r = cli(['query', '--db', file, '--format', 'json', 'SELECT tags FROM duckdb_databases() WHERE NOT internal']);
      return (JSON.parse(r.stdout) as Array<{ tags: Array<{ key: string; value: string }> }>).map((d) => d.tags.find((t) => t.key === 'storage_version')?.value);
    };
    const fresh = path.join(dir, 'new.duckdb');
    expect(cli(['import', '--db', fresh, logs]).code).toBe(0);
    expect(storage(fresh)).toEqual([`${STORAGE_VERSION}+`]);

    // a database file made by an earlier version of this tool (DuckDB's default format)
    const old = path.join(dir, 'old.duckdb');
    const inst = await DuckDBInstance.create(old);
    (await inst.connect()).closeSync();
    inst.closeSync();
    const before = storage(old);
    expect(before).toHaveLength(1);
    expect(before[0]).not.toBe(`${STORAGE_VERSION}+`);
    const imp = cli(['import', '--db', old, logs]);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toMatch(/Rows: cloudtrail 6\b/);
    expect(storage(old)).toEqual(before);
  });

  it('a second writer gets a clear message naming the holder, exit code 3, no stack trace', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'locked.duckdb');
    const holder = await Db.open({ path: file });
    try {
      const r = cli(['import', '--db', file, dir]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^error: The database .*locked.duckdb is locked by another process \(.*PID \d+.*\)\.\nhint: Wait for that import to finish/);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      holder.close();
    }
  });

  it('--memory-limit and --threads reach DuckDB (a query gets the whole budget), and spilling goes next to the db', () => {
    const dir = tempDir();
    const file = path.join(dir, 's.duckdb');
    // an import gives DuckDB 70% of the budget (its JavaScript side holds per-file state)
    const imp = cli(['import', '--db', file, '--memory-limit', '512MB', dir], { env: { LAMBDA_FORENSICS_TRACE: '1' } });
    expect(imp.code).toBe(0);
    expect(imp.stderr).toMatch(/DuckDB memory_limit (341\.4 MiB|358\.0 MB)/);
    const r = cli(['query', '--db', file, '--memory-limit', '512MB', '--threads', '1', '--format', 'json',
      "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d"]);
    const [row] = JSON.parse(r.stdout);
    expect(row.t).toBe(1);
    expect(row.m).toMatch(/^(488\.2 MiB|512\.0 MB|488 MiB)/);
    const bad = cli(['query', '--db', file, '--memory-limit', 'lots', 'SELECT 1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--memory-limit 'lots' is not a size/);
    expect(row.d).toBe(`${file}.tmp`);
  });

  it('survives kill -9 in the middle of an import; running it again completes without duplicates', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'trail');
    fs.mkdirSync(data);
    const total = writeTrail(data, 120, 100);
    const file = path.join(dir, 'k.duckdb');
    const child = cliAsync(['import', '--db', file, data], { env: { LAMBDA_FORENSICS_BATCH_FILES: '5', LAMBDA_FORENSICS_TRACE_BATCHES: '1' } });
    // small batches and a trace line per committed batch, so the kill lands between commits or inside one
    const killed = await new Promise<boolean>((resolve) => {
      let seen = 0;
      child.stderr.on('data', (d: Buffer) => {
        seen += (d.toString().match(/batch committed/g) ?? []).length;
        if (seen >= 3 && !child.killed) {
          child.kill('SIGKILL');
          resolve(true);
        }
      });
      child.on('exit', () => resolve(false));
    });
    void killed;
    await new Promise((r) => child.on('exit', r));
    expect(child.signalCode).toBe('SIGKILL');
    const mid = cli(['query', '--db', file, '--format', 'json', 'SELECT (SELECT count(*) FROM cloudtrail_events) AS events, (SELECT count(*) FROM import_files) AS files, (SELECT coalesce(sum(rows_loaded),0) FROM import_files) AS ledger_rows']);
    expect(mid.code).toBe(0);
    const m = JSON.parse(mid.stdout)[0];
    expect(m.events).toBeLessThan(total);
    expect(m.events).toBe(m.ledger_rows); // what the ledger says is exactly what is in the table
    const again = cli(['import', '--db', file, data]);
    expect(again.code).toBe(0);
    const end = JSON.parse(cli(['query', '--db', file, '--format', 'json', 'SELECT count(*) AS n, count(DISTINCT event_id) AS d, (SELECT count(*) FROM import_files) AS files FROM cloudtrail_events']).stdout)[0];
    expect(end).toEqual({ n: total, d: total, files: 120 });
  }, 120_000);
});

describe('an import killed between its two transactions', () => {
  /** The state such a kill leaves: the batch's rows committed and marked pending, no ledger rows. */
  async function interrupted(): Promise<{ file: string; data: string; total: number }> {
    const dir = tempDir();
    const data = path.join(dir, 'trail');
    fs.mkdirSync(data);
    const total = writeTrail(data, 4, 10);
    const file = path.join(dir, 'i.duckdb');
    expect(cli(['import', '--db', file, path.join(data, '111122223333_CloudTrail_eu-west-1_0.json.gz')]).code).toBe(0);
    const db = await Db.open({ path: file });
    try {
      // a second file's rows as the first transaction commits them, with one duplicate and one record it would reject
      await db.run(`INSERT INTO cloudtrail_records (event_id, event_time, source_file, file_id, source_record)
                    SELECT 'p-' || i, TIMESTAMPTZ '2026-03-10 00:00:00+00', 'pending.json', 99, i FROM range(5) t(i)`);
      await db.run(`INSERT INTO cloudtrail_records (event_id, event_time, source_file, file_id, source_record) VALUES
                    ('e-0-1', TIMESTAMPTZ '2026-03-10 00:00:00+00', 'pending.json', 99, 6),
                    (NULL, NULL, 'pending.json', 99, 7)`);
      await db.run(`INSERT INTO import_pending VALUES (99, 'cloudtrail_records')`);
    } finally {
      db.close();
    }
    return { file, data, total };
  }
  const counts = (file: string) =>
    JSON.parse(cli(['query', '--db', file, '--format', 'json', `SELECT (SELECT count(*) FROM cloudtrail_events) AS events,
      (SELECT sum(rows_loaded) FROM import_files) AS ledger, (SELECT count(*) FROM import_pending) AS pending`]).stdout)[0];

  it('query removes the unsettled rows first, so the table holds exactly what the ledger says', async () => {
    const { file } = await interrupted();
    const q = cli(['query', '--db', file, '--format', 'json', 'SELECT count(*) AS n FROM cloudtrail_events']);
    expect(q.code).toBe(0);
    expect(q.stderr).toMatch(/Removed the rows of 1 file\(s\) an interrupted import left unsettled/);
    expect(JSON.parse(q.stdout)).toEqual([{ n: 10 }]);
    expect(counts(file)).toEqual({ events: 10, ledger: 10, pending: 0 });
  });

  it('the next import removes them and loads every file once', async () => {
    const { file, data, total } = await interrupted();
    const r = cli(['import', '--db', file, data]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Removed the rows of 1 file\(s\)/);
    expect(counts(file)).toEqual({ events: total, ledger: total, pending: 0 });
  });
});
