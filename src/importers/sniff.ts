import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { errorMessage } from '../errors.ts';

/** How much decompressed content detection looks at, at most. */
export const HEAD_BYTES = 32 * 1024;
/** How much is decompressed up front; detection asks for the rest (FileFacts.fullHead) only when it needs it. */
export const QUICK_HEAD_BYTES = 4 * 1024;
/** Files up to this size are read in one call; larger ones are streamed. */
const WHOLE_READ_BYTES = 16 * 1024 * 1024;
/**
 * Compressed bytes first tried for the head (grown 4x until the head is full). 2 KB of a CloudTrail
 * delivery inflates to 7 KB, 1 KB to under 4 KB, which took a second, larger inflate for every
 * file (20,000 small files: 2.2 -> 1.8 CPU-s to read and detect).
 */
const FIRST_PREFIX_BYTES = 2048;

export interface FileFacts {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  gzip: boolean;
  parquet: boolean;
  /** The start of the (decompressed) content: at least QUICK_HEAD_BYTES of it, at most HEAD_BYTES. */
  head: Buffer;
  /** The first HEAD_BYTES of the content, when `head` holds less (decompressed on demand). */
  fullHead?: () => Buffer;
  /** Whether head holds the whole (decompressed) content. */
  headIsAll: boolean;
  /**
   * Decompressed size: exact for plain files and verified gzip, otherwise the gzip trailer's
   * size field (an estimate, used to size batches); undefined when the gzip stream is broken.
   */
  contentBytes?: number;
  /** Whether the whole gzip stream was decompressed and checked (always true for plain files). */
  verified: boolean;
  /**
   * Whether the head has no line break, but for one ending the content: such a file may be one
   * JSON value per line (AWS writes a CloudTrail delivery file as one line), which DuckDB's JSON
   * reader parses faster read as lines. Only a hint: a reader that trusts it fails on a later
   * break, and the file is then read the general way.
   */
  oneLineHead?: boolean;
  /** Set when the file cannot be read to its end (truncated or corrupt gzip, I/O error). */
  readError?: string;
}

/** Whether bytes start with gzip's magic number. */
export const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Size field of a gzip trailer (uncompressed size mod 2^32), lifted to at least the compressed size. */
export function trailerSize(compressedSize: number, last4: Buffer): number {
  if (last4.length < 4) return compressedSize;
  let n = last4.readUInt32LE(0);
  while (n < compressedSize * 0.99) n += 2 ** 32;
  // Deflate never inflates more than 1032 to 1: a larger size is no trailer (a file cut short ends
  // in any four bytes), and would otherwise put the file in a batch of its own.
  return Math.min(n, MAX_DEFLATE_RATIO * compressedSize);
}

/** The most a deflate stream inflates: 258 bytes from each 2-bit match code, 1032 to 1. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The head of a gzip stream from a prefix of its bytes: inflates 4 KB, 16 KB, ... of input until
 * HEAD_BYTES come out. When the prefix is the whole file it is inflated strictly, so a damaged
 * or truncated stream is an error and the content length is exact.
 */
