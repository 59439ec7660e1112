import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without types
import { libIsFresh, STAMP } from '../../bin/launch.mjs';
import { BIN } from '../helpers/cli.ts';

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-launch-'));
  fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'export {};\n');
  fs.mkdirSync(path.join(root, 'lib'), { recursive: true });
  return root;
}

const at = (p: string, seconds: number) => fs.utimesSync(p, seconds, seconds);

describe('bin/launch.mjs: which code the CLI runs', () => {
  it('runs lib/ only while nothing under src/ is newer than its build stamp', () => {
    const root = tree();
    try {
      // no stamp: never built (or the build failed)
      expect(libIsFresh(root)).toBe(false);
      const stamp = path.join(root, STAMP);
      fs.writeFileSync(stamp, 'built\n');
      for (const p of [path.join(root, 'src'), path.join(root, 'src', 'cli'), path.join(root, 'src', 'cli', 'main.ts')]) at(p, 1_000);
      at(stamp, 2_000);
      expect(libIsFresh(root)).toBe(true);
      // an edited file
      at(path.join(root, 'src', 'cli', 'main.ts'), 3_000);
      expect(libIsFresh(root)).toBe(false);
      at(path.join(root, 'src', 'cli', 'main.ts'), 1_000);
      expect(libIsFresh(root)).toBe(true);
      // a file removed or renamed: only its directory changes
      at(path.join(root, 'src', 'cli'), 3_000);
      expect(libIsFresh(root)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says which code runs when tracing, and LAMBDA_FORENSICS_FROM_SOURCE=1 forces src/', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env: { ...process.env, LAMBDA_FORENSICS_TRACE: '1', ...env } });
    const forced = run({ LAMBDA_FORENSICS_FROM_SOURCE: '1' });
    expect(forced.status).toBe(0);
    expect(forced.stderr).toContain('[trace] running src/ through tsx (LAMBDA_FORENSICS_FROM_SOURCE=1)');
    const chosen = run({ LAMBDA_FORENSICS_FROM_SOURCE: '' });
    expect(chosen.status).toBe(0);
    expect(chosen.stdout).toBe(forced.stdout);
    const root = path.resolve(path.dirname(BIN), '..');
    expect(chosen.stderr).toContain(libIsFresh(root) ? '[trace] running the compiled lib/' : '[trace] running src/ through tsx (lib/ is missing');
  });
});

describe('scripts/build.mjs output', () => {
  const root = path.resolve(path.dirname(BIN), '..');
  it.runIf(libIsFresh(root))('holds every file under src/ that TypeScript does not emit (workers, SQL)', () => {
    const missing: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const rel = path.relative(path.join(root, 'src'), p);
          const out = e.name.endsWith('.ts') ? rel.replace(/\.ts$/, '.js') : rel;
          if (!fs.existsSync(path.join(root, 'lib', out))) missing.push(out);
        }
      }
    };
    walk(path.join(root, 'src'));
    expect(missing).toEqual([]);
  });
});
