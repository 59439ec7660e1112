import { sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';

const SQL = 'staging/inventory.sql';

/** The top-level list each format carries. */
const LIST_KEY: Record<string, string> = {
  'ec2-vpcs': 'Vpcs',
  'ec2-subnets': 'Subnets',
  'ec2-security-groups': 'SecurityGroups',
  'rds-instances': 'DBInstances',
  'elasticache-clusters': 'CacheClusters',
};

/**
 * Network inventory: describe-vpcs, describe-subnets, describe-security-groups,
 * rds describe-db-instances and elasticache describe-cache-clusters. They name what the ENI
 * snapshots show only as addresses (the `peers` view) and give the VPC ranges that decide
 * internal from external.
 */
export const inventoryImporter: Importer = {
  formats: Object.keys(LIST_KEY),
  source: 'inventory',
  description: 'Network inventory: VPCs, subnets, security groups, RDS instances, ElastiCache clusters',
  maxBatchFiles: 500,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(SQL);
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));
    const byFormat = new Map<string, typeof files>();
    for (const f of files) byFormat.set(f.format, [...(byFormat.get(f.format) ?? []), f]);
    for (const [format, group] of byFormat) {
      const params = { files: fileListParam(group), max_object: maxObjectSize(group) };
      const bad = await db.all<{ display_path: string; keys: string[] | null }>(sql.get('shape')!, { ...params, list_key: LIST_KEY[format]! });
      if (bad.length) {
        throw new Error(
          `not ${format} output: ${bad[0]!.display_path} has no "${LIST_KEY[format]}" array (top-level keys: ${(bad[0]!.keys ?? []).slice(0, 8).join(', ') || 'none'})`,
        );
      }
      await db.run(sql.get(format)!, params);
    }
    for (const r of await db.all<{ file_id: bigint; n: bigint }>(sql.get('counts')!)) {
      outcomes.get(Number(r.file_id))!.rowsLoaded = Number(r.n);
    }
    return outcomes;
  },
};
