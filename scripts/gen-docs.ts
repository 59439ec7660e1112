// Regenerates the README's table reference and analyzer catalogue (npm run docs).
// With --check, exits 1 when the README is out of date instead of writing it.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../src/db/sql.ts';
import { renderReadme } from '../src/docs/reference.ts';

const file = path.join(ROOT, 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = await renderReadme(before);
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md is out of date: run `npm run docs`.');
    process.exit(1);
  }
} else if (after !== before) {
  fs.writeFileSync(file, after);
  console.error('README.md updated.');
}
