import { DEFAULT_MEMORY_LIMIT } from '../db/connection.ts';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProfile, summarizeProfile } from './cpuProfile.ts';
import {
  DEFAULT_SEED,
  REPO_ROOT,
  SET_LABELS,
  SET_NAMES,
  generateAll,
  planSets,
  readUsableManifest,
  type Manifest,
  type SetName,
} from './dataset.ts';
import { hasGnuTime, resolveRssMethod, runMeasured, type Measured, type RssMethod } from './measure.ts';

/**
 * The benchmark: generate (or reuse) the data sets, then measure on the same files the
 * decompression floor, DuckDB's own readers (the baseline), jq, our import per source and of
 * everything together, `analyze findings`, the report, and a plain first-seen aggregation. Every
 * measured step is a separate child process, timed from spawn to exit, with its peak RSS.
 */

export const SKIPPABLE = ['gunzip', 'duckdb', 'jq', 'import', 'small', 'lambda', 'eni', 'cwl', 'analyze', 'report', 'first-seen'] as const;
export type Skippable = (typeof SKIPPABLE)[number];

export interface BenchOptions {
  scale: number;
  keep: boolean;
  /** Where the data sets live; default bench/data/scale-<N> with --keep, else a temp dir. */
  dataDir?: string;
  resultsDir: string;
  memoryLimit?: string;
  threads?: number;
  seed?: string;
  gzipLevel?: number;
  skip?: Skippable[];
  /** Run our CLI children under `node --cpu-prof` and summarise the profiles. */
  profile?: boolean;
  /**
   * Runs of each step a target ratio divides (the CloudTrail, small-file and flow baselines and
   * imports, analyze and the first-seen scan); each such step reports its median run. Default:
   * defaultRepeat(scale).
   */
  repeat?: number;
  rss?: 'auto' | RssMethod;
  /** Progress messages (stderr). */
  log?: (msg: string) => void;
  /** Result lines (stdout); the last one is the JSON summary. */
  out?: (line: string) => void;
}

export interface StepResult {
  id: string;
  what: string;
  set: SetName | 'all' | null;
  seconds: number | null;
  rows: number | null;
  rows_per_s: number | null;
  mb_per_s_compressed: number | null;
  mb_per_s_uncompressed: number | null;
  peak_rss_mb: number | null;
  ok: boolean;
  note?: string;
  /** Baselines: time of the statement itself, without process start and database open/close. */
  inner_seconds?: number | null;
  /** A repeated step: every run's seconds, in the order they ran (the step reports the median run). */
  runs_s?: Array<number | null>;
}

export interface BenchSummary {
  ct_import_ratio: number | null;
  flow_import_ratio: number | null;
  ct_vs_jq: number | null;
  analyze_vs_scan: number | null;
  peak_rss_mb: number | null;
  report_s: number | null;
  small_files_ratio: number | null;
  scale: number;
}

export const SUMMARY_FIELDS: Array<keyof BenchSummary> = [
  'ct_import_ratio', 'flow_import_ratio', 'ct_vs_jq', 'analyze_vs_scan', 'peak_rss_mb', 'report_s', 'small_files_ratio', 'scale',
];

/** The issue's targets, measured at scale 1 on a 2-core machine. */
export const TARGETS: Array<{ field: keyof BenchSummary; op: '<=' | '>='; value: number }> = [
  { field: 'ct_import_ratio', op: '<=', value: 1.25 },
  { field: 'flow_import_ratio', op: '<=', value: 1.25 },
  { field: 'ct_vs_jq', op: '>=', value: 8 },
  { field: 'analyze_vs_scan', op: '<=', value: 3 },
  { field: 'peak_rss_mb', op: '<=', value: 2048 },
  { field: 'report_s', op: '<=', value: 30 },
  { field: 'small_files_ratio', op: '>=', value: 0.7 },
];

export interface BenchResult {
  summary: BenchSummary;
  steps: StepResult[];
  resultsFile: string;
}

