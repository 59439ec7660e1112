// Deterministic file output: fixed gzip settings, no mtime or file name in gzip headers.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export class Out {
  readonly files: string[] = [];
  constructor(readonly root: string) {}

  write(rel: string, content: string | Buffer): Buffer {
    const abs = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    fs.writeFileSync(abs, buf);
    this.files.push(rel);
    return buf;
  }

  /** zlib's gzip wrapper writes mtime 0 and no name; level and strategy are fixed. */
  gzip(rel: string, content: string): Buffer {
    return this.write(rel, gz(content));
  }

  /** Pretty JSON the way the AWS CLI prints it (4-space indent, trailing newline). */
  cliJson(rel: string, value: unknown): Buffer {
    return this.write(rel, `${JSON.stringify(value, null, 4)}\n`);
  }
}

export function gz(content: string): Buffer {
  return zlib.gzipSync(Buffer.from(content, 'utf8'), { level: 9, memLevel: 8, strategy: zlib.constants.Z_DEFAULT_STRATEGY });
}
