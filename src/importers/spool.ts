import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, errorMessage } from '../errors.ts';
import { isInterrupted } from '../util/interrupt.ts';
import { traceLine } from '../util/trace.ts';
import { copyAll, type CopyResult } from './spoolCopy.mjs';
import type { FileEntry } from './types.ts';

/**
 * Decompressed copies of gzip files, for formats DuckDB reads line by line (flow-log text).
 *
 * DuckDB's CSV reader silently returns the rows before the break of a truncated .gz, so such a
 * file must be decompressed whole before it is loaded, to prove the stream complete. Writing what
 * that decompression produces to a plain file, and loading the plain file, costs little more
 * than the check alone (the write goes to the page cache), and DuckDB then reads without
 * decompressing again and splits each file over its threads. At bench scale 1 (200 files, 1.1 GB
 * of text): the check alone 0.9 s, check and copy 1.1 s; DuckDB's load 6.8 s from the .gz files,
 * 5.4 s from the copies.
 *
 * The copies of one batch exist only while it loads (at most the batch's uncompressed size, 512
 * MiB by default), in `<db>.tmp/` (the directory DuckDB spills to, on the database's disk) or the
 * system temp directory for an in-memory database.
 */

const PREFIX = 'lf-spool-';

/** The directory for this process's copies, created empty. Copies left by an earlier, killed import into the same database are removed first (DuckDB's lock makes this process that database's only writer). */
export function openSpool(dbPath: string | undefined): string {
  if (!dbPath) return fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  const parent = `${dbPath}.tmp`;
  fs.mkdirSync(parent, { recursive: true });
  for (const d of fs.readdirSync(parent)) {
    if (d.startsWith(PREFIX)) fs.rmSync(path.join(parent, d), { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(parent, PREFIX));
}

export function closeSpool(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export type SpoolResult = { file: FileEntry; readPath: string; contentBytes: number } | { file: FileEntry; error: string };

/** A damaged gzip stream is the file's problem (`error`, no copy kept); failing to write the copy is the machine's, and aborts the import. */
function toResult(dir: string, f: FileEntry, r: CopyResult): SpoolResult {
  if (r.writeError !== undefined) {
    throw new UserError(`Cannot write the decompressed copy of ${f.displayPath} to ${dir}: ${r.writeError}`, {
      hint: 'Free disk space next to the database (or give --db a disk with room for one batch, 512 MiB of text), then run import again.',
    });
  }
  if (r.error !== undefined) return { file: f, error: r.error };
  return { file: f, readPath: r.readPath, contentBytes: r.contentBytes };
}

/**
 * Decompresses batches of files in one child process of plain Node, started on first use and kept
 * for the import (spoolCopy.mjs says why); in this process if the child cannot be used.
 */
export class Spooler {
  private child?: ChildProcess;
  private broken = false;
  private nextId = 0;

  constructor(private readonly limit: number) {}

  async spool(dir: string, files: FileEntry[]): Promise<SpoolResult[]> {
    let results: CopyResult[] | undefined;
    if (!this.broken) {
      try {
        results = await this.inChild(dir, files);
      } catch (e) {
        // Ctrl-C reaches the child too: the import is stopping, not short of a child
        if (isInterrupted()) throw e;
        // a child that cannot start or died: this process does the work, more slowly
        this.broken = true;
        this.close();
        traceLine(0, `spool child unusable (${errorMessage(e)}); decompressing in this process`);
      }
    }
    results ??= await copyAll(dir, files, this.limit);
    return files.map((f, i) => toResult(dir, f, results![i]!));
  }

  private inChild(dir: string, files: FileEntry[]): Promise<CopyResult[]> {
    this.child ??= fork(fileURLToPath(new URL('./spoolCopy.mjs', import.meta.url)), ['--lf-spool-child'], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const child = this.child;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const done = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', reject);
      };
      const onMessage = (m: { id: number; results?: CopyResult[]; failed?: string }) => {
        if (m.id !== id) return;
        done();
        if (m.results) resolve(m.results);
        else reject(new Error(m.failed ?? 'no results'));
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`the child exited (${signal ?? code})`));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', reject);
      child.send({ id, dir, files: files.map((f) => ({ fileId: f.fileId, path: f.path })), limit: this.limit });
    });
  }

  close(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
