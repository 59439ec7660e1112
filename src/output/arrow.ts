import fs from 'node:fs';
import { JSDuckDBValueConverter, type DuckDBType } from '@duckdb/node-api';
import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import type { Db } from '../db/connection.ts';

const ARROW_BATCH_ROWS = 65_536;

function arrowType(t: DuckDBType): DataType {
  switch (t.toString()) {
    case 'BIGINT':
    case 'UBIGINT':
    case 'HUGEINT':
      return new Int64();
    case 'INTEGER':
    case 'SMALLINT':
    case 'TINYINT':
    case 'UINTEGER':
    case 'USMALLINT':
    case 'UTINYINT':
      return new Int32();
    case 'DOUBLE':
    case 'FLOAT':
      return new Float64();
    case 'BOOLEAN':
      return new Bool();
    case 'TIMESTAMP WITH TIME ZONE':
      return new TimestampMicrosecond('UTC');
    case 'TIMESTAMP':
      return new TimestampMicrosecond();
    default:
      return new Utf8();
  }
}

function toArrowValue(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (type instanceof Int64) return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  if (type instanceof Int32 || type instanceof Float64) return Number(v);
  if (type instanceof Bool) return Boolean(v);
  if (type instanceof TimestampMicrosecond) return v instanceof Date ? v.getTime() : Number(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : x.toString()) : x));
}

/**
 * Streams DuckDB chunks into Arrow record batches of up to 64k rows, written with apache-arrow's
 * RecordBatchFileWriter, so memory stays bounded whatever the result size. Lists and structs are
 * written as JSON text.
 */
export async function exportArrow(db: Db, sql: string, out: string): Promise<number> {
  const result = await db.conn.stream(sql);
  const names = result.columnNames();
  const types = result.columnTypes().map(arrowType);
  const schema = new Schema(names.map((n, i) => new Field(n, types[i]!, true)));
  const fileWriter = new RecordBatchFileWriter();
  const sink = fs.createWriteStream(out);
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve);
    sink.on('error', reject);
  });
  fileWriter.pipe(sink as never);
  fileWriter.reset(undefined, schema);
  let total = 0;
  let cols: unknown[][] = names.map(() => []);
  let n = 0;
  const flush = () => {
    if (n === 0) return;
    const children = types.map((t, i) => vectorFromArray(cols[i] as never[], t).data[0]!);
    const data = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
    fileWriter.write(new RecordBatch(schema, data));
    cols = names.map(() => []);
    n = 0;
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const columns = chunk.convertColumns(JSDuckDBValueConverter);
    columns.forEach((c, i) => {
      for (const v of c) cols[i]!.push(toArrowValue(v, types[i]!));
    });
    n += chunk.rowCount;
    total += chunk.rowCount;
    if (n >= ARROW_BATCH_ROWS) flush();
  }
  flush();
  fileWriter.finish();
  await done;
  return total;
}
