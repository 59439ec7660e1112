import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { TEST_DIR } from './db.ts';

export const BIN = path.join(TEST_DIR, '..', 'bin', 'lambda-forensics.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (a separate node process), stdin closed, no TTY. */
export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, TZ: 'UTC', ...opts.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI as a running child process; `detached` gives it a process group of its own (signal it with process.kill(-pid)). */
export function cliAsync(args: string[], opts: { cwd?: string; env?: Record<string, string>; detached?: boolean } = {}) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, TZ: 'UTC', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
}
