import type { Db } from '../../db/connection.ts';
import { section } from '../../db/sql.ts';
import { fileListParam } from '../common.ts';
import type { FileEntry, FileOutcome } from '../types.ts';
import { fieldByColumn, type FlowField } from './fields.ts';

const PARQUET = 'staging/flow_parquet.sql';

const INTEGER_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const NUMBER_TYPE = /^(DECIMAL\(\d+,\d+\)|FLOAT|DOUBLE)$/;

/** A column name from a Parquet file, as an identifier; only names that matched a field get here. */
function ident(name: string): string {
  if (!/^[A-Za-z_-]+$/.test(name)) throw new Error(`unexpected Parquet column name ${JSON.stringify(name)}`);
  return `r."${name}"`;
}

/**
 * The SELECT expression turning a Parquet column of the given (unified) type into its flow_records
 * column. AWS's types need only a cast; strings (other writers) have their '-' turned into NULL.
 */
function columnExpr(field: FlowField, name: string, type: string): string {
  const col = ident(name);
  const isInt = INTEGER_TYPE.test(type);
  const isText = type === 'VARCHAR';
  const unsupported = () =>
    new Error(`Parquet column "${name}" has type ${type}, which cannot hold the flow-log field ${field.name}`);
  if (field.name === 'start' || field.name === 'end') {
    const out = field.name === 'start' ? 'start_time' : 'end_time';
    if (type.startsWith('TIMESTAMP')) return `CAST(${col} AS TIMESTAMPTZ) AS ${out}`;
    if (isInt || NUMBER_TYPE.test(type)) return `to_timestamp(CAST(${col} AS BIGINT)) AS ${out}`;
    if (isText) return `to_timestamp(CAST(NULLIF(${col}, '-') AS BIGINT)) AS ${out}`;
    throw unsupported();
  }
  if (field.type !== 'VARCHAR') {
    if (isInt || NUMBER_TYPE.test(type)) return `CAST(${col} AS ${field.type}) AS ${field.column}`;
    if (isText) return `CAST(NULLIF(${col}, '-') AS ${field.type}) AS ${field.column}`;
    throw unsupported();
  }
  // An account id written as a number (a writer inferring types) lost its leading zeros.
  if (field.name === 'account-id' && isInt) return `lpad(CAST(${col} AS VARCHAR), 12, '0') AS ${field.column}`;
  if (isText) return `NULLIF(${col}, '-') AS ${field.column}`;
  if (isInt || NUMBER_TYPE.test(type)) return `CAST(${col} AS VARCHAR) AS ${field.column}`;
  throw unsupported();
}

export async function loadParquet(db: Db, files: FileEntry[], outcomes: Map<number, FileOutcome>): Promise<void> {
  const params = { files: fileListParam(files) };
  // Every file must hold flow-log columns; columns that are not flow-log fields are ignored (and said so).
  const schema = await db.all<{ file_name: string; name: string; type: string }>(section(PARQUET, 'schema'), params);
  for (const f of files) {
    const cols = schema.filter((s) => s.file_name === f.path).map((s) => s.name);
    const known = cols.filter((c) => fieldByColumn(c));
    if (known.length === 0) {
      throw new Error(
        `the Parquet file holds none of the VPC flow-log columns (its columns: ${cols.slice(0, 12).join(', ') || 'none'})`,
      );
    }
    for (const c of cols) {
      if (!fieldByColumn(c)) {
        outcomes.get(f.fileId)!.issues.push({
          severity: 'warning',
          code: 'unknown-column',
          message: `column "${c}" is not a VPC flow-log field; ignored`,
        });
      }
    }
  }

  const types = await db.all<{ column_name: string; column_type: string }>(section(PARQUET, 'types'), params);
  const exprs: string[] = [];
  const done = new Set<string>();
  for (const t of types) {
    const field = fieldByColumn(t.column_name);
    if (!field || done.has(field.name)) continue;
    done.add(field.name);
    exprs.push(columnExpr(field, t.column_name, t.column_type));
  }
  await db.run(section(PARQUET, 'load').replace('/*columns*/', exprs.join(',\n       ')), params);
}
