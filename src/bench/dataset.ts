import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ctFile } from './gen/cloudtrail.ts';
import { eniSnapshot } from './gen/eni.ts';
import { flowFile } from './gen/flow.ts';
import { lambdaExportFile } from './gen/lambdaLogs.ts';
import { Rng } from './rng.ts';
import { ACCOUNT, END_MS, OTHER_REGION, REGION, START_MS, buildWorld, compactMinute, datePath, type World } from './world.ts';

/**
 * The benchmark's data sets, their sizes at a scale, and their generation: deterministic (every
 * file seeded from set, index and seed), spread over child processes (one per core), described
 * by a manifest so that `--keep` can reuse them.
 */

/** Bump when generated content changes, so kept data sets are regenerated. */
export const GEN_VERSION = 6;
export const DEFAULT_SEED = 'lambda-forensics-bench';

export const SET_NAMES = ['ct', 'small', 'flow', 'lambda', 'eni', 'ct-cwl', 'flow-cwl'] as const;
export type SetName = (typeof SET_NAMES)[number];

export const SET_LABELS: Record<SetName, string> = {
  ct: 'CloudTrail (large files)',
  small: 'CloudTrail (many small files)',
  flow: 'VPC flow logs',
  lambda: 'Lambda logs (S3 export)',
  eni: 'ENI snapshots',
  'ct-cwl': 'CloudTrail through a CloudWatch Logs S3 export',
  'flow-cwl': 'VPC flow logs through a CloudWatch Logs S3 export',
};

/** Files and records per file at scale 1 (records are invocations for Lambda logs). */
const BASE: Record<SetName, { files: number; perFile: number }> = {
  ct: { files: 500, perFile: 2000 },
  small: { files: 20_000, perFile: 50 },
  flow: { files: 200, perFile: 50_000 },
  lambda: { files: 500, perFile: 2000 },
  eni: { files: 3, perFile: 0 },
  'ct-cwl': { files: 100, perFile: 2000 },
  'flow-cwl': { files: 20, perFile: 50_000 },
};

export function planSets(scale: number): Record<SetName, { files: number; perFile: number }> {
  const out = {} as Record<SetName, { files: number; perFile: number }>;
  for (const s of SET_NAMES) {
    out[s] = { files: s === 'eni' ? BASE.eni.files : Math.max(1, Math.round(BASE[s].files * scale)), perFile: BASE[s].perFile };
  }
  return out;
}

export interface SetInfo {
  /** Paths relative to the data directory, sorted. */
  files: string[];
  compressedBytes: number;
  rawBytes: number;
  /** Records written (CloudTrail records incl. re-delivered ones, flow records, log events, ENIs per snapshot). */
  records: number;
  /** CloudTrail: records written twice (must be dropped as duplicates). */
  duplicates: number;
  /** Lambda logs: invocations. */
  invocations: number;
}

export interface Manifest {
  version: number;
  seed: string;
  scale: number;
  gzipLevel: number;
  createdAt: string;
  generateSeconds: number;
  sets: Record<SetName, SetInfo>;
}

interface Task {
  set: SetName;
  index: number;
}

export interface FileResult {
  set: SetName;
  rel: string;
  compressed: number;
  raw: number;
  records: number;
  duplicates: number;
  invocations: number;
}

function windowOf(index: number, files: number): [number, number] {
  const span = (END_MS - START_MS) / files;
  return [Math.floor(START_MS + index * span), Math.floor(START_MS + (index + 1) * span)];
}

