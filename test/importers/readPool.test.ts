import crypto from 'node:crypto';
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

  it('reads small files one after another into one reused buffer without mixing them up', async () => {
    // a worker reads a chunk's small files into one buffer: larger files before smaller ones (stale
    // bytes past a file's end), files whose detection needs more of the head than was first
    // decompressed (it is taken from that buffer), and a file larger than the buffer
    const dir = tempDir();
    const rec = (id: string, pad: number) => ({ eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventID: id, eventTime: '2026-01-01T00:00:00Z', p: 'x'.repeat(pad) });
    const write = (name: string, content: string | Buffer) => fs.writeFileSync(path.join(dir, name), content);
    for (let i = 0; i < 30; i++) {
      const n = String(i).padStart(2, '0');
      write(`${n}a-large.json.gz`, zlib.gzipSync(JSON.stringify({ Records: [rec(`${n}a`, 9000 + i), rec(`${n}b`, 10)] })));
      write(`${n}b-small.json.gz`, zlib.gzipSync(JSON.stringify({ Records: [rec(`${n}c`, i)] })));
      write(`${n}c-plain.json`, JSON.stringify({ Records: [rec(`${n}d`, 3 * i)] }));
      write(`${n}d-lines.log`, `2 123456789012 eni-0a1b2c3d 10.0.0.${i} 10.0.0.9 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK\n`);
    }
    write('99-big.json', JSON.stringify({ Records: [rec('big', 2 * 1024 * 1024)] }));
    const paths = listFiles(dir).sort();
    const inThread = await readAll(paths, { workerMinFiles: Infinity });
    const threads = await readAll(paths, { workerMinFiles: 1, threads: 2 });
    expect(threads).toEqual(inThread);
    for (const [i, p] of paths.entries()) {
      expect(threads[i]!.facts.sha256, p).toBe(crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
    expect(new Set(threads.map((r) => r.detection.kind === 'load' && r.detection.format))).toEqual(new Set(['cloudtrail-records', 'flow-text']));
  });
});
