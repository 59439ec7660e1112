import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { exportStaging } from '../../src/importers/exportStage.ts';
import { count, importPaths, tempDir, withMemoryDb } from '../helpers/db.ts';
import { realRecords } from '../helpers/cloudtrail.ts';

// CloudTrail and flow records through CloudWatch Logs S3 exports (`<ISO timestamp> <message>` per
// line): files whose every line starts an event are read whole and split by SQL, the others line
// by line (exportStage.ts). Both ways must give the same rows, ledger and issues.

const defaults = { ...exportStaging };
afterEach(() => Object.assign(exportStaging, defaults));

const MODES: Array<[string, Partial<typeof exportStaging>]> = [
  ['read whole', {}],
  ['read whole, moved to the stage file by file', { flushBytes: 1 }],
  ['read line by line', { maxFileBytes: -1 }],
];

const TS = '2026-03-11T10:00:00.000Z';
const records = [...realRecords().values()];
const line = (r: unknown) => `${TS} ${JSON.stringify(r)}`;

function write(dir: string, rel: string, lines: string[], gzip = true): void {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  const text = `${lines.join('\n')}\n`;
  fs.writeFileSync(p, gzip ? zlib.gzipSync(text) : text);
}

/** The ledger and issues, by file name. */
async function ledger(db: Db): Promise<unknown> {
  return {
    files: await db.json(`SELECT regexp_extract(path, '[^/]+/[^/]+$') AS file, status, format, rows_loaded::INTEGER AS loaded,
                                 rows_rejected::INTEGER AS rejected, rows_duplicate::INTEGER AS duplicate
                          FROM import_files ORDER BY path`),
    issues: await db.json(`SELECT regexp_extract(f.path, '[^/]+/[^/]+$') AS file, i.location, i.code
                           FROM import_issues i JOIN import_files f USING (file_id) ORDER BY f.path, TRY_CAST(regexp_extract(i.location, '[0-9]+') AS INTEGER)`),
  };
}

