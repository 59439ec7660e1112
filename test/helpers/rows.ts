import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Db } from '../../src/db/connection.ts';
import { section } from '../../src/db/sql.ts';
import { tempDir } from './db.ts';

/** Inserts test rows; column names come from the test code (checked), values are bound. Many
 * rows of one shape go through a JSON Lines file and DuckDB's reader. */
export async function insertRows(db: Db, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  if (table === 'cloudtrail_events') return insertCloudTrailRows(db, rows);
  const shape = Object.keys(rows[0] ?? {}).join(',');
  if (rows.length > 50 && rows.every((r) => Object.keys(r).join(',') === shape && Object.values(r).every((v) => v === null || typeof v !== 'object'))) {
    const file = path.join(tempDir(), 'rows.jsonl');
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const cols = Object.keys(rows[0]!).map((c) => `'${c}': 'VARCHAR'`).join(', ');
    await db.run(`INSERT INTO ${table} BY NAME SELECT * FROM read_json($f, columns = {${cols}}, format = 'newline_delimited')`, { f: file });
    return;
  }
  for (const row of rows) {
    const cols = Object.keys(row);
    for (const c of cols) if (!/^[a-z_0-9]+$/.test(c)) throw new Error(`bad column ${c}`);
    const params: Record<string, DuckDBValue> = {};
    const exprs = cols.map((c) => {
      const v = row[c];
      if (v !== null && typeof v === 'object') {
        params[c] = JSON.stringify(v);
        // lists of strings become VARCHAR[]; objects become JSON
        return Array.isArray(v) && v.every((x) => typeof x === 'string') ? `CAST(json($${c}) AS VARCHAR[])` : `json($${c})`;
      }
      params[c] = v as DuckDBValue;
      return `$${c}`;
    });
    await db.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${exprs.join(', ')})`, params);
  }
}

/** The columns of the view cloudtrail_events that come from cloudtrail_identities. */
const IDENTITY_COLUMNS = ['identity_type', 'principal_arn', 'principal_id', 'account_id', 'access_key_id', 'user_name',
  'session_issuer_arn', 'session_issuer_type', 'session_name', 'invoked_by'];

/**
 * Rows of the view cloudtrail_events: the event columns go to cloudtrail_records, the identity
 * columns a row states to cloudtrail_identities as stated, keyed by the row's user_identity (or,
 * without one, by a JSON text of the stated values). A row that gives user_identity and no
 * identity column gets its identity columns read from it, by the import's own statement.
 */
async function insertCloudTrailRows(db: Db, rows: Array<Record<string, unknown>>): Promise<void> {
  const identities = new Map<string, Record<string, unknown>>();
  let derive = false;
  const records = rows.map((row) => {
    const stated = Object.fromEntries(IDENTITY_COLUMNS.filter((c) => row[c] !== undefined).map((c) => [c, row[c]]));
    const rest = Object.fromEntries(Object.entries(row).filter(([c]) => !IDENTITY_COLUMNS.includes(c)));
    const given = row.user_identity;
    const key = given === undefined || given === null
      ? (Object.keys(stated).length ? JSON.stringify(stated) : null)
      : typeof given === 'string' ? given : JSON.stringify(given);
    if (key !== null && Object.keys(stated).length) identities.set(key, stated);
    else if (key !== null) derive = true;
    return { ...rest, user_identity: key };
  });
  for (const [key, stated] of identities) {
    const cols = Object.keys(stated);
    const params: Record<string, DuckDBValue> = { user_identity: key };
    for (const c of cols) params[c] = stated[c] as DuckDBValue;
    await db.run(
      `INSERT OR IGNORE INTO cloudtrail_identities (user_identity, ${cols.join(', ')}) VALUES (${['user_identity', ...cols].map((c) => `$${c}`).join(', ')})`,
      params,
    );
  }
  await insertRows(db, 'cloudtrail_records', records);
  if (derive) await db.run(section('staging/cloudtrail_normalize.sql', 'identities'), { min_file: 0, max_file: Number.MAX_SAFE_INTEGER });
}

let seq = 0;
/** A cloudtrail_events row with the columns analyzers read; override what matters. */
export function ctRow(o: Record<string, unknown>): Record<string, unknown> {
  seq++;
  return {
    event_id: `evt-${seq}`,
    event_version: '1.09',
    aws_region: 'eu-west-1',
    read_only: true,
    event_type: 'AwsApiCall',
    source_file: 'test',
    file_id: 1,
    ...o,
  };
}

/** A call made from inside a function with its role session. */
export function sessionRow(fn: string, role: string, time: string, source: string, api: string, o: Record<string, unknown> = {}) {
  return ctRow({
    event_time: time,
    event_source: source,
    event_name: api,
    api_name: api,
    identity_type: 'AssumedRole',
    principal_arn: `arn:aws:sts::111122223333:assumed-role/${role}/${fn}`,
    session_issuer_arn: `arn:aws:iam::111122223333:role/${role}`,
    session_name: fn,
    access_key_id: 'ASIAEXAMPLEKEY000001',
    source_ip: '52.51.0.10',
    user_agent: 'aws-sdk-js/3.500.0 ua/2.0 os/linux lang/js md/nodejs#20.11.0 exec-env/AWS_Lambda_nodejs20.x',
    ...o,
  });
}

export function fnConfig(name: string, role: string, o: Record<string, unknown> = {}) {
  return {
    function_name: name,
    function_arn: `arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
    role_arn: `arn:aws:iam::111122223333:role/${role}`,
    runtime: 'nodejs20.x',
    last_modified: '2026-03-01T10:00:00Z',
    source_file: 'test',
    file_id: 1,
    ...o,
  };
}
