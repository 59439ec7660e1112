// Writes the sample incident into sample-data/ (or the folder given as the first argument).
// Deterministic: a seeded PRNG, fixed gzip settings, no clock. See sample-data/README.md.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './sample-data/index.ts';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sample-data'));
const summary = generate(root);
console.log(JSON.stringify(summary, null, 2));