describe('CloudTrail through CloudWatch Logs S3 exports', () => {
  /** Four export files: clean, with bad messages, with lines that are no event (read line by line in every mode), plain text. */
  function exportSet(): string {
    const dir = tempDir();
    write(dir, 'task/000000.gz', records.slice(0, 30).map(line));
    const bad = records.slice(30, 50).map(line);
    bad.splice(4, 0, `${TS} not JSON at all`); // line 5
    bad.splice(7, 0, `${TS} [1,2]`); // line 8
    bad.splice(11, 0, `${TS}  \t${JSON.stringify(records[50])}`); // line 12: JSON after blanks, an object
    write(dir, 'task/000001.gz', bad);
    const odd = records.slice(51, 61).map(line);
    odd.splice(3, 0, '  a line that continues the event before it'); // joined to line 3: that event is no JSON
    write(dir, 'task/000002.gz', ['no timestamp, and no event before it', ...odd]);
    write(dir, 'plain/000000', records.slice(61, 66).map(line), false);
    return dir;
  }

  for (const [mode, knobs] of MODES) {
    it(`loads each line as an event numbered by its line, with the columns a {"Records"} delivery gives (${mode})`, async () => {
      Object.assign(exportStaging, knobs);
      const dir = exportSet();
      await withMemoryDb(async (db) => {
        // a file whose first line has no timestamp is not recognised as an export: --source
        const s = await importPaths(db, [dir], { source: 'cloudtrail-cwl-export' });
        expect(s.files).toHaveLength(4);
        expect(await ledger(db)).toEqual({
          files: [
            { file: 'plain/000000', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 5, rejected: 0, duplicate: 0 },
            { file: 'task/000000.gz', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 30, rejected: 0, duplicate: 0 },
            { file: 'task/000001.gz', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 21, rejected: 2, duplicate: 0 },
            { file: 'task/000002.gz', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 9, rejected: 2, duplicate: 0 },
          ],
          issues: [
            { file: 'task/000001.gz', location: 'line 5', code: 'not-an-object' },
            { file: 'task/000001.gz', location: 'line 8', code: 'not-an-object' },
            { file: 'task/000002.gz', location: 'line 1', code: 'no-timestamp' },
            { file: 'task/000002.gz', location: 'line 4', code: 'not-an-object' },
          ],
        });
        const lineOf = async (i: number) => Number(await db.scalar('SELECT source_record FROM cloudtrail_events WHERE event_id = $id', { id: records[i]!.eventID as string }));
        // file 1: records 30-33 on lines 1-4, 34-36 on 6-8... record 50 on line 12; file 2: record 51 on line 2
        expect([await lineOf(30), await lineOf(34), await lineOf(37), await lineOf(50), await lineOf(51), await lineOf(55)]).toEqual([1, 6, 10, 12, 2, 7]);

        // every column but the provenance is what the same records give through an S3 delivery
        const loaded = (await db.all<{ event_id: string }>('SELECT event_id FROM cloudtrail_events')).map((r) => r.event_id);
        const delivery = tempDir();
        fs.writeFileSync(path.join(delivery, 'd.json.gz'), zlib.gzipSync(JSON.stringify({ Records: records.filter((r) => loaded.includes(r.eventID as string)) })));
        await withMemoryDb(async (ref) => {
          await importPaths(ref, [delivery]);
          const cols = `* EXCLUDE (source_file, file_id, source_record, user_identity, request_parameters, response_elements, resources, additional_event_data, tls_details),
                        user_identity::VARCHAR AS ui, request_parameters::VARCHAR AS rp, response_elements::VARCHAR AS re, resources::VARCHAR AS res,
                        additional_event_data::VARCHAR AS aed, tls_details::VARCHAR AS tls`;
          const got = await db.json(`SELECT ${cols} FROM cloudtrail_events ORDER BY event_id`);
          expect(got).toHaveLength(65);
          expect(got).toEqual(await ref.json(`SELECT ${cols} FROM cloudtrail_events ORDER BY event_id`));
        });

        // importing again does nothing
        const again = await importPaths(db, [dir], { source: 'cloudtrail-cwl-export' });
        expect(again.files.every((f) => f.status === 'already-imported')).toBe(true);
        expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(65);
      });
    });
  }

  for (const [mode, knobs] of [MODES[0]!, MODES[2]!]) {
    it(`an export cut short fails alone with corrupt-gzip, without failing its batch (${mode})`, async () => {
      Object.assign(exportStaging, knobs);
      const dir = tempDir();
      write(dir, 'task/000000.gz', records.slice(0, 40).map(line));
      const cut = zlib.gzipSync(`${records.slice(40, 200).map(line).join('\n')}\n`);
      fs.writeFileSync(path.join(dir, 'task', '000001.gz'), cut.subarray(0, Math.floor(cut.length / 2)));
      write(dir, 'task/000002.gz', records.slice(200, 210).map(line));
      await withMemoryDb(async (db) => {
        const batches: number[] = [];
        await importPaths(db, [dir], { onBatch: (_source, n) => batches.push(n) });
        // found while the batch was read: one batch, not split to find the bad file
        expect(batches).toEqual([3]);
        expect(await ledger(db)).toEqual({
          files: [
            { file: 'task/000000.gz', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 40, rejected: 0, duplicate: 0 },
            { file: 'task/000001.gz', status: 'failed', format: 'cloudtrail-cwl-export', loaded: 0, rejected: 0, duplicate: 0 },
            { file: 'task/000002.gz', status: 'loaded', format: 'cloudtrail-cwl-export', loaded: 10, rejected: 0, duplicate: 0 },
          ],
          issues: [{ file: 'task/000001.gz', location: null, code: 'corrupt-gzip' }],
        });
        expect(await db.scalar(`SELECT reason FROM import_files WHERE path LIKE '%000001.gz'`)).toBe('gzip stream is damaged: unexpected end of file');
        expect(await count(db, 'SELECT count(*) FROM cloudtrail_events')).toBe(50);
      });
    });
  }

  it('many small exports, moved to the stage every few files while the next ones are read, give what reading line by line gives', async () => {
    const dir = tempDir();
    for (let i = 0; i < 60; i++) write(dir, `task/${String(i).padStart(6, '0')}.gz`, records.slice(i * 3, i * 3 + 3).map(line));
    const rows = async (knobs: Partial<typeof exportStaging>) => {
      Object.assign(exportStaging, defaults, knobs);
      return withMemoryDb(async (db) => {
        await importPaths(db, [dir]);
        return {
          rows: await db.json(`SELECT event_id, regexp_extract(source_file, '[0-9]+[.]gz$') AS file, source_record::INTEGER AS line FROM cloudtrail_events ORDER BY ALL`),
          ledger: await ledger(db),
        };
      });
    };
    const byLine = await rows({ maxFileBytes: -1 });
    expect(byLine.rows).toHaveLength(180);
    // a move every 3-4 files (4-5 KB each)
    expect(await rows({ flushBytes: 15_000 })).toEqual(byLine);
    expect(await rows({})).toEqual(byLine);
  });
});

