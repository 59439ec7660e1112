import fs from 'node:fs';
import zlib from 'node:zlib';
import { listValue, structValue, type DuckDBValue } from '@duckdb/node-api';
import type { Db } from '../../db/connection.ts';
import { fillMarker, section } from '../../db/sql.ts';
import type { FileEntry, FileOutcome } from '../types.ts';
import { FIELD_NAMES, FLOW_FIELDS, fieldByColumn, readFirstLine, type FirstLine, type FlowField } from './fields.ts';
import { MAX_LISTED, addOverflowIssue } from './issues.ts';

const TEXT = 'staging/flow_text.sql';

/** The text columns in the order header-like-rows lists them (the table order of fields.ts). */
const TEXT_FIELDS = FLOW_FIELDS.filter((x) => x.type === 'VARCHAR');

const HEAD_CONCURRENCY = 8;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Whether the file is read through gzip: a .gz file without a decompressed copy (FileEntry.readPath). */
const readsGzip = (f: FileEntry) => f.gzip && !f.readPath;

/** The first line of a file, gunzipping only the head of a .gz (its whole stream was checked before loading). */
export async function readFirstRawLine(f: FileEntry): Promise<string> {
  const fd = await fs.promises.open(f.readPath ?? f.path, 'r');
  try {
    for (let size = 16 * 1024; ; size *= 4) {
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fd.read(buf, 0, size, 0);
      const raw = buf.subarray(0, bytesRead);
      const text = readsGzip(f) ? zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }) : raw;
      const nl = text.indexOf(0x0a);
      if (nl >= 0) return text.subarray(0, nl).toString('utf8');
      if (bytesRead < size) return text.toString('utf8');
      if (size >= 16 * 1024 * 1024) throw new Error('the first line is longer than 16 MiB; this is not a flow-log file');
    }
  } finally {
    await fd.close();
  }
}

/**
 * The select list of a group's load: its header's fields, read as reader columns of the fixed
 * AWS field list (never text from the file), `start` / `end` converted to timestamps.
 */
export function selectList(fields: readonly FlowField[]): string {
  return fields
    .map((x) => {
      if (!FLOW_FIELDS.includes(x) || !/^[a-z_0-9]+$/.test(x.column)) throw new Error(`not a flow-log field: ${x.column}`);
      if (x.column === 'start') return 'to_timestamp(r."start") AS start_time';
      if (x.column === 'end') return 'to_timestamp(r."end") AS end_time';
      return `r."${x.column}"`;
    })
    .join(', ');
}

interface Group {
  first: FirstLine;
  gzip: boolean;
  files: FileEntry[];
}

interface RejectRow {
  file_id: bigint;
  line: bigint;
  error_type: string;
  column_name: string | null;
  error_message: string;
  csv_line: string;
  n_fields: bigint;
  value: string | null;
  code: 'repeated-header' | 'other-header' | 'bad-number' | 'wrong-field-count' | 'unreadable-line';
  nth: bigint;
  total: bigint;
}

/**
 * Loads flow-log text files: one read_csv per group of files sharing a header (and compression).
 * Returns nothing; rows land in flow_default_records or flow_custom_records (by the group's
 * fields), skipped lines become issues of `outcomes`.
 */