const BIN = path.join(REPO_ROOT, 'bin', 'lambda-forensics.mjs');
const BASELINE_CHILD = path.join(REPO_ROOT, 'src', 'bench', 'baselineChild.ts');

const round = (x: number | null | undefined, d = 3): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d;

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? ((r.stdout || r.stderr).split('\n')[0] ?? '').trim() : null;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim());
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

/** The line of a child's stderr that says what went wrong (an error line, else the last line). */
function errorLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  const err = lines.find((l) => /^(error|internal error|\w*Error\b)|Error:/.test(l.trim()));
  return (err ?? lines[lines.length - 1] ?? '').trim().slice(0, 300);
}

/** Whether the CLI has a command, from its --help listing. */
export function cliHasCommand(name: string): boolean {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', cwd: REPO_ROOT });
  return new RegExp(`^\\s*lambda-forensics ${name}\\b`, 'm').test(`${r.stdout}\n${r.stderr}`);
}

function removeDb(p: string): void {
  for (const f of [p, `${p}.wal`]) fs.rmSync(f, { force: true });
  fs.rmSync(`${p}.tmp`, { recursive: true, force: true });
}

/** The table each data set's records load into. */
const SET_TABLE: Record<SetName, keyof Counts> = {
  ct: 'cloudtrail_events', small: 'cloudtrail_events', 'ct-cwl': 'cloudtrail_events',
  flow: 'flow_records', 'flow-cwl': 'flow_records',
  lambda: 'lambda_log_events',
  eni: 'network_interfaces',
};

