import { listValue } from '@duckdb/node-api';
import { sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';
import { snapshotTimeFor } from './snapshotTime.ts';

const SQL = 'staging/eni.sql';

const PROBLEM_TEXT: Record<string, string> = {
  'not-an-object': 'network interface entry is not a JSON object',
  'missing-eni-id': 'network interface has no NetworkInterfaceId',
};

/**
 * ENI snapshots: `aws ec2 describe-network-interfaces` output {"NetworkInterfaces":[...]}, into
 * network_interfaces, one row per ENI per snapshot. snapshot_time comes from --snapshot-time, else
 * from a timestamp in the file name (see snapshotTime.ts), else from the file's mtime; the ledger's
 * reason column says which.
 */
export const eniImporter: Importer = {
  formats: ['eni-snapshot'],
  source: 'eni',
  description: 'ENI snapshots: aws ec2 describe-network-interfaces output',
  maxBatchFiles: 500,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(SQL);
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));
    const params = { files: fileListParam(files), max_object: maxObjectSize(files) };

    const times = files.map((f) => snapshotTimeFor(f.path, f.mtimeMs, ctx.options.snapshotTime));
    await db.run('CREATE OR REPLACE TEMP TABLE eni_files (file_id BIGINT, snapshot_time_text VARCHAR, source VARCHAR)');
    await db.run(
      'INSERT INTO eni_files SELECT unnest($ids::BIGINT[]), unnest($times::VARCHAR[]), unnest($sources::VARCHAR[])',
      {
        ids: listValue(files.map((f) => f.fileId)),
        times: listValue(times.map((t) => t.iso)),
        sources: listValue(times.map((t) => t.source)),
      },
    );
    const badTime = await db.all<{ snapshot_time_text: string }>(sql.get('bad-time')!);
    if (badTime.length) {
      throw new Error(
        `--snapshot-time '${badTime[0]!.snapshot_time_text}' is not a timestamp (give an ISO 8601 time such as 2026-03-12T09:00:00Z)`,
      );
    }

    await db.run(sql.get('stage')!, params);
    const shape = await db.all<{ file_id: bigint; list_type: string }>(sql.get('shape-problems')!);
    if (shape.length) {
      const bad = files.find((f) => f.fileId === Number(shape[0]!.file_id))!;
      const keys = await db.all<{ keys: string[] }>(sql.get('top-keys')!, {
        files: fileListParam([bad]),
        max_object: maxObjectSize([bad]),
      });
      const found = keys[0]?.keys?.length ? `top-level keys: ${keys[0].keys.slice(0, 8).join(', ')}` : 'no top-level keys';
      const what = shape[0]!.list_type === 'missing' || shape[0]!.list_type === 'no-object'
        ? 'has no "NetworkInterfaces" array'
        : `has "NetworkInterfaces" as ${shape[0]!.list_type.toLowerCase()}, not an array`;
      throw new Error(
        `not aws ec2 describe-network-interfaces output: the file ${what} (${found}); expected {"NetworkInterfaces":[...]}`,
      );
    }

    await db.run(sql.get('normalize')!);
    await db.run(sql.get('insert')!);
    for (const r of await db.all<{ file_id: bigint; loaded: bigint; duplicate: bigint; rejected: bigint }>(sql.get('counts')!)) {
      const o = outcomes.get(Number(r.file_id))!;
      o.rowsLoaded = Number(r.loaded);
      o.rowsDuplicate = Number(r.duplicate);
      o.rowsRejected = Number(r.rejected);
    }
    for (const p of await db.all<{ file_id: bigint; record_index: bigint; code: string }>(sql.get('problems')!)) {
      outcomes.get(Number(p.file_id))!.issues.push({
        location: `record ${p.record_index}`,
        severity: 'warning',
        code: p.code,
        message: `${PROBLEM_TEXT[p.code] ?? p.code}; entry skipped`,
      });
    }
    files.forEach((f, i) => {
      const o = outcomes.get(f.fileId)!;
      const total = o.rowsLoaded + o.rowsDuplicate + o.rowsRejected;
      o.note = total === 0 ? `${times[i]!.note}; no network interfaces ({"NetworkInterfaces":[]})` : times[i]!.note;
    });
    await db.run('DROP TABLE IF EXISTS eni_batch');
    await db.run('DROP TABLE IF EXISTS eni_docs');
    await db.run('DROP TABLE IF EXISTS eni_files');
    return outcomes;
  },
};
