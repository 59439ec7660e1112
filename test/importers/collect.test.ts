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

  it('gives each file the path path.join and path.resolve give, however the folder was written', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'logs', 'AWSLogs', '111122223333'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'logs', 'AWSLogs', '111122223333', 'x.json.gz'), '');
    fs.writeFileSync(path.join(dir, 'logs', 'top.json'), '{}');
    // what listing gave before each folder was normalized once: path.join and path.resolve per file
    const reference = (root: string) => {
      const out: Array<{ abs: string; display: string }> = [];
      const walk = (p: string, display: string) => {
        for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (e.isDirectory()) walk(path.join(p, e.name), path.join(display, e.name));
          else out.push({ abs: path.resolve(path.join(p, e.name)), display: path.join(display, e.name) });
        }
      };
      walk(root, root);
      return out;
    };
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      for (const root of ['logs', './logs', 'logs/', './logs//', 'logs/AWSLogs/..', '.', './', path.join(dir, 'logs'), `${dir}//logs/./`]) {
        const got = collectFiles([root], new Set());
        expect(got, root).toEqual(reference(root));
        expect(got.length, root).toBe(2);
      }
      process.chdir(path.join(dir, 'logs', 'AWSLogs'));
      expect(collectFiles(['..'], new Set())).toEqual(reference('..'));
      expect(collectFiles(['..'], new Set()).map((f) => f.display)).toEqual(['../AWSLogs/111122223333/x.json.gz', '../top.json']);
    } finally {
      process.chdir(cwd);
    }
  });
});
