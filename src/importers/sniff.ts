import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { errorMessage } from '../errors.ts';

/** How much decompressed content detection looks at. */
export const HEAD_BYTES = 256 * 1024;

export interface FileFacts {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  gzip: boolean;
  parquet: boolean;
  /** First HEAD_BYTES of the (decompressed) content. */
  head: Buffer;
  /** Whether head holds the whole (decompressed) content. */
  headIsAll: boolean;
  /** Decompressed size (equals size for plain files); undefined when the gzip stream is broken. */
  contentBytes?: number;
  /** Set when the file cannot be read to its end (truncated or corrupt gzip, I/O error). */
  readError?: string;
}

/**
 * One pass over the file: sha256 of the bytes on disk, the first HEAD_BYTES of the content for
 * detection, and for gzip a full decompression to prove the stream is complete. DuckDB's CSV
 * reader silently returns the rows before the break of a truncated .gz, so a truncated archive
 * has to be caught here.
 */
export async function readFacts(path: string): Promise<FileFacts> {
  const st = await fs.promises.stat(path);
  const hash = crypto.createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let contentBytes = 0;
  let first: Buffer | undefined;
  let gzip = false;
  let gunzip: zlib.Gunzip | undefined;
  let readError: string | undefined;

  const takeHead = (b: Buffer) => {
    contentBytes += b.length;
    if (headLen < HEAD_BYTES) {
      const part = b.subarray(0, HEAD_BYTES - headLen);
      headChunks.push(part);
      headLen += part.length;
    }
  };

  await new Promise<void>((resolve) => {
    const stream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
    let pending = 0;
    let ended = false;
    let gunzipDone: Promise<void> = Promise.resolve();
    const finish = () => {
      gunzipDone.then(resolve, resolve);
    };
    stream.on('data', (chunk) => {
      const buf = chunk as Buffer;
      hash.update(buf);
      if (!first) {
        first = buf;
        gzip = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
        if (gzip) {
          gunzip = zlib.createGunzip();
          gunzipDone = new Promise<void>((res) => {
            gunzip!.on('data', (d: Buffer) => takeHead(d));
            gunzip!.on('end', () => res());
            gunzip!.on('error', (e) => {
              readError ??= `gzip stream is damaged: ${errorMessage(e)}`;
              res();
            });
          });
        }
      }
      if (gunzip) {
        pending++;
        if (!gunzip.write(buf)) {
          stream.pause();
          gunzip.once('drain', () => stream.resume());
        }
      } else {
        takeHead(buf);
      }
    });
    stream.on('error', (e) => {
      readError ??= `cannot read file: ${errorMessage(e)}`;
      gunzip?.destroy();
      resolve();
    });
    stream.on('end', () => {
      ended = true;
      if (gunzip) gunzip.end();
      finish();
    });
    void pending;
    void ended;
  });

  const head = Buffer.concat(headChunks);
  const parquet = !gzip && head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1';
  if (gzip && !readError && contentBytes === 0) {
    // an empty gzip member is fine (empty content)
  }
  return {
    path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    sha256: hash.digest('hex'),
    gzip,
    parquet,
    head,
    headIsAll: contentBytes <= HEAD_BYTES && !readError,
    contentBytes: readError ? undefined : contentBytes,
    readError,
  };
}
