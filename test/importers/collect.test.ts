import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectFiles } from '../../src/importers/run.ts';
import { tempDir } from '../helpers/db.ts';

describe('listing the files to import', () => {
  it('walks directories in name order, follows links once, skips the excluded and what was seen', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'b', 'c', 'z.json'), '{}');
    fs.writeFileSync(path.join(dir, 'b', 'a.json'), '{}');
    fs.writeFileSync(path.join(dir, 'a.log'), 'x');
    fs.writeFileSync(path.join(dir, 'db.duckdb'), '');
    fs.symlinkSync(path.join(dir, 'b'), path.join(dir, 'b', 'c', 'loop')); // a cycle
    fs.symlinkSync(path.join(dir, 'a.log'), path.join(dir, 'b', 'link.log')); // a linked file
    const got = collectFiles([dir, path.join(dir, 'a.log')], new Set([path.join(dir, 'db.duckdb')]));
    expect(got.map((f) => path.relative(dir, f.abs))).toEqual([
      'a.log',
      'b/a.json',
      // the directory b was already walked when the link to it is met: not listed again
      'b/c/z.json',
      'b/link.log',
    ]);
    expect(() => collectFiles([path.join(dir, 'missing')], new Set())).toThrow(/No such file or directory/);
  });
});