function gzipHead(prefix: Buffer, isWholeFile: boolean, want: number): { head: Buffer; all?: number; error?: string } {
  let take = Math.min(prefix.length, FIRST_PREFIX_BYTES);
  for (;;) {
    const whole = isWholeFile && take === prefix.length;
    try {
      const out = whole
        ? zlib.gunzipSync(prefix)
        : zlib.gunzipSync(prefix.subarray(0, take), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      if (whole) return { head: out.subarray(0, HEAD_BYTES), all: out.length };
      if (out.length >= want || take === prefix.length) return { head: out.subarray(0, HEAD_BYTES) };
    } catch (e) {
      return { head: Buffer.alloc(0), error: `gzip stream is damaged: ${errorMessage(e)}` };
    }
    take = Math.min(prefix.length, take * 4);
  }
}

/**
 * The whole content of an open file that had `size` bytes when it was opened: one read in the
 * common case, and everything to its end, as fs.readFileSync reads it, if it grew meanwhile.
 * With `scratch` large enough, the bytes are read into it (the result is a view of it).
 */
export function readOpenFile(fd: number, size: number, scratch?: Buffer): Buffer {
  const buf = scratch && scratch.length > size ? scratch : Buffer.allocUnsafe(size + 1);
  let got = 0;
  while (got < size + 1) {
    const n = fs.readSync(fd, buf, got, size + 1 - got, got);
    if (n === 0) break;
    got += n;
  }
  return got <= size ? buf.subarray(0, got) : fs.readFileSync(fd);
}

/** FileFacts.oneLineHead: no line break in `head`, or (when it is the whole content) only at its end. */
export function oneLineHead(head: Buffer, headIsAll: boolean): boolean {
  const nl = head.indexOf(0x0a);
  if (nl === -1) return true;
  return headIsAll && head.subarray(nl + 1).every((b) => b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09);
}

/** sha256 of bytes as hex: the one-shot crypto.hash where Node has it (20.12+), which skips the Hash object. */
const sha256Hex: (b: Buffer) => string =
  typeof crypto.hash === 'function'
    ? (b) => crypto.hash('sha256', b, 'hex')
    : (b) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * readFacts for a file read in one call (at most WHOLE_READ_BYTES), without a promise: undefined
 * when the file is larger or cannot be opened, which readFacts then handles. Small files (most
 * CloudTrail deliveries are a few KB) are read with synchronous calls: the promise API costs about
 * ten times more per file than the reading itself. The file is opened once, and its size taken
 * from the open file (a stat by path, then a read by path, resolved the path twice).
 *
 * With `scratch`, a buffer reused from file to file, the bytes are read into it when they fit:
 * the facts' fullHead then reads the scratch, so it must be called (or dropped) before the next
 * file is read into the same scratch (readPool's readOneSync detects at once and drops it).
 */
export function readFactsSync(path: string, scratch?: Buffer): FileFacts | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  let st: fs.Stats;
  let bytes: Buffer;
  try {
    try {
      st = fs.fstatSync(fd);
    } catch {
      return undefined;
    }
    if (st.size > WHOLE_READ_BYTES) return undefined;
    try {
      bytes = readOpenFile(fd, st.size, scratch);
    } catch (e) {
      return unreadable(path, st, sha256Hex(Buffer.alloc(0)), e);
    }
  } finally {
    fs.closeSync(fd);
  }
  return wholeFileFacts(path, st, bytes);
}

/** The facts of a file read whole. */
function wholeFileFacts(path: string, st: fs.Stats, bytes: Buffer): FileFacts {
  return factsOf({ path, size: st.size, mtimeMs: st.mtimeMs, sha256: sha256Hex(bytes) }, bytes, true, bytes.subarray(Math.max(0, bytes.length - 4)));
}

function unreadable(path: string, st: fs.Stats, sha256: string, e: unknown): FileFacts {
  return {
    path, size: st.size, mtimeMs: st.mtimeMs, sha256, gzip: false, parquet: false,
    head: Buffer.alloc(0), headIsAll: false, verified: false, readError: `cannot read file: ${errorMessage(e)}`,
  };
}

/**
 * What import needs to know about a file before loading it: sha256 of the bytes on disk and the
 * first HEAD_BYTES of the content for detection. A gzip file is only decompressed as far as the
 * head (whole when it is small); `verifyGzip` checks the rest when the format needs it.
 */
export async function readFacts(path: string): Promise<FileFacts> {
  const small = readFactsSync(path);
  if (small) return small;
  // a large file, streamed (or one that could not be opened: stat says why, or reading does)
  const st = await fs.promises.stat(path);
  if (st.size <= WHOLE_READ_BYTES) {
    // it could not be opened (or shrank since): read it the plain way, for the error it gives
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (e) {
      return unreadable(path, st, sha256Hex(Buffer.alloc(0)), e);
    }
    return wholeFileFacts(path, st, bytes);
  }
  const hash = crypto.createHash('sha256');
  const chunks: Buffer[] = [];
  let kept = 0;
  let tail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of fs.createReadStream(path, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      hash.update(b);
      if (kept < 4 * HEAD_BYTES) {
        chunks.push(b);
        kept += b.length;
      }
      tail = b.length >= 4 ? b : Buffer.concat([tail, b]);
    }
  } catch (e) {
    return unreadable(path, st, hash.digest('hex'), e);
  }
  const base = { path, size: st.size, mtimeMs: st.mtimeMs, sha256: hash.digest('hex') };
  return factsOf(base, Buffer.concat(chunks), false, tail.subarray(Math.max(0, tail.length - 4)));
}