/** Generates one file of a set into dataDir. Pure function of (task, seed, scale, level). */
export function generateFile(task: Task, dataDir: string, seed: string, scale: number, level: number, world: World): FileResult {
  const plan = planSets(scale)[task.set];
  const r = new Rng(`${seed}:${task.set}:${task.index}`);
  let [t0, t1] = windowOf(task.index, plan.files);
  let rel: string;
  let text: string;
  let records: number;
  let duplicates = 0;
  let invocations = 0;
  let gzip = true;
  switch (task.set) {
    case 'ct':
    case 'small': {
      const region = task.index % 5 === 4 ? OTHER_REGION : REGION;
      const out = ctFile(r, world, plan.perFile, t0, t1, region, task.set === 'ct' ? 2000 : 0);
      rel = `${task.set}/AWSLogs/${ACCOUNT}/CloudTrail/${region}/${datePath(t1 - 1)}/${ACCOUNT}_CloudTrail_${region}_${compactMinute(t1 + 300_000)}_${r.alnum(16)}.json.gz`;
      ({ text, records, duplicates } = out);
      break;
    }
    case 'flow': {
      const out = flowFile(r, world, plan.perFile, t0, t1);
      rel = `flow/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/${datePath(t1 - 1)}/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0${r.hex(16)}_${compactMinute(t1)}_${r.hex(8)}.log.gz`;
      ({ text, records } = out);
      break;
    }
    case 'lambda': {
      // each function's streams follow each other over the whole period (one stream per file)
      const fn = world.fns[task.index % world.fns.length]!;
      const slots = Math.ceil(plan.files / world.fns.length);
      const span = (END_MS - START_MS) / slots;
      t0 = Math.floor(START_MS + Math.floor(task.index / world.fns.length) * span);
      t1 = Math.floor(t0 + span);
      const taskId = new Rng(`${seed}:export-task:${fn.name}`).uuid();
      const out = lambdaExportFile(r, world, fn, plan.perFile, t0, t1);
      rel = `lambda/exportedlogs/aws/lambda/${fn.name}/${taskId}/${datePath(t0)}/[$LATEST]${r.hex(32)}/000000.gz`;
      text = out.text;
      records = out.events;
      invocations = out.invocations;
      break;
    }
    case 'ct-cwl': {
      // a CloudTrail log group exported to S3: `<ISO timestamp> <record>` per line, one stream per file
      const out = ctFile(r, world, plan.perFile, t0, t1, REGION, 0);
      const recs = (JSON.parse(out.text) as { Records: Array<{ eventTime: string }> }).Records;
      rel = `ct-cwl/exportedlogs/${r.uuid()}/${ACCOUNT}_CloudTrail_${REGION}/${String(task.index).padStart(6, '0')}.gz`;
      text = exportLines(recs.map((x) => [Date.parse(x.eventTime), JSON.stringify(x)]));
      records = out.records;
      break;
    }
    case 'flow-cwl': {
      // a flow-log log group exported to S3: the default-format record (no header) after each line's timestamp
      const out = flowFile(r, world, plan.perFile, t0, t1);
      const lines = out.text.split('\n').slice(1, -1);
      rel = `flow-cwl/exportedlogs/${r.uuid()}/eni-${r.hex(17)}-all/${String(task.index).padStart(6, '0')}.gz`;
      text = exportLines(lines.map((l) => [Number(l.split(' ')[10]) * 1000 || t0, l]));
      records = out.records;
      break;
    }
    case 'eni': {
      const at = START_MS + Math.floor(((task.index + 1) * (END_MS - START_MS)) / (plan.files + 1));
      // snapshots differ: the first predates the last two Lambda ENIs, later ones miss EC2
      // instances terminated in between
      const ec2 = world.enis.filter((e) => e.kind === 'ec2');
      const gone = new Set(ec2.slice(0, Math.max(0, task.index - 1)).map((e) => e.id));
      const lateLambda = new Set(world.lambdaEnis.slice(-2).map((e) => e.id));
      const enis = world.enis.filter((e) => !gone.has(e.id) && !(task.index === 0 && lateLambda.has(e.id)));
      const out = eniSnapshot(world, enis, START_MS - 86_400_000);
      rel = `eni/describe-network-interfaces-${new Date(at).toISOString().slice(0, 19).replace(/:/g, '-')}Z.json`;
      text = out.text;
      records = out.records;
      gzip = false;
      break;
    }
  }
  const raw = Buffer.from(text, 'utf8');
  const body = gzip ? zlib.gzipSync(raw, { level }) : raw;
  const abs = path.join(dataDir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, body);
  return { set: task.set, rel, compressed: body.length, raw: raw.length, records, duplicates, invocations };
}

/** A CloudWatch Logs export file's text: one `<ISO timestamp> <message>` line per event. */
function exportLines(events: Array<[ms: number, message: string]>): string {
  return events.map(([ms, msg]) => `${new Date(ms).toISOString()} ${msg}\n`).join('');
}

/** Rough bytes per file, to balance the generator processes. */
const COST: Record<SetName, number> = {
  ct: 2_800_000, small: 70_000, flow: 5_500_000, lambda: 1_300_000, eni: 100_000, 'ct-cwl': 3_500_000, 'flow-cwl': 6_500_000,
};

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');

