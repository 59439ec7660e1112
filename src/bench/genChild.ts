/**
 * Generator child process: `node --import tsx src/bench/genChild.ts <job.json>`. Writes the files
 * of its job and prints one JSON line (FileResult) per file on stdout.
 */
import fs from 'node:fs';
import { buildWorld, generateFile, type SetName } from './dataset.ts';

interface Job {
  dataDir: string;
  seed: string;
  scale: number;
  level: number;
  tasks: Array<{ set: SetName; index: number }>;
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
const world = buildWorld(job.seed, job.scale);
for (const t of job.tasks) {
  const res = generateFile(t, job.dataDir, job.seed, job.scale, job.level, world);
  process.stdout.write(`${JSON.stringify(res)}\n`);
}
