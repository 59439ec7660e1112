import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { section } from '../../src/db/sql.ts';
import { isZlibError, readExportLines, readSimpleExport } from '../../src/importers/exportLines.ts';
import { tempDir, withMemoryDb } from '../helpers/db.ts';

const TEXT = 'staging/export_text.sql';

function write(name: string, content: string | Buffer, gzip = false): string {
  const p = path.join(tempDir(), name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  fs.writeFileSync(p, gzip ? zlib.gzipSync(bytes) : bytes);
  return p;
}

async function lineByLine(p: string): Promise<{ lines: [number, string, string][]; issues: string[] }> {
  const lines: [number, string, string][] = [];
  const issues: string[] = [];
  await readExportLines(p, (n, ts, msg) => lines.push([n, ts, msg]), (i) => issues.push(`${i.location} ${i.code}`));
  return { lines, issues };
}

/** What export_text.sql's `lines` gives for a whole file's text, as [line, timestamp, message]. */
async function splitBySql(fileText: string): Promise<[number, string, string][]> {
  return withMemoryDb(async (db) => {
    await db.run(section(TEXT, 'text-table'));
    const a = await db.conn.createAppender('export_text', 'main', 'temp');
    a.appendBigInt(7n);
    a.appendVarchar(fileText);
    a.endRow();
    a.flushSync();
    a.closeSync();
    const rows = await db.all<{ file_id: bigint; line_no: bigint; ts: string; message: string }>(
      `SELECT * FROM (${section(TEXT, 'lines')}) ORDER BY line_no`,
    );
    expect(rows.every((r) => r.file_id === 7n)).toBe(true);
    return rows.map((r) => [Number(r.line_no), r.ts, r.message]);
  });
}

describe('S3 export files read whole (readSimpleExport and export_text.sql)', () => {
  // every line starts an event: a tab, \r inside a message, \r\n line ends, non-ASCII text, a
  // message with the timestamp's own pattern, an empty message, fractional and whole seconds
  const simple = [
    '2026-03-11T08:00:00.123Z START RequestId: 5c5f0e4a-1111-4c1b-9e1a-aaaaaaaaaaaa Version: $LATEST',
    '2026-03-11T08:00:00.200Z 2026-03-11T08:00:00.200Z\t5c5f0e4a-1111-4c1b-9e1a-aaaaaaaaaaaa\tINFO\tcaf\u00e9 \u2603 \u{1F600}',
    '2026-03-11T08:00:01Z Traceback (most recent call last):\r  File "app.py", line 3\rValueError: x',
    '2026-03-11T08:00:02.5Z ',
    '2026-03-11T08:00:03.000Z windows line end\r',
    '2026-03-11T08:00:04.000Z REPORT RequestId: 5c5f0e4a-1111-4c1b-9e1a-aaaaaaaaaaaa\tDuration: 1.00 ms',
  ];

  for (const [label, text] of [
    ['with a final line break', `${simple.join('\n')}\n`],
    ['without a final line break', simple.join('\n')],
  ] as const) {
    it(`stages what the line-by-line reader gives, ${label}`, async () => {
      for (const gzip of [false, true]) {
        const p = write(gzip ? 'simple.log.gz' : 'simple.log', text, gzip);
        const whole = await readSimpleExport(p, 1 << 30);
        expect(whole).toBe(text);
        const expected = await lineByLine(p);
        expect(expected.issues).toEqual([]);
        expect(expected.lines).toHaveLength(simple.length);
        expect(await splitBySql(whole!)).toEqual(expected.lines);
      }
    });
  }

  it('leaves every other file to the line-by-line reader', async () => {
    const first = '2026-03-11T08:00:00.000Z first';
    const cases: [string, string | Buffer][] = [
      ['a line that continues the event before it', `${first}\n  at handler (index.js:3)\n`],
      ['an empty line between events', `${first}\n\n${first}\n`],
      ['two line breaks at the end', `${first}\n\n`],
      ['a blank first line', `\n${first}\n`],
      ['a first line without a timestamp', `hello\n${first}\n`],
      ['a timestamp without its space', `2026-03-11T08:00:00.000Z\n${first}\n`],
      ['an empty file', ''],
      ['bytes that are not UTF-8', Buffer.concat([Buffer.from(`${first}\n2026-03-11T08:00:01.000Z caf`), Buffer.from([0xe9]), Buffer.from('\n')])],
    ];
    for (const [label, content] of cases) {
      expect(await readSimpleExport(write('other.log', content), 1 << 30), label).toBeUndefined();
    }
  });

  it('never inflates past its limit: a file whose content is larger is left to the line-by-line reader', async () => {
    const text = '2026-03-11T08:00:00.000Z a\n'.repeat(2000); // 54,000 bytes
    const p = write('small.log.gz', zlib.gzipSync(Buffer.from(text)));
    expect(await readSimpleExport(p, text.length)).toBe(text);
    expect(await readSimpleExport(p, text.length - 1)).toBeUndefined();
    expect(await readSimpleExport(write('plain.log', text), text.length - 1)).toBeUndefined();
    // 3 MB whose gzip trailer claims 100 bytes: inflating stops at the limit (in 1 MiB steps)
    const big = '2026-03-11T08:00:00.000Z b\n'.repeat(120_000);
    const lying = zlib.gzipSync(Buffer.from(big));
    lying.writeUInt32LE(100, lying.length - 4);
    expect(await readSimpleExport(write('lying.log.gz', lying), 1 << 20)).toBeUndefined();
    // inflated to its end, the same file fails the stream's length check, as damaged
    await expect(readSimpleExport(write('lying2.log.gz', lying), 1 << 30)).rejects.toSatisfy(isZlibError);
  });

  it('fails on a damaged gzip stream, as the line-by-line reader does', async () => {
    const good = zlib.gzipSync(Buffer.from('2026-03-11T08:00:00.000Z a\n'.repeat(2000)));
    const p = write('cut.log.gz', good.subarray(0, Math.floor(good.length / 2)));
    await expect(readSimpleExport(p, 1 << 30)).rejects.toSatisfy(isZlibError);
    await expect(lineByLine(p)).rejects.toSatisfy(isZlibError);
  });
});
