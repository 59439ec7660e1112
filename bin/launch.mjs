// Chooses what bin/lambda-forensics.mjs runs: the compiled lib/ (scripts/build.mjs, run by
// `npm install`) while it is up to date, else src/ through tsx's loader. Loading the TypeScript
// through tsx's hooks costs about 0.15 s at every start; the check below costs a few milliseconds.
import fs from 'node:fs';
import path from 'node:path';

/** The file scripts/build.mjs writes last, dated when the build started (relative to the package root). */
export const STAMP = path.join('lib', '.build-stamp');

/**
 * Whether lib/ was built from the current src/: the stamp exists and nothing under src/ (a file or
 * a directory, so a removed or renamed file counts) changed after the build started.
 */
export function libIsFresh(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, STAMP)).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) => {
    if (fs.statSync(dir).mtimeMs > built) return true;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  try {
    return !newer(path.join(root, 'src'));
  } catch {
    return false;
  }
}

/** The CLI's main(): from lib/ when it is fresh and LAMBDA_FORENSICS_FROM_SOURCE is not 1, else from src/. */
export async function loadMain(root) {
  const trace = (what) => {
    if (process.env.LAMBDA_FORENSICS_TRACE === '1') process.stderr.write(`[trace] running ${what}\n`);
  };
  if (process.env.LAMBDA_FORENSICS_FROM_SOURCE === '1') trace('src/ through tsx (LAMBDA_FORENSICS_FROM_SOURCE=1)');
  else if (libIsFresh(root)) {
    trace('the compiled lib/');
    return (await import(new URL('../lib/cli/main.js', import.meta.url).href)).main;
  } else trace('src/ through tsx (lib/ is missing or older than src/; npm run build)');
  const { register } = await import('tsx/esm/api');
  register();
  return (await import(new URL('../src/cli/main.ts', import.meta.url).href)).main;
}
