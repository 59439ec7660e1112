import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/importers/detect.ts';
import { readAndDetect } from '../../src/importers/readPool/pool.ts';
import type { FileFacts } from '../../src/importers/sniff.ts';
import { REAL, tempDir } from '../helpers/db.ts';

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

async function readAll(paths: string[], opts: Parameters<typeof readAndDetect>[2]) {
  const out: Array<{ facts: FileFacts; detection: Detection }> = new Array(paths.length);
  await readAndDetect(paths, (i, facts, detection) => (out[i] = { facts, detection }), opts);
  return out;
}

describe('reading and detecting files in worker threads', () => {
  it('gives for every file the same facts and format as reading in this thread, broken files included', async () => {
    const dir = tempDir();
    const gz = zlib.gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventVersion: '1.08', eventID: 'a', eventTime: '2026-01-01T00:00:00Z' }] })));
    fs.writeFileSync(path.join(dir, 'ok.json.gz'), gz);
    fs.writeFileSync(path.join(dir, 'cut.json.gz'), gz.subarray(0, gz.length - 9));
    fs.writeFileSync(path.join(dir, 'empty.json'), '');
    const paths = [...listFiles(REAL), ...listFiles(dir)].sort();
    expect(paths.length).toBeGreaterThan(40);
    const inThread = await readAll(paths, { workerMinFiles: Infinity });
    const threads = await readAll(paths, { workerMinFiles: 1, threads: 2 });
    expect(threads).toEqual(inThread);
    expect(threads.every((r) => r.facts.head.length === 0 && r.facts.fullHead === undefined)).toBe(true);
    // the broken gzip file is reported as such by both
    const cut = threads[paths.indexOf(path.join(dir, 'cut.json.gz'))]!;
    expect(cut.detection.kind).toBe('skip');
    expect(new Set(threads.map((r) => r.detection.kind))).toEqual(new Set(['load', 'skip']));
  });
});
