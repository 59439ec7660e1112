import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import { EXPORT_LINE_RE, EXPORT_TIMESTAMP } from './detect.ts';
import { isGzip } from './sniff.ts';
import type { IssueInput } from './types.ts';

const decoder = new TextDecoder('utf-8', { fatal: false });
const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a CloudWatch Logs export-to-S3 file: one event per line, `<ISO timestamp> <message>`.
 * Lines are split on \n only: the Lambda runtimes write a multi-line message (a Python
 * traceback, say) as one event with \r between its lines, and DuckDB's CSV reader would split
 * those. A line that does not start with a timestamp continues the event before it.
 * `onEvent` receives the 1-based line number where the event starts.
 */
export async function readExportLines(
  path: string,
  onEvent: (lineNo: number, timestamp: string, message: string) => void,
  onIssue: (issue: IssueInput) => void,
): Promise<number> {
  let input: NodeJS.ReadableStream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  const fd = await fs.promises.open(path, 'r');
  const magic = Buffer.alloc(2);
  await fd.read(magic, 0, 2, 0);
  await fd.close();
  if (isGzip(magic)) input = input.pipe(zlib.createGunzip());

  let lineNo = 0;
  let events = 0;
  let pending: { line: number; ts: string; msg: string } | undefined;
  let carry: Buffer = Buffer.alloc(0);
  const flush = () => {
    if (pending) {
      onEvent(pending.line, pending.ts, pending.msg);
      events++;
      pending = undefined;
    }
  };
  const handleLine = (bytes: Buffer) => {
    lineNo++;
    let text: string;
    try {
      text = strict.decode(bytes);
    } catch {
      text = decoder.decode(bytes);
      onIssue({
        location: `line ${lineNo}`,
        severity: 'warning',
        code: 'invalid-utf8',
        message: 'line holds bytes that are not UTF-8; they were replaced with U+FFFD',
      });
    }
    if (text.trim() === '') return;
    const m = EXPORT_LINE_RE.exec(text);
    if (m) {
      flush();
      pending = { line: lineNo, ts: m[1]!, msg: m[2]! };
    } else if (pending) {
      pending.msg += `\n${text}`;
    } else {
      onIssue({
        location: `line ${lineNo}`,
        severity: 'warning',
        code: 'no-timestamp',
        message: 'line does not start with an ISO timestamp and follows no event; skipped',
      });
    }
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      handleLine(buf.subarray(start, nl));
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
    buf = carry;
  }
  if (carry.length) handleLine(carry);
  flush();
  return events;
}

/** An event's first line: the timestamp, then one space. */
const EVENT_START = new RegExp(`^${EXPORT_TIMESTAMP} `);
/** A line break followed by anything but an event's first line. */
const OTHER_LINE = new RegExp(`\\n(?!${EXPORT_TIMESTAMP} )`, 'g');

/**
 * The whole text of an export file in which every line starts an event, which is how CloudWatch
 * Logs writes them: valid UTF-8, every line (but an empty one after the last line break) an ISO
 * timestamp, a space and the message. Such a file needs none of readExportLines' per-line work: its
 * lines are split and cut by SQL (export_text.sql, `lines`; exportStage.ts), with the same line numbers,
 * timestamps and messages readExportLines would give. Anything else (a line that continues the
 * event before it, an empty or blank line, bytes that are not UTF-8) gives undefined, and the file
 * is read line by line, as is a file whose content passes `maxBytes`.
 */
export async function readSimpleExport(path: string, maxBytes: number): Promise<string | undefined> {
  const fh = await fs.promises.open(path, 'r');
  let bytes: Buffer;
  try {
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    // a plain file holds its content: too large, it is not read here at all
    if (!isGzip(magic) && (await fh.stat()).size > maxBytes) return undefined;
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  // inflated in this thread: in libuv's pool each thread keeps its own heap of freed output buffers
  // (RSS 1.2 → 1.5–1.7 GB for the benchmark's Lambda logs); 1 MiB output chunks, as zlib's 16 KiB
  // default takes 3× as long for a 6 MB export. Never more than maxBytes: the size a gzip trailer
  // states is not checked before (a file that inflates further is read line by line instead).
  // A damaged stream throws a zlib error (isZlibError), as readExportLines does.
  if (isGzip(bytes)) {
    try {
      bytes = zlib.gunzipSync(bytes, { chunkSize: 1 << 20, maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      throw e;
    }
  }
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  if (!EVENT_START.test(text)) return undefined;
  OTHER_LINE.lastIndex = 0;
  const other = OTHER_LINE.exec(text);
  return other === null || other.index === text.length - 1 ? text : undefined;
}

/** Whether an error is zlib's for a damaged or cut gzip stream (Z_DATA_ERROR, Z_BUF_ERROR, ...). */
export function isZlibError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
