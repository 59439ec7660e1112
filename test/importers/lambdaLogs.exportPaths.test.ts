import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readSimpleExport } from '../../src/importers/exportLines.ts';
import { exportStaging } from '../../src/importers/exportStage.ts';
import { FIXTURES, importPaths, tempDir, withMemoryDb } from '../helpers/db.ts';
import { lambdaSnapshot as snapshot } from '../helpers/lambdaExports.ts';

const SAMPLE_LOGS = path.join(FIXTURES, '..', '..', 'sample-data', 'logs');
const defaults = { ...exportStaging };
afterEach(() => Object.assign(exportStaging, defaults));

/** Export files whose lines all start events, one with a traceback on continuation lines, one with a blank line. */
function mixedExports(): string {
  const dir = tempDir();
  const d = path.join(dir, 'exportedlogs', 'aws', 'lambda', 'mixed-fn', 'task1', '2026', '03', '11');
  const stream = (name: string, lines: string[]) => {
    fs.mkdirSync(path.join(d, name), { recursive: true });
    fs.writeFileSync(path.join(d, name, '000000.gz'), zlib.gzipSync(`${lines.join('\n')}\n`));
  };
  const inv = (req: string, t: number) => [
    `2026-03-11T09:00:0${t}.000Z START RequestId: ${req} Version: $LATEST`,
    `2026-03-11T09:00:0${t}.100Z 2026-03-11T09:00:0${t}.100Z\t${req}\tINFO\tcaf\u00e9 \u2603 handled`,
    `2026-03-11T09:00:0${t}.200Z END RequestId: ${req}`,
    `2026-03-11T09:00:0${t}.200Z REPORT RequestId: ${req}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t`,
  ];
  stream('[$LATEST]aaaa', [...inv('11111111-1111-4111-8111-111111111111', 1), ...inv('22222222-2222-4222-8222-222222222222', 2)]);
  stream('[$LATEST]bbbb', [...inv('33333333-3333-4333-8333-333333333333', 3), 'Traceback (most recent call last):', '  File "app.py", line 3']);
  stream('[$LATEST]cccc', [...inv('44444444-4444-4444-8444-444444444444', 4), '', ...inv('55555555-5555-4555-8555-555555555555', 5)]);
  return dir;
}

describe('Lambda S3 exports: read whole or line by line, the same result', () => {
  it('gives identical events, invocations, ledger and issues either way', async () => {
    const inputs = [SAMPLE_LOGS, mixedExports()];
    // which files can be read whole: the sample's exports and one of the three made here
    const gz: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.gz')) gz.push(path.join(d, e.name));
      }
    };
    inputs.forEach(walk);
    const whole = new Set<string>();
    for (const f of gz) if ((await readSimpleExport(f, 1 << 30)) !== undefined) whole.add(path.basename(path.dirname(f)));
    expect(whole.size).toBeGreaterThan(10);
    expect(whole.size).toBe(gz.length - 2);
    expect(whole.has('[$LATEST]aaaa') && !whole.has('[$LATEST]bbbb') && !whole.has('[$LATEST]cccc')).toBe(true);
    // every file line by line
    Object.assign(exportStaging, { maxFileBytes: -1 });
    const lineByLine = await withMemoryDb(async (db) => {
      await importPaths(db, inputs);
      return snapshot(db);
    });
    // files read whole where they can be, handed to SQL after every file (so each flush is exercised)
    Object.assign(exportStaging, { maxFileBytes: defaults.maxFileBytes, flushBytes: 1 });
    const wholeFirst = await withMemoryDb(async (db) => {
      await importPaths(db, inputs);
      return snapshot(db);
    });
    const s = lineByLine as { events: unknown[]; invocations: unknown[]; issues: unknown[] };
    expect(s.events.length).toBeGreaterThan(1000);
    expect(s.invocations.length).toBeGreaterThan(100);
    // the blank line and the continuation lines are there to be reported or joined
    expect(JSON.stringify(s.events)).toContain('Traceback (most recent call last):\\n  File \\"app.py\\", line 3');
    expect(wholeFirst).toEqual(lineByLine);
  });
});