describe('CloudTrail records that arrive as text (lookup-events)', () => {
  it('a CloudTrailEvent that is not a JSON object is a skipped record; an object after blanks loads', async () => {
    const dir = tempDir();
    const events = [
      JSON.stringify(records[0]),
      ` \n\t${JSON.stringify(records[1])}`,
      '[1,2]',
      '"text"',
      `${JSON.stringify(records[2]).slice(0, 40)}`,
      'null',
      JSON.stringify(records[3]),
    ].map((CloudTrailEvent, i) => ({ EventId: `e${i}`, EventName: 'X', EventTime: '2026-03-10T11:00:00Z', CloudTrailEvent }));
    fs.writeFileSync(path.join(dir, 'lookup.json'), JSON.stringify({ Events: events }, null, 2));
    await withMemoryDb(async (db) => {
      const s = await importPaths(db, [dir]);
      expect(s.files[0]).toMatchObject({ status: 'loaded', format: 'cloudtrail-lookup', rows: 3, issues: 4 });
      expect(await db.json(`SELECT location, code FROM import_issues ORDER BY TRY_CAST(regexp_extract(location, '[0-9]+') AS INTEGER)`)).toEqual([
        { location: 'record 3', code: 'not-an-object' },
        { location: 'record 4', code: 'not-an-object' },
        { location: 'record 5', code: 'not-an-object' },
        { location: 'record 6', code: 'not-an-object' },
      ]);
      expect(await db.json('SELECT event_id, source_record::INTEGER AS n FROM cloudtrail_events ORDER BY n')).toEqual(
        [0, 1, 3].map((i, k) => ({ event_id: records[i]!.eventID, n: [1, 2, 7][k] })),
      );
    });
  });
});

describe('Flow logs through CloudWatch Logs S3 exports', () => {
  const flow = (i: number) =>
    `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.${i % 250} 198.51.100.${i % 200} ${40000 + i} 443 6 ${10 + i} ${1000 + i} ${1772673550 + i} ${1772673610 + i} ACCEPT OK`;
  const lines = (from: number, n: number) => Array.from({ length: n }, (_, k) => `${TS} ${flow(from + k)}`);

  function exportSet(): string {
    const dir = tempDir();
    write(dir, 'eni/000000.gz', lines(0, 50));
    const bad = lines(100, 28);
    bad.splice(6, 0, `${TS} 2 123456789012 eni-0a1b2c3d4e5f60718 10.0.0.1`); // line 7: 4 fields
    bad.splice(8, 0, `${TS} ${flow(999).replace(' 443 ', ' https ')}`); // line 9: a port that is no number
    write(dir, 'eni/000001.gz', bad);
    write(dir, 'eni/000002.gz', ['no timestamp, and no event before it', ...lines(200, 10)]);
    return dir;
  }

  for (const [mode, knobs] of MODES) {
    it(`loads the default-format records and reports the others by line (${mode})`, async () => {
      Object.assign(exportStaging, knobs);
      const dir = exportSet();
      await withMemoryDb(async (db) => {
        await importPaths(db, [dir], { source: 'flow-cwl-export' });
        expect(await ledger(db)).toEqual({
          files: [
            { file: 'eni/000000.gz', status: 'loaded', format: 'flow-cwl-export', loaded: 50, rejected: 0, duplicate: 0 },
            { file: 'eni/000001.gz', status: 'loaded', format: 'flow-cwl-export', loaded: 28, rejected: 2, duplicate: 0 },
            { file: 'eni/000002.gz', status: 'loaded', format: 'flow-cwl-export', loaded: 10, rejected: 1, duplicate: 0 },
          ],
          issues: [
            { file: 'eni/000001.gz', location: 'line 7', code: 'wrong-field-count' },
            { file: 'eni/000001.gz', location: 'line 9', code: 'bad-number' },
            { file: 'eni/000002.gz', location: 'line 1', code: 'no-timestamp' },
          ],
        });
        expect(
          await db.json(`SELECT srcport::INTEGER AS srcport, bytes::INTEGER AS bytes, epoch(start_time)::INTEGER AS start FROM flow_records
                         WHERE srcport IN (40000, 40120, 40209) ORDER BY srcport`),
        ).toEqual([
          { srcport: 40000, bytes: 1000, start: 1772673550 },
          { srcport: 40120, bytes: 1120, start: 1772673670 },
          { srcport: 40209, bytes: 1209, start: 1772673759 },
        ]);
      });
    });
  }

  it('an export cut short fails alone with corrupt-gzip, without failing its batch', async () => {
    const dir = tempDir();
    write(dir, 'eni/000000.gz', lines(0, 40));
    const cut = zlib.gzipSync(`${lines(100, 5000).join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'eni', '000001.gz'), cut.subarray(0, Math.floor(cut.length / 2)));
    write(dir, 'eni/000002.gz', lines(6000, 10));
    await withMemoryDb(async (db) => {
      const batches: number[] = [];
      await importPaths(db, [dir], { onBatch: (_source, n) => batches.push(n) });
      expect(batches).toEqual([3]);
      expect(await db.json(`SELECT status, format, rows_loaded::INTEGER AS loaded FROM import_files ORDER BY path`)).toEqual([
        { status: 'loaded', format: 'flow-cwl-export', loaded: 40 },
        { status: 'failed', format: 'flow-cwl-export', loaded: 0 },
        { status: 'loaded', format: 'flow-cwl-export', loaded: 10 },
      ]);
      expect(await db.json(`SELECT code FROM import_issues`)).toEqual([{ code: 'corrupt-gzip' }]);
      expect(await count(db, 'SELECT count(*) FROM flow_records')).toBe(50);
    });
  });
});
