import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL, count, importPaths, tempDir, withMemoryDb } from '../helpers/db.ts';
import { insertRows } from '../helpers/rows.ts';

const CM = path.join(REAL, 'cloudmapper-demo');

const rdsDump = {
  DBInstances: [
    {
      DBInstanceIdentifier: 'orders-db',
      DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:orders-db',
      Engine: 'postgres',
      Endpoint: { Address: 'orders-db.abc.eu-west-1.rds.amazonaws.com', Port: 5432, HostedZoneId: 'Z1' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db', Status: 'active' }],
      DBSubnetGroup: { DBSubnetGroupName: 'db', VpcId: 'vpc-1', Subnets: [{ SubnetIdentifier: 'subnet-db1' }, { SubnetIdentifier: 'subnet-db2' }] },
    },
  ],
};
const cacheDump = { CacheClusters: [{ CacheClusterId: 'sessions-001', Engine: 'redis', CacheSubnetGroupName: 'cache', SecurityGroups: [{ SecurityGroupId: 'sg-cache', Status: 'active' }] }] };

describe('network inventory importer', () => {
  it('loads the cloudmapper VPC, subnets and security groups', async () => {
    await withMemoryDb(async (db) => {
      const s = await importPaths(db, [path.join(CM, 'ec2-describe-vpcs.json'), path.join(CM, 'ec2-describe-subnets.json'), path.join(CM, 'ec2-describe-security-groups.json')]);
      expect(s.files.map((f) => [path.basename(f.path), f.status, f.format, f.rows])).toEqual([
        ['ec2-describe-vpcs.json', 'loaded', 'ec2-vpcs', 1],
        ['ec2-describe-subnets.json', 'loaded', 'ec2-subnets', 4],
        ['ec2-describe-security-groups.json', 'loaded', 'ec2-security-groups', 8],
      ]);
      expect(await db.json(`SELECT vpc_id, cidr_block, name FROM vpc_cidrs`)).toEqual([{ vpc_id: 'vpc-12345678', cidr_block: '10.0.0.0/16', name: 'Prod' }]);
      expect(await db.json(`SELECT subnet_id, cidr_block, name FROM subnets ORDER BY 1 LIMIT 1`)).toEqual([{ subnet_id: 'subnet-00000001', cidr_block: '10.0.0.0/24', name: 'Public 1a' }]);
      expect(await db.json(`SELECT group_name, description FROM security_groups WHERE group_id = 'sg-00000005'`)).toEqual([{ group_name: 'Database', description: 'Database' }]);
    });
  });

  it('names an RDS ENI from describe-db-instances, keeping its identity when its IP changes', async () => {
    await withMemoryDb(async (db) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'rds.json'), JSON.stringify(rdsDump, null, 2));
      fs.writeFileSync(path.join(dir, 'cache.json'), JSON.stringify(cacheDump));
      const s = await importPaths(db, [dir]);
      expect(s.files.map((f) => [f.format, f.rows])).toEqual([['elasticache-clusters', 1], ['rds-instances', 1]]);
      expect(await db.json(`SELECT db_instance_identifier, endpoint_port, vpc_id, security_group_ids, subnet_ids FROM rds_instances`)).toEqual([
        { db_instance_identifier: 'orders-db', endpoint_port: 5432, vpc_id: 'vpc-1', security_group_ids: ['sg-db'], subnet_ids: ['subnet-db1', 'subnet-db2'] },
      ]);
      const rds = { interface_type: 'interface', description: 'RDSNetworkInterface', subnet_id: 'subnet-db1', vpc_id: 'vpc-1', security_group_ids: ['sg-db'], requester_id: 'amazon-rds', source_file: 't', file_id: 9, snapshot_time_source: 'file-name' };
      await insertRows(db, 'network_interfaces', [
        { ...rds, snapshot_time: '2026-03-09T00:00:00Z', eni_id: 'eni-rds1', private_ip: '10.0.3.5', private_ips: ['10.0.3.5'] },
        { ...rds, snapshot_time: '2026-03-11T18:00:00Z', eni_id: 'eni-rds2', private_ip: '10.0.3.9', private_ips: ['10.0.3.9'] },
      ]);
      expect(await db.json(`SELECT address, name, identity FROM peers ORDER BY address`)).toEqual([
        { address: '10.0.3.5', name: 'RDS orders-db', identity: 'rds:orders-db' },
        { address: '10.0.3.9', name: 'RDS orders-db', identity: 'rds:orders-db' },
      ]);
    });
  });

  it('a dump of the wrong shape forced with --source fails whole with a clear message', async () => {
    await withMemoryDb(async (db) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'x.json'), JSON.stringify({ DBClusters: [] }));
      await importPaths(db, [dir], { source: 'rds-instances' });
      const [issue] = await db.json<{ code: string; message: string }>(`SELECT code, message FROM import_issues`);
      expect(issue!.code).toBe('load-failed');
      expect(issue!.message).toMatch(/not rds-instances output: .*x\.json has no "DBInstances" array \(top-level keys: DBClusters\)/);
      expect(await count(db, 'SELECT count(*) FROM rds_instances')).toBe(0);
    });
  });
});