export async function loadText(db: Db, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  // Whole-file checks first, before anything is loaded: an unreadable header fails the file.
  const lines = await mapLimit(files, HEAD_CONCURRENCY, readFirstRawLine);
  const firsts = new Map<number, FirstLine>();
  files.forEach((f, i) => {
    const line = lines[i]!;
    if (line.replace(/^\uFEFF/, '').replace(/\r$/, '') === '')
      throw new Error('line 1 is empty; a flow-log file starts with its header line or a record');
    firsts.set(f.fileId, readFirstLine(line));
  });

  await db.run(section(TEXT, 'files'));
  await db.run(section(TEXT, 'drop-rejects'));

  const groups = new Map<string, Group>();
  const app = await db.conn.createAppender('flow_text_files', 'main', 'temp');
  try {
    for (const f of files) {
      const first = firsts.get(f.fileId)!;
      const names = first.fields.map((x) => x.name).join(' ');
      const key = `${first.kind}|${names}|${readsGzip(f) ? 'gzip' : 'uncompressed'}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { first, gzip: readsGzip(f), files: [] }));
      g.files.push(f);
      app.appendBigInt(BigInt(f.fileId));
      app.appendVarchar(names);
      app.appendBoolean(first.fields.every((x) => x.type === 'VARCHAR'));
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }

  for (const g of groups.values()) {
    const columns: Record<string, DuckDBValue> = {};
    for (const x of g.first.fields) columns[x.column] = x.type;
    const narrow = g.first.fields.every((x) => x.version === 2) && g.first.fields.some((x) => x.type !== 'VARCHAR');
    const table = narrow ? 'flow_default_records' : 'flow_custom_records';
    await db.run(fillMarker(fillMarker(section(TEXT, 'load'), 'table', table), 'columns', selectList(g.first.fields)), {
      files: listValue(g.files.map((f) => f.readPath ?? f.path)),
      columns: structValue(columns),
      header: g.first.kind === 'header',
      compression: g.gzip ? 'gzip' : 'uncompressed',
    });
  }

  await reportRejects(db, firsts, outcomes);
  if ([...firsts.values()].some((x) => x.fields.every((y) => y.type === 'VARCHAR'))) {
    await dropHeaderLikeRows(db, outcomes);
  }
  await db.run(section(TEXT, 'drop-rejects'));
}

async function reportRejects(
  db: Db,
  firsts: Map<number, FirstLine>,
  outcomes: Map<number, FileOutcome>,
): Promise<void> {
  const rows = await db.all<RejectRow>(section(TEXT, 'rejects'), {
    known: listValue([...FIELD_NAMES]),
    max_listed: MAX_LISTED,
  });
  const repeated = new Map<number, number[]>();
  for (const r of rows) {
    const fileId = Number(r.file_id);
    const o = outcomes.get(fileId)!;
    const first = firsts.get(fileId)!;
    const line = Number(r.line);
    const total = Number(r.total);
    if (r.code === 'repeated-header') {
      if (r.nth === 1n) repeated.set(fileId, [total, line]);
      continue;
    }
    if (r.code === 'other-header') {
      throw new Error(
        `line ${line} is a header line ("${r.csv_line}") that differs from the file's first line ("${first.line}"); ` +
          'a file that mixes flow-log formats is not loaded',
      );
    }
    if (r.nth === 1n) {
      o.rowsRejected += total;
      addOverflowIssue(o, r.code, total, 'lines');
    }
    o.issues.push({ location: `line ${line}`, severity: 'warning', code: r.code, message: rejectMessage(r, first) });
  }
  for (const [fileId, [count, line]] of repeated) {
    const o = outcomes.get(fileId)!;
    o.note = `${count} repeated header line${count === 1 ? '' : 's'} skipped (first at line ${line}; files concatenated?)`;
  }
}

function rejectMessage(r: RejectRow, first: FirstLine): string {
  switch (r.code) {
    case 'bad-number': {
      const name = (r.column_name && fieldByColumn(r.column_name)?.name) ?? r.column_name ?? 'a numeric field';
      const value = r.value ?? /Could not convert string "(.*)" to/.exec(r.error_message)?.[1] ?? '';
      return /^-?\d+$/.test(value)
        ? `${name} is ${value}, out of range for the field; record skipped`
        : `${name} is "${value}", not a number; record skipped`;
    }
    case 'wrong-field-count': {
      const found = /Found: (\d+)/.exec(r.error_message)?.[1] ?? String(r.n_fields);
      const expected = first.fields.length;
      return first.kind === 'header'
        ? `record has ${found} fields, the header names ${expected}; record skipped`
        : `record has ${found} fields, the default format (no header line) has ${expected}; record skipped`;
    }
    default:
      return `${r.error_type.toLowerCase()}: ${r.error_message.split('\n')[0]}; line skipped`;
  }
}

/**
 * A file whose fields are all text has its repeated header lines loaded as rows (the reader rejects
 * nothing). Finds them: rows repeating the file's header are deleted and noted; a different header
 * fails the file.
 */
async function dropHeaderLikeRows(db: Db, outcomes: Map<number, FileOutcome>): Promise<void> {
  const known = listValue([...FIELD_NAMES]);
  const rows = await db.all<{ file_id: bigint; vals: Array<string | null> }>(section(TEXT, 'header-like-rows'), { known });
  if (rows.length === 0) return;
  const counts = new Map<number, number>();
  for (const r of rows) {
    const fileId = Number(r.file_id);
    const same = r.vals.every((v, i) => v === null || v === TEXT_FIELDS[i]!.name);
    if (!same) {
      const names = r.vals.filter((v) => v !== null).join(' ');
      throw new Error(
        `a header line naming the fields ${names} follows the file's first header line; a file that mixes flow-log formats is not loaded`,
      );
    }
    counts.set(fileId, (counts.get(fileId) ?? 0) + 1);
  }
  await db.run(section(TEXT, 'delete-header-like-rows'), { known });
  for (const [fileId, n] of counts) {
    outcomes.get(fileId)!.note = `${n} repeated header line${n === 1 ? '' : 's'} skipped (files concatenated?)`;
  }
}