function manifestPath(dataDir: string): string {
  return path.join(dataDir, 'manifest.json');
}

/** The manifest of a complete data set of this version, seed, scale and gzip level, if dataDir holds one. */
export function readUsableManifest(dataDir: string, seed: string, scale: number, gzipLevel: number): Manifest | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(manifestPath(dataDir), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (m.version !== GEN_VERSION || m.seed !== seed || m.scale !== scale || m.gzipLevel !== gzipLevel) return undefined;
  for (const s of SET_NAMES) {
    const info = m.sets[s];
    if (!info) return undefined;
    let bytes = 0;
    for (const f of info.files) {
      try {
        bytes += fs.statSync(path.join(dataDir, f)).size;
      } catch {
        return undefined;
      }
    }
    if (bytes !== info.compressedBytes) return undefined;
  }
  return m;
}

/**
 * Generates every set into dataDir (emptied first), with `workers` child processes; returns the
 * manifest, also written to dataDir/manifest.json.
 */
export async function generateAll(
  dataDir: string,
  opts: { seed: string; scale: number; gzipLevel: number; workers?: number; log?: (msg: string) => void },
): Promise<Manifest> {
  const started = performance.now();
  for (const s of SET_NAMES) fs.rmSync(path.join(dataDir, s), { recursive: true, force: true });
  fs.rmSync(manifestPath(dataDir), { force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const plan = planSets(opts.scale);
  const tasks: Task[] = [];
  for (const s of SET_NAMES) for (let i = 0; i < plan[s].files; i++) tasks.push({ set: s, index: i });
  const workers = Math.max(1, Math.min(opts.workers ?? os.cpus().length, tasks.length));
  // longest tasks first, each to the least loaded worker
  const sorted = [...tasks].sort((a, b) => COST[b.set] - COST[a.set]);
  const loads = Array.from({ length: workers }, () => ({ cost: 0, tasks: [] as Task[] }));
  for (const t of sorted) {
    const w = loads.reduce((a, b) => (b.cost < a.cost ? b : a));
    w.cost += COST[t.set];
    w.tasks.push(t);
  }
  const results: FileResult[] = [];
  let done = 0;
  let lastLog = 0;
  await Promise.all(
    loads.map(async (load, k) => {
      const jobFile = path.join(dataDir, `.gen-job-${k}.json`);
      fs.writeFileSync(jobFile, JSON.stringify({ dataDir, seed: opts.seed, scale: opts.scale, level: opts.gzipLevel, tasks: load.tasks }));
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'bench', 'genChild.ts'), jobFile], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let buf = '';
        let err = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line.trim()) continue;
            results.push(JSON.parse(line) as FileResult);
            done++;
            const now = performance.now();
            if (opts.log && now - lastLog > 5000) {
              lastLog = now;
              opts.log(`  generated ${done}/${tasks.length} files`);
            }
          }
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          fs.rmSync(jobFile, { force: true });
          if (code === 0) resolve();
          else reject(new Error(`data generator ${k} exited with ${code}: ${err.slice(-2000)}`));
        });
      });
    }),
  );
  if (results.length !== tasks.length) throw new Error(`generated ${results.length} of ${tasks.length} files`);
  const sets = {} as Record<SetName, SetInfo>;
  for (const s of SET_NAMES) {
    const rs = results.filter((x) => x.set === s).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    sets[s] = {
      files: rs.map((x) => x.rel),
      compressedBytes: rs.reduce((a, x) => a + x.compressed, 0),
      rawBytes: rs.reduce((a, x) => a + x.raw, 0),
      records: rs.reduce((a, x) => a + x.records, 0),
      duplicates: rs.reduce((a, x) => a + x.duplicates, 0),
      invocations: rs.reduce((a, x) => a + x.invocations, 0),
    };
  }
  const manifest: Manifest = {
    version: GEN_VERSION,
    seed: opts.seed,
    scale: opts.scale,
    gzipLevel: opts.gzipLevel,
    createdAt: new Date().toISOString(),
    generateSeconds: (performance.now() - started) / 1000,
    sets,
  };
  fs.writeFileSync(manifestPath(dataDir), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

export { buildWorld };
