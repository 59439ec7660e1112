// Worker entry. In the compiled lib/ (scripts/build.mjs) worker.js sits next to this file and is
// loaded as it is; in src/ the TypeScript worker is loaded through tsx, as bin/lambda-forensics.mjs does.
import fs from 'node:fs';

const compiled = new URL('./worker.js', import.meta.url);
if (fs.existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts');
}
