import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs a command as a child process and measures its wall time and peak resident set size.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -v`, "Maximum resident set size"), which reads
 * the rusage of the waited-for child: the largest RSS of the child or of any descendant it waited
 * for. Without GNU time, /proc/<pid>/status VmHWM of the child and its descendants is polled every
 * 50 ms, and the largest value seen is reported (a peak reached in the last few milliseconds of a
 * process can be missed). Both report the largest single process, not the sum of a pipeline.
 */

export type RssMethod = 'time' | 'proc';

export interface Measured {
  seconds: number;
  peakRssMb: number | null;
  rssMethod: RssMethod;
  code: number;
  /** Captured stdout (when not redirected to a file), at most 1 MB kept. */
  stdout: string;
  /** Captured stderr, last 64 KB. */
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File that receives stdout; '/dev/null' to discard. Otherwise stdout is captured. */
  stdoutFile?: string;
  /** File whose content is the child's stdin. */
  stdinFile?: string;
  rss?: 'auto' | RssMethod;
}

let gnuTime: boolean | undefined;

/** Whether /usr/bin/time is GNU time with -v (BusyBox's lacks it). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    try {
      const r = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8', timeout: 10_000 });
      gnuTime = r.status === 0 && /Maximum resident set size/.test(r.stderr ?? '');
    } catch {
      gnuTime = false;
    }
  }
  return gnuTime;
}

export function resolveRssMethod(pref: 'auto' | RssMethod = 'auto'): RssMethod {
  if (pref === 'proc') return 'proc';
  if (pref === 'time') {
    if (!hasGnuTime()) throw new Error('/usr/bin/time -v is not available (install GNU time: apt-get install time)');
    return 'time';
  }
  return hasGnuTime() ? 'time' : 'proc';
}

/** Parses GNU time -v output: peak RSS in MB (MiB) and the exit status it reports. */
export function parseGnuTime(text: string): { peakRssMb: number | null } {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  return { peakRssMb: m ? Number(m[1]) / 1024 : null };
}

function readVmHwmKb(pid: number): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const c = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (c) for (const x of c.split(/\s+/)) out.push(Number(x));
    } catch {
      /* kernel without CONFIG_PROC_CHILDREN, or the task ended */
    }
  }
  return out;
}

/** Polls VmHWM of pid and its descendants; returns a stop function giving the peak in MB. */
export function pollPeakRss(pid: number, everyMs = 50): () => number | null {
  let peakKb = 0;
  const tick = () => {
    const stack = [pid];
    const seen = new Set<number>();
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const kb = readVmHwmKb(p);
      if (kb !== undefined && kb > peakKb) peakKb = kb;
      stack.push(...childrenOf(p));
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return () => {
    clearInterval(timer);
    return peakKb > 0 ? peakKb / 1024 : null;
  };
}

/** Runs cmd with args; resolves when it exits (never rejects on a non-zero exit). */
export async function runMeasured(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measured> {
  const method = resolveRssMethod(opts.rss);
  const timeFile = method === 'time' ? path.join(os.tmpdir(), `lf-bench-time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`) : undefined;
  const [file, argv] = timeFile ? ['/usr/bin/time', ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const fds: number[] = [];
  const open = (p: string, flags: string) => {
    const fd = fs.openSync(p, flags);
    fds.push(fd);
    return fd;
  };
  const stdio: StdioOptions = [
    opts.stdinFile ? open(opts.stdinFile, 'r') : 'ignore',
    opts.stdoutFile ? open(opts.stdoutFile, 'w') : 'pipe',
    'pipe',
  ];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio });
  const stopPoll = method === 'proc' && child.pid ? pollPeakRss(child.pid) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    if (stdout.length < 1_000_000) stdout += d;
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-65_536);
  });
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
      resolve(127);
    });
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const seconds = (performance.now() - started) / 1000;
  for (const fd of fds) fs.closeSync(fd);
  let peakRssMb: number | null = null;
  if (stopPoll) peakRssMb = stopPoll();
  if (timeFile) {
    try {
      const text = fs.readFileSync(timeFile, 'utf8');
      peakRssMb = parseGnuTime(text).peakRssMb;
    } catch {
      /* time did not run */
    }
    fs.rmSync(timeFile, { force: true });
  }
  return { seconds, peakRssMb, rssMethod: method, code, stdout, stderr };
}
