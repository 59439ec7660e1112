import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/util/progress.ts';
import { cli } from '../helpers/cli.ts';
import { REAL, tempDir } from '../helpers/db.ts';

describe('import command', () => {
  it('prints a summary on stderr, lists problem files, and --strict turns recorded issues into exit 1', () => {
    const dir = tempDir();
    fs.cpSync(path.join(REAL, 'trailscraper'), path.join(dir, 'in'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'in', 'notes.txt'), 'not a log\n');
    const db = path.join(dir, 'i.duckdb');
    const r = cli(['import', '--db', db, path.join(dir, 'in')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^2 files: 1 loaded, 0 already imported, 1 skipped, 0 failed\. Rows: cloudtrail 2\. Duplicates dropped: 0\. Issues: 1 \(see table import_issues\)\./m);
    expect(r.stdout).toMatch(/notes\.txt\s+skipped\s+0\s+0\s+1\s+unrecognised text/);
    const db2 = path.join(dir, 'j.duckdb');
    const strict = cli(['import', '--db', db2, '--strict', path.join(dir, 'in')]);
    expect(strict.code).toBe(1);
    const again = cli(['import', '--db', db2, '--strict', '--format', 'json', path.join(dir, 'in')]);
    expect(again.code).toBe(0); // nothing new was recorded
    expect(JSON.parse(again.stdout).map((f: { status: string }) => f.status)).toEqual(['already-imported', 'already-imported']);
  });

  it('rejects a bad --source with the list of formats and a missing path with exit 2', () => {
    const dir = tempDir();
    const r = cli(['import', '--db', path.join(dir, 'x.duckdb'), '--source', 'nope', REAL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: Unknown --source 'nope'\.\nhint: Known formats: cloudtrail-records, /);
    const m = cli(['import', '--db', path.join(dir, 'x.duckdb'), path.join(dir, 'missing')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/No such file or directory: .*missing/);
  });
});

describe('progress', () => {
  it('shows files, bytes, rows/s and an ETA when enabled (stderr is a TTY)', () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      writes.push(String(s));
      return true;
    });
    try {
      const p = new Progress('importing', 10, 10_000_000, true);
      p.advance(5, 5_000_000, 1000);
      p.draw(true);
      p.done();
      const off = new Progress('importing', 10, 10, false);
      off.advance(1, 1, 1);
      off.draw(true);
    } finally {
      spy.mockRestore();
    }
    expect(writes.some((w) => /importing: 5\/10 files, 5\.0\/10\.0 MB, [\d,]+ rows\/s, ETA \d+s/.test(w))).toBe(true);
    expect(writes.filter((w) => w.includes('1/10'))).toEqual([]);
  });
});
