#!/usr/bin/env node
// `npm run build` (and npm's `prepare`, so `npm install` / `npm ci` run it): compiles src/ to lib/
// with TypeScript, copies the files that are not TypeScript (workers, SQL), and stamps lib/ with the
// time the build started. bin/lambda-forensics.mjs runs lib/ only while no file under src/ is newer
// than that stamp, and otherwise runs src/ through tsx, so a stale or missing build only costs the
// start-up time it saves (about 0.15 s a command). A failed build never fails the install: it
// leaves no lib/ and says so; `npm test` type-checks src/ anyway.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { STAMP } from '../bin/launch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const lib = path.join(root, 'lib');
const started = new Date();

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('lambda-forensics build: TypeScript is not installed (dev dependencies omitted); the CLI runs from src/ through tsx.\n');
  process.exit(0);
}

fs.rmSync(lib, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  fs.rmSync(lib, { recursive: true, force: true });
  process.stderr.write('lambda-forensics build: tsc failed (above); lib/ removed, the CLI runs from src/ through tsx.\n');
  process.exit(0);
}

// the files TypeScript does not emit: .mjs workers (and their .d.mts), SQL next to the code
(function copyAssets(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, e.name);
    if (e.isDirectory()) copyAssets(from);
    else if (!e.name.endsWith('.ts')) {
      const to = path.join(lib, path.relative(src, from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
})(src);

const stamp = path.join(root, STAMP);
fs.writeFileSync(stamp, `built from src/ at ${started.toISOString()}\n`);
fs.utimesSync(stamp, started, started);
process.stderr.write(`lambda-forensics build: lib/ compiled in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s\n`);
