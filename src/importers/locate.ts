import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';

/** Files larger than this are not re-read to pinpoint an error. */
const MAX_LOCATE_BYTES = 256 * 1024 * 1024;

export interface Located {
  location: string;
  detail: string;
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * DuckDB's JSON reader names a line that can be off by one or more (it reports where it noticed
 * the problem). When a JSON file fails to load, this re-reads it in JS (only then) and names the
 * first line that is not UTF-8 or not valid JSON.
 */
export async function locateJsonProblem(path: string, jsonLines: boolean): Promise<Located | undefined> {
  const st = await fs.promises.stat(path);
  if (st.size > MAX_LOCATE_BYTES) return undefined;
  let buf = await fs.promises.readFile(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch {
      return undefined;
    }
  }
  // first line holding bytes that are not UTF-8
  let start = 0;
  let lineNo = 0;
  let firstBadUtf8: number | undefined;
  const lines: Array<[number, number]> = [];
  while (start <= buf.length) {
    let nl = buf.indexOf(0x0a, start);
    if (nl < 0) nl = buf.length;
    lineNo++;
    const slice = buf.subarray(start, nl);
    if (firstBadUtf8 === undefined && !isUtf8(slice)) firstBadUtf8 = lineNo;
    lines.push([start, nl]);
    start = nl + 1;
  }
  if (firstBadUtf8 !== undefined) return { location: `line ${firstBadUtf8}`, detail: 'bytes that are not UTF-8' };
  if (jsonLines) {
    for (let i = 0; i < lines.length; i++) {
      const [a, b] = lines[i]!;
      const text = buf.subarray(a, b).toString('utf8').trim();
      if (!text) continue;
      try {
        JSON.parse(text);
      } catch (e) {
        return { location: `line ${i + 1}`, detail: `invalid JSON (${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')})` };
      }
    }
    return undefined;
  }
  const text = buf.toString('utf8');
  try {
    JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineOf(text, Number(pos[1])) : lineOf(text, text.length);
    return { location: `line ${where}`, detail: `invalid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')})` };
  }
  return undefined;
}