/** The facts of a file from its first bytes (`prefix`, the whole file when `isWholeFile`) and its last four. */
function factsOf(
  base: { path: string; size: number; mtimeMs: number; sha256: string },
  prefix: Buffer,
  isWholeFile: boolean,
  last4: Buffer,
): FileFacts {
  if (!isGzip(prefix)) {
    const head = prefix.subarray(0, HEAD_BYTES);
    const parquet = head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1';
    const headIsAll = base.size <= HEAD_BYTES;
    return { ...base, gzip: false, parquet, head: Buffer.from(head), headIsAll, contentBytes: base.size, verified: true, oneLineHead: oneLineHead(head, headIsAll) };
  }
  const g = gzipHead(prefix, isWholeFile, QUICK_HEAD_BYTES);
  if (g.error) return { ...base, gzip: true, parquet: false, head: g.head, headIsAll: false, verified: true, readError: g.error };
  const headIsAll = g.all !== undefined && g.all <= HEAD_BYTES;
  const facts: FileFacts = {
    ...base,
    gzip: true,
    parquet: false,
    head: g.head, // not copied: the caller drops the head as soon as the format is detected
    headIsAll,
    contentBytes: g.all ?? trailerSize(base.size, last4),
    verified: g.all !== undefined,
    oneLineHead: oneLineHead(g.head, headIsAll),
  };
  if (g.all === undefined && g.head.length < HEAD_BYTES) {
    facts.fullHead = () => {
      const more = gzipHead(prefix, isWholeFile, HEAD_BYTES);
      if (more.all !== undefined) {
        facts.contentBytes = more.all;
        facts.verified = true;
        facts.headIsAll = more.all <= HEAD_BYTES;
      }
      return more.error ? facts.head : Buffer.from(more.head);
    };
  }
  return facts;
}

/**
 * Decompresses a whole gzip file to prove the stream is complete, and measures its content.
 * DuckDB's CSV reader silently returns the rows before the break of a truncated .gz, so a line
 * format read from an unverified gzip file must pass this first.
 */
export async function checkGzip(path: string): Promise<{ contentBytes: number; error?: undefined } | { error: string }> {
  let contentBytes = 0;
  try {
    // Large output chunks: with the default 16 KiB, per-chunk overhead doubles the time (measured).
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
    const input = fs.createReadStream(path, { highWaterMark: 1 << 20 });
    input.on('error', (e) => gunzip.destroy(e));
    input.pipe(gunzip);
    for await (const chunk of gunzip) contentBytes += (chunk as Buffer).length;
  } catch (e) {
    return { error: `gzip stream is damaged: ${errorMessage(e)}` };
  }
  return { contentBytes };
}

/** FileFacts after checkGzip (unchanged when there is nothing to check). */
export async function verifyGzip(facts: FileFacts): Promise<FileFacts> {
  if (!facts.gzip || facts.verified || facts.readError) return facts;
  const r = await checkGzip(facts.path);
  if (r.error !== undefined) return { ...facts, verified: true, contentBytes: undefined, readError: r.error };
  return { ...facts, verified: true, contentBytes: r.contentBytes };
}
