// Decompresses gzip files to plain copies for spool.ts (see there why). Plain JavaScript with its
// types in spoolCopy.d.mts, so that it also runs as a child process of plain Node: in the CLI's
// process, with the TypeScript loader and DuckDB's library loaded, Node's zlib took 30% more CPU
// for the same files (measured: 1.2-1.4 s against 0.9 s for bench scale 1's 200 flow files).
// Run with --lf-spool-child it answers {id, dir, files, limit} messages with {id, results}.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';

const message = (e) => (e instanceof Error ? e.message : String(e));

/** Decompresses `src` to `<dir>/<fileId>`; see spoolCopy.d.mts for the result. */
export async function copyOne(dir, fileId, src) {
  const readPath = path.join(dir, String(fileId));
  let contentBytes = 0;
  let writeError;
  const out = fs.createWriteStream(readPath, { highWaterMark: 1 << 20 });
  out.on('error', (e) => (writeError ??= e));
  try {
    // Large output chunks: with the default 16 KiB, per-chunk overhead doubles the time (measured).
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
    gunzip.on('data', (c) => (contentBytes += c.length));
    await pipeline(fs.createReadStream(src, { highWaterMark: 1 << 20 }), gunzip, out);
    return { fileId, readPath, contentBytes };
  } catch (e) {
    try {
      fs.rmSync(readPath, { force: true });
    } catch {
      // nothing was written (the directory is unusable)
    }
    if (writeError) return { fileId, writeError: message(writeError) };
    return { fileId, error: `gzip stream is damaged: ${message(e)}` };
  }
}

/** copyOne for every file, `limit` at a time, results in the order of `files`. */
export async function copyAll(dir, files, limit) {
  const out = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await copyOne(dir, files[i].fileId, files[i].path);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, files.length) }, worker));
  return out;
}

if (process.argv.includes('--lf-spool-child') && process.send) {
  process.on('message', (m) => {
    copyAll(m.dir, m.files, m.limit).then(
      (results) => process.send({ id: m.id, results }),
      (e) => process.send({ id: m.id, failed: message(e) }),
    );
  });
  // the parent's end of the channel closing ends this process
  process.on('disconnect', () => process.exit(0));
}
