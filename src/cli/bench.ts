import path from 'node:path';
import type { Argv } from 'yargs';
import { REPO_ROOT } from '../bench/dataset.ts';
import { SKIPPABLE, runBench, type Skippable } from '../bench/runner.ts';
import { UserError } from '../errors.ts';
import type { GlobalArgs } from './common.ts';

export interface BenchArgs extends GlobalArgs {
  scale: number;
  keep: boolean;
  'data-dir'?: string;
  'results-dir': string;
  seed?: string;
  'gzip-level': number;
  skip?: string[];
  profile: boolean;
  rss: 'auto' | 'time' | 'proc';
  repeat?: number;
}

export function benchBuilder(y: Argv) {
  return y
    .option('scale', { type: 'number', default: 1, describe: 'Multiply every data set size (1 = 1M CloudTrail records, 10M flow records, ...; 0.01 for a quick run)' })
    .option('keep', { type: 'boolean', default: false, describe: 'Keep the generated data in bench/data/scale-<N>/ and reuse it on the next run' })
    .option('data-dir', { type: 'string', describe: 'Where the data sets are generated or reused (default: bench/data/scale-<N> with --keep, else a temp dir)' })
    .option('results-dir', { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results'), describe: 'Where <date>.json is written' })
    .option('seed', { type: 'string', describe: 'Seed of the data generator' })
    .option('gzip-level', { type: 'number', default: 6, describe: 'gzip level of the generated files' })
    .option('skip', { type: 'string', array: true, describe: `Steps or sets to leave out: ${SKIPPABLE.join(', ')}` })
    .option('profile', { type: 'boolean', default: false, describe: 'Run the import/analyze/report children under node --cpu-prof and summarise the profiles' })
    .option('repeat', { type: 'number', describe: 'Runs of each step a target ratio divides (CloudTrail, small-file and flow baselines and imports, analyze, first-seen); the median run is reported (default: 3 up to --scale 1, 1 above)' })
    .option('rss', { choices: ['auto', 'time', 'proc'] as const, default: 'auto' as const, describe: 'Peak RSS from /usr/bin/time -v (time), /proc polling (proc), or whichever is available' });
}

/** `lambda-forensics bench`: see src/bench/runner.ts. */
export async function benchCommand(a: BenchArgs): Promise<number> {
  if (!(a.scale > 0)) throw new UserError(`--scale must be a positive number, not ${a.scale}.`);
  if (a.repeat !== undefined && (!Number.isInteger(a.repeat) || a.repeat < 1)) throw new UserError(`--repeat must be a whole number of runs, 1 or more, not ${a.repeat}.`);
  const skip = (a.skip ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const unknown = skip.filter((s) => !(SKIPPABLE as readonly string[]).includes(s));
  if (unknown.length) throw new UserError(`Unknown --skip ${unknown.join(', ')}.`, { hint: `Known: ${SKIPPABLE.join(', ')}` });
  const r = await runBench({
    scale: a.scale,
    keep: a.keep,
    dataDir: a['data-dir'],
    resultsDir: path.resolve(a['results-dir']),
    memoryLimit: a['memory-limit'],
    threads: a.threads,
    seed: a.seed,
    gzipLevel: a['gzip-level'],
    skip: skip as Skippable[],
    profile: a.profile,
    rss: a.rss,
    repeat: a.repeat,
  });
  return r.steps.every((s) => s.ok) ? 0 : 1;
}