interface Counts {
  cloudtrail_events: number;
  flow_records: number;
  lambda_log_events: number;
  lambda_invocations: number;
  network_interfaces: number;
  files: number;
  failed_files: number;
  duplicates: number;
  issues: number;
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const seed = o.seed ?? DEFAULT_SEED;
  const gzipLevel = o.gzipLevel ?? 6;
  const skip = new Set<string>(o.skip ?? []);
  const rssMethod = resolveRssMethod(o.rss ?? 'auto');
  const startedAt = new Date();
  const loadStart = os.loadavg();
  // the code measured: read at the start (commits may land while the benchmark runs)
  const git = (args: string[]) => {
    for (const dir of [REPO_ROOT, process.cwd()]) {
      const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
      if (r.status === 0) return r.stdout.trim();
    }
    return null;
  };
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-bench-'));
  const dataDir = path.resolve(o.dataDir ?? (o.keep ? path.join(REPO_ROOT, 'bench', 'data', `scale-${o.scale}`) : path.join(work, 'data')));
  const profileDir = o.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'lf-bench-profiles-')) : undefined;
  const steps: StepResult[] = [];
  const notes: string[] = [];
  const limits: string[] = [
    ...(o.memoryLimit ? ['--memory-limit', o.memoryLimit] : []),
    ...(o.threads ? ['--threads', String(o.threads)] : []),
  ];

  try {
    // 1. Data
    let manifest = o.keep || o.dataDir ? readUsableManifest(dataDir, seed, o.scale, gzipLevel) : undefined;
    let genNote: string;
    if (manifest) {
      genNote = `reused ${dataDir} (generated ${manifest.createdAt} in ${manifest.generateSeconds.toFixed(1)} s)`;
      log(`data: ${genNote}`);
    } else {
      const plan = planSets(o.scale);
      log(`data: generating into ${dataDir} (${Object.entries(plan).map(([k, v]) => `${k} ${v.files} files`).join(', ')}) ...`);
      manifest = await generateAll(dataDir, { seed, scale: o.scale, gzipLevel, log });
      genNote = `generated in ${manifest.generateSeconds.toFixed(1)} s`;
      log(`data: ${genNote}`);
    }
    const m: Manifest = manifest;
    const filesOf = (s: SetName) => m.sets[s].files.map((f) => path.join(dataDir, f));
    const setDir = (s: SetName) => path.join(dataDir, s);
    const listFile = (s: SetName) => {
      const p = path.join(work, `${s}.list`);
      if (!fs.existsSync(p)) fs.writeFileSync(p, filesOf(s).join('\0'));
      return p;
    };

    const makeStep = (
      id: string,
      what: string,
      set: SetName | 'all' | null,
      r: Pick<Measured, 'seconds' | 'peakRssMb'> | null,
      rows: number | null,
      bytes: { compressed: number; raw: number } | null,
      ok: boolean,
      note?: string,
      inner?: number,
    ): StepResult => {
      const s = r?.seconds ?? null;
      return {
        id,
        what,
        set,
        seconds: round(s),
        rows,
        rows_per_s: s && rows !== null ? Math.round(rows / s) : null,
        mb_per_s_compressed: s && bytes ? round(bytes.compressed / 1e6 / s, 1) : null,
        mb_per_s_uncompressed: s && bytes ? round(bytes.raw / 1e6 / s, 1) : null,
        peak_rss_mb: round(r?.peakRssMb ?? null, 0),
        ok,
        ...(note ? { note } : {}),
        ...(inner !== undefined ? { inner_seconds: round(inner) } : {}),
      };
    };
    const logStep = (step: StepResult, label = step.id) =>
      log(
        `  ${label.padEnd(16)} ${step.seconds === null ? '-' : `${step.seconds.toFixed(2)} s`}${step.rows !== null ? `, ${step.rows.toLocaleString('en-US')} rows` : ''}` +
          `${step.peak_rss_mb !== null ? `, ${step.peak_rss_mb} MB peak` : ''}${step.ok ? '' : ' FAILED'}${step.note ? ` (${step.note})` : ''}`,
      );
    const record = (step: StepResult): StepResult => {
      steps.push(step);
      logStep(step);
      return step;
    };
    const push = (...a: Parameters<typeof makeStep>): StepResult => record(makeStep(...a));
    const repeat = Math.max(1, Math.floor(o.repeat ?? defaultRepeat(o.scale)));
    /** Runs each of `runs` in turn, the round `repeat` times, and records each one's median run. */
    const repeated = async (runs: Array<() => Promise<StepResult>>): Promise<void> => {
      const got: StepResult[][] = runs.map(() => []);
      for (let k = 0; k < repeat; k++) {
        for (const [i, run] of runs.entries()) {
          const step = await run();
          got[i]!.push(step);
          if (repeat > 1) logStep(step, `${step.id} ${k + 1}/${repeat}`);
        }
      }
      for (const g of got) record(repeat > 1 ? medianRun(g) : g[0]!);
    };
    steps.push({
      id: 'generate', what: 'generate data sets', set: null, seconds: round(manifest.generateSeconds), rows: null, rows_per_s: null,
      mb_per_s_compressed: null, mb_per_s_uncompressed: null, peak_rss_mb: null, ok: true, note: genNote,
    });

    const cli = (id: string, args: string[], stdoutFile: string) =>
      runMeasured(
        process.execPath,
        [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${id}.cpuprofile`] : []), BIN, ...args],
        { cwd: REPO_ROOT, stdoutFile, rss: rssMethod },
      );

    const baseline = async (section: string, db: string, files?: string[]) => {
      const specFile = path.join(work, `${section}.spec.json`);
      fs.writeFileSync(specFile, JSON.stringify({ db, section, files, memoryLimit: o.memoryLimit, threads: o.threads }));
      const r = await runMeasured(process.execPath, ['--import', 'tsx', BASELINE_CHILD, specFile], { cwd: REPO_ROOT, rss: rssMethod });
      let parsed: { seconds?: number; rows?: number; counts?: Record<string, number | string> } = {};
      try {
        parsed = JSON.parse(lastLine(r.stdout)) as typeof parsed;
      } catch {
        /* reported below */
      }
      return { r, parsed };
    };

    const countsOf = async (db: string): Promise<Counts | undefined> => {
      const { parsed } = await baseline('counts', db);
      if (!parsed.counts) return undefined;
      return Object.fromEntries(Object.entries(parsed.counts).map(([k, v]) => [k, Number(v)])) as unknown as Counts;
    };

    const gunzip = which('gunzip');
    const jq = which('jq');
    const bash = which('bash');
    if (!gunzip) notes.push('gunzip not found: decompression floor not measured');
    if (!jq) notes.push('jq not found: ct_vs_jq not measured');

    /** What an import of `sets` must leave in the database. */
    const expected = (sets: SetName[]): Partial<Counts> => {
      const e: Partial<Counts> = {};
      const add = (k: keyof Counts, v: number) => (e[k] = (e[k] ?? 0) + v);
      for (const s of sets) {
        const i = m.sets[s];
        // re-delivered CloudTrail records are dropped as duplicates; only Lambda logs hold invocations
        add(SET_TABLE[s], i.records - i.duplicates);
        add('duplicates', i.duplicates);
        add('lambda_invocations', i.invocations);
      }
      add('failed_files', 0);
      add('files', sets.reduce((a, s) => a + m.sets[s].files.length, 0));
      return e;
    };
    const primary = (s: SetName): keyof Counts => SET_TABLE[s];
    const loadedRows = (c: Counts, sets: SetName[]) => [...new Set(sets.map(primary))].reduce((a, k) => a + c[k], 0);

    /** One import of `sets` into a fresh database, checked against the rows the sets must leave. */
    const importStep = async (id: string, sets: SetName[], keepDb: boolean): Promise<{ step: StepResult; db: string }> => {
      const db = path.join(work, `${id.replace(/\W/g, '_')}.duckdb`);
      removeDb(db);
      const r = await cli(id, ['import', ...sets.map(setDir), '--db', db, '--format', 'json', ...limits], path.join(work, `${id}.out.json`));
      const bytes = sets.reduce((a, s) => ({ compressed: a.compressed + m.sets[s].compressedBytes, raw: a.raw + m.sets[s].rawBytes }), { compressed: 0, raw: 0 });
      const c = await countsOf(db);
      const problems: string[] = [];
      if (r.code !== 0) problems.push(`exit ${r.code}: ${errorLine(r.stderr)}`);
      if (!c) problems.push('cannot read the counts back');
      else {
        for (const [k, v] of Object.entries(expected(sets))) {
          const got = c[k as keyof Counts];
          if (got !== v) problems.push(`${k} ${got} (expected ${v})`);
        }
      }
      const extra = c && sets.includes('lambda') ? `${c.lambda_invocations.toLocaleString('en-US')} invocations` : undefined;
      const step = makeStep(
        id,
        sets.length > 1 ? `import (${sets.join(' + ')}, one call)` : 'import',
        sets.length > 1 ? 'all' : sets[0]!,
        r,
        c ? loadedRows(c, sets) : null,
        bytes,
        problems.length === 0,
        [...problems, ...(extra ? [extra] : [])].join('; ') || undefined,
      );
      if (!keepDb) removeDb(db);
      return { step, db };
    };

    // 2. Per source: floor, jq, then baseline and import (the sets a target ratio divides: each
    // run `repeat` times, the baseline and the import taking turns)
    // `cwl` skips both sets delivered through CloudWatch Logs exports
    const perSet = SET_NAMES.filter((s) => !skip.has(s) && !(s.endsWith('-cwl') && skip.has('cwl')));
    for (const s of perSet) {
      const info = m.sets[s];
      const bytes = { compressed: info.compressedBytes, raw: info.rawBytes };
      log(`${SET_LABELS[s]}: ${info.files.length} files, ${(info.compressedBytes / 1e6).toFixed(1)} MB on disk, ${(info.rawBytes / 1e6).toFixed(1)} MB raw, ${info.records.toLocaleString('en-US')} records`);
      const gz = s !== 'eni';
      if (gz && gunzip && !skip.has('gunzip')) {
        const per = String(Math.max(1, Math.ceil(info.files.length / 8)));
        const r = await runMeasured('xargs', ['-0', '-P', '2', '-n', per, gunzip, '-c'], {
          stdinFile: listFile(s),
          stdoutFile: '/dev/null',
          rss: rssMethod,
        });
        push(`${s}.gunzip`, 'gunzip -c > /dev/null (2 parallel)', s, r, info.records, bytes, r.code === 0, r.code ? errorLine(r.stderr) : undefined);
      }
      if (s === 'ct' && jq && bash && gunzip && !skip.has('jq')) {
        const r = await runMeasured(bash, ['-o', 'pipefail', '-c', `xargs -0 ${gunzip} -c < "$1" | ${jq} -c '.Records[]' | wc -l`, 'bench', listFile(s)], {
          rss: rssMethod,
        });
        const n = Number(r.stdout.trim());
        push('ct.jq', "gunzip -c | jq -c '.Records[]'", s, r, Number.isFinite(n) ? n : null, bytes, r.code === 0 && n === info.records, r.code ? errorLine(r.stderr) : undefined);
      }
      const runs: Array<() => Promise<StepResult>> = [];
      if (!skip.has('duckdb')) {
        runs.push(async () => {
          const db = path.join(work, `baseline_${s}.duckdb`);
          removeDb(db);
          const { r, parsed } = await baseline(s === 'small' ? 'ct' : s, db, filesOf(s));
          removeDb(db);
          const ok = r.code === 0 && typeof parsed.rows === 'number';
          return makeStep(`${s}.duckdb`, 'DuckDB CREATE TABLE AS read_json/read_csv', s, r, parsed.rows ?? null, bytes, ok, ok ? undefined : errorLine(r.stderr), parsed.seconds);
        });
      }
      if (!skip.has('import')) runs.push(async () => (await importStep(`${s}.import`, [s], false)).step);
      if (REPEATED_SETS.has(s)) await repeated(runs);
      else for (const run of runs) record(await run());
    }

    // 3. Everything in one database, then the analyses over it
    const allSets = (['ct', 'flow', 'lambda', 'eni'] as SetName[]).filter((s) => !skip.has(s));
    let allDb: string | undefined;
    if (!skip.has('import')) {
      const { step, db } = await importStep('all.import', allSets, true);
      record(step);
      allDb = db;
    }
    if (allDb) {
      const db = allDb;
      const analyses: Array<() => Promise<StepResult>> = [];
      if (!skip.has('analyze')) {
        analyses.push(async () => {
          const outFile = path.join(work, 'findings.json');
          const r = await cli('analyze', ['analyze', 'findings', '--db', db, '--format', 'json', ...limits], outFile);
          let n: number | null = null;
          try {
            const j = JSON.parse(fs.readFileSync(outFile, 'utf8')) as unknown;
            n = Array.isArray(j) ? j.length : null;
          } catch {
            /* not JSON */
          }
          return makeStep('analyze', 'analyze findings', 'all', r, n, null, r.code === 0, r.code === 0 ? `${n ?? '?'} findings` : errorLine(r.stderr));
        });
      }
      if (!skip.has('first-seen')) {
        analyses.push(async () => {
          const { r, parsed } = await baseline('first-seen', db);
          const ok = r.code === 0 && typeof parsed.rows === 'number';
          return makeStep('first-seen', 'first-seen GROUP BY over flow_records', 'all', r, parsed.rows ?? null, null, ok, ok ? 'groups' : errorLine(r.stderr), parsed.seconds);
        });
      }
      await repeated(analyses);
    }
    if (allDb && !skip.has('report')) {
      if (cliHasCommand('report')) {
        const outFile = path.join(work, 'report.html');
        const r = await cli('report', ['report', '--db', allDb, '--out', outFile, ...limits], '/dev/null');
        const size = fs.existsSync(outFile) ? fs.statSync(outFile).size : 0;
        push('report', 'report (HTML)', 'all', r, null, null, r.code === 0 && size > 0, r.code === 0 ? `${(size / 1e6).toFixed(2)} MB` : errorLine(r.stderr));
      } else {
        notes.push('the CLI has no `report` command yet: report_s is null (the harness runs it once `lambda-forensics --help` lists it)');
        push('report', 'report (HTML)', 'all', null, null, null, true, 'no `report` command in this version');
      }
    }
    if (allDb) removeDb(allDb);

    // 4. Summary
    const sec = (id: string) => {
      const st = steps.find((x) => x.id === id);
      return st && st.ok && st.seconds ? st.seconds : null;
    };
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? round(a / b) : null);
    const ctRate = sec('ct.import') ? m.sets.ct.records / sec('ct.import')! : null;
    const smallRate = sec('small.import') ? m.sets.small.records / sec('small.import')! : null;
    const ours = steps.filter((x) => /\.import$|^analyze$|^report$/.test(x.id) && x.peak_rss_mb !== null);
    const reportStep = steps.find((x) => x.id === 'report');
    const summary: BenchSummary = {
      ct_import_ratio: ratio(sec('ct.import'), sec('ct.duckdb')),
      flow_import_ratio: ratio(sec('flow.import'), sec('flow.duckdb')),
      ct_vs_jq: ratio(sec('ct.jq'), sec('ct.import')),
      analyze_vs_scan: ratio(sec('analyze'), sec('first-seen')),
      peak_rss_mb: ours.length ? Math.max(...ours.map((x) => x.peak_rss_mb!)) : null,
      report_s: reportStep && reportStep.ok ? reportStep.seconds : null,
      small_files_ratio: ratio(smallRate, ctRate),
      scale: o.scale,
    };

    let profiles: string[] = [];
    if (profileDir) {
      for (const f of fs.readdirSync(profileDir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
        try {
          profiles.push(formatProfile(summarizeProfile(path.join(profileDir, f))));
        } catch (e) {
          profiles.push(`${f}: ${(e as Error).message}`);
        }
      }
      if (profiles.length) log(`\nCPU profiles (main thread of each CLI child; kept in ${profileDir}):\n${profiles.join('\n')}`);
    }

    // 5. Results file
    const loadEnd = os.loadavg();
    const cpus = os.cpus();
    const targets = TARGETS.map((t) => {
      const v = summary[t.field];
      return { field: t.field, target: `${t.op} ${t.value}`, value: v, met: v === null ? null : t.op === '<=' ? v <= t.value : v >= t.value };
    });
    let duckdbVersion: string | null = null;
    try {
      duckdbVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* unknown */
    }
    const results = {
      date: startedAt.toISOString(),
      code: { commit, modified_files: status === null ? null : status.split('\n').filter(Boolean).length },
      scale: o.scale,
      seed,
      options: { memory_limit: o.memoryLimit ?? `default (${DEFAULT_MEMORY_LIMIT})`, threads: o.threads ?? 'default (all cores)', gzip_level: gzipLevel, skipped: [...skip], rss_method: rssMethod, repeat },
      machine: {
        cpu: cpus[0]?.model ?? 'unknown',
        cores: cpus.length,
        memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        duckdb_node_api: duckdbVersion,
        gunzip: gunzip ? firstLine(gunzip, ['--version']) : null,
        jq: jq ? firstLine(jq, ['--version']) : null,
        gnu_time: hasGnuTime(),
        load_average_start: loadStart.map((x) => round(x, 2)),
        load_average_end: loadEnd.map((x) => round(x, 2)),
      },
      dataset: Object.fromEntries(
        Object.entries(m.sets).map(([k, v]) => [
          k,
          { files: v.files.length, compressed_mb: round(v.compressedBytes / 1e6, 1), uncompressed_mb: round(v.rawBytes / 1e6, 1), records: v.records, duplicates: v.duplicates, invocations: v.invocations },
        ]),
      ),
      steps,
      summary,
      targets,
      notes,
      ...(profiles.length ? { profiles } : {}),
    };
    fs.mkdirSync(o.resultsDir, { recursive: true });
    const day = startedAt.toISOString().slice(0, 10);
    const resultsFile = path.join(o.resultsDir, o.scale === 1 && skip.size === 0 ? `${day}.json` : `${day}-scale-${o.scale}${skip.size ? '-partial' : ''}.json`);
    fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

    // 6. Table, targets, and the JSON line last
    for (const l of formatTable(steps)) out(l);
    out('');
    for (const t of targets) {
      out(`${t.field.padEnd(18)} ${String(t.value ?? 'n/a').padStart(9)}  target ${t.target.padEnd(8)} ${t.met === null ? '-' : t.met ? 'met' : 'MISSED'}`);
    }
    for (const n of notes) out(`note: ${n}`);
    if (o.scale !== 1) out(`note: the targets are defined at --scale 1; this run used --scale ${o.scale}`);
    out(`results: ${path.relative(process.cwd(), resultsFile) || resultsFile}`);
    out(JSON.stringify(summary));
    return { summary, steps, resultsFile };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs of each step a target ratio divides, unless --repeat says: three up to scale 1, where the
 * targets are defined; one above it, where no ratio has a target and those steps take minutes
 * each (at scale 5 three runs would add about 5 minutes to a 10-minute run).
 */
export function defaultRepeat(scale: number): number {
  return scale <= 1 ? 3 : 1;
}

/** The sets whose baseline and import a target ratio divides: measured `repeat` times. */
const REPEATED_SETS: ReadonlySet<SetName> = new Set(['ct', 'small', 'flow']);

/**
 * One step from several runs of it: the median run (by time; the lower of the two middle runs for
 * an even count), with the highest peak RSS of all runs and every run's time in runs_s. A run
 * that failed, or loaded other rows than the first, fails the step (the first such run is shown).
 */
export function medianRun(runs: StepResult[]): StepResult {
  const runs_s = runs.map((r) => r.seconds);
  const peaks = runs.map((r) => r.peak_rss_mb).filter((x): x is number => x !== null);
  const peak_rss_mb = peaks.length ? Math.max(...peaks) : null;
  const bad = runs.find((r) => !r.ok || r.seconds === null || r.rows !== runs[0]!.rows);
  if (bad) {
    const k = runs.indexOf(bad) + 1;
    const why = bad.ok && bad.seconds !== null ? `rows ${bad.rows} (run 1: ${runs[0]!.rows})` : bad.note ?? 'failed';
    return { ...bad, ok: false, peak_rss_mb, runs_s, note: `run ${k} of ${runs.length}: ${why}` };
  }
  const sorted = [...runs].sort((a, b) => a.seconds! - b.seconds!);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const times = runs_s.map((x) => x!.toFixed(2)).join(', ');
  return { ...median, peak_rss_mb, runs_s, note: `${median.note ? `${median.note}; ` : ''}median of ${runs.length} runs: ${times} s` };
}

export function formatTable(steps: StepResult[]): string[] {
  const head = ['step', 'what', 'seconds', 'rows', 'rows/s', 'MB/s gz', 'MB/s raw', 'peak RSS MB', 'ok', 'note'];
  const fmt = (n: number | null, d = 0) => (n === null ? '' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const rows = steps.map((s) => [
    s.id,
    s.what,
    fmt(s.seconds, 2),
    fmt(s.rows),
    fmt(s.rows_per_s),
    fmt(s.mb_per_s_compressed, 1),
    fmt(s.mb_per_s_uncompressed, 1),
    fmt(s.peak_rss_mb),
    s.ok ? 'ok' : 'FAIL',
    s.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
