import { describe, expect, it } from 'vitest';
import { newConnections } from '../../src/analyzers/defs/newConnections.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import type { Db } from '../../src/db/connection.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { ctRow, fnConfig, insertRows } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };
const T1 = '2026-03-09T00:00:00Z';
const T2 = '2026-03-10T12:00:00Z';
const T3 = '2026-03-11T18:00:00Z';

function eni(snapshot: string, id: string, ip: string, o: Record<string, unknown>) {
  return { snapshot_time: snapshot, snapshot_time_source: 'file-name', eni_id: id, private_ip: ip, private_ips: [ip], vpc_id: 'vpc-1', source_file: 't', file_id: 1, status: 'in-use', ...o };
}
const lambdaEni = (fn: string, subnet: string, sg: string) => ({
  interface_type: 'lambda', description: `AWS Lambda VPC ENI-${fn}-1b2c3d4e-aaaa-bbbb-cccc-123456789012`, subnet_id: subnet, security_group_ids: [sg], requester_id: 'AROAEXAMPLE:x', requester_managed: true,
});
const rds = { interface_type: 'interface', description: 'RDSNetworkInterface', subnet_id: 'subnet-db', security_group_ids: ['sg-db'], requester_id: 'amazon-rds', requester_managed: true };

function flow(eniId: string, t: string, src: string, sport: number, dst: string, dport: number, o: Record<string, unknown> = {}) {
  const start = new Date(t).getTime() / 1000;
  return {
    version: 2, account_id: '111122223333', interface_id: eniId, srcaddr: src, dstaddr: dst, srcport: sport, dstport: dport, protocol: 6,
    packets: 10, bytes: 1000, start_time: new Date(start * 1000).toISOString(), end_time: new Date((start + 60) * 1000).toISOString(),
    action: 'ACCEPT', log_status: 'OK', file_id: 1, ...o,
  };
}

async function setup(db: Db) {
  await insertRows(db, 'lambda_functions', [
    fnConfig('orders-api', 'orders-role', { vpc_id: 'vpc-1', subnet_ids: ['subnet-a'], security_group_ids: ['sg-orders'] }),
    fnConfig('report-builder', 'rb-role', { vpc_id: 'vpc-1', subnet_ids: ['subnet-b'], security_group_ids: ['sg-shared'] }),
    fnConfig('invoice-renderer', 'ir-role', { vpc_id: 'vpc-1', subnet_ids: ['subnet-b', 'subnet-c'], security_group_ids: ['sg-shared'] }),
  ]);
  await insertRows(db, 'network_interfaces', [
    eni(T1, 'eni-orders1', '10.0.1.10', lambdaEni('orders-api', 'subnet-a', 'sg-orders')),
    eni(T2, 'eni-orders1', '10.0.1.10', lambdaEni('orders-api', 'subnet-a', 'sg-orders')),
    eni(T3, 'eni-orders2', '10.0.1.20', lambdaEni('orders-api', 'subnet-a', 'sg-orders')),
    ...[T1, T2, T3].map((t) => eni(t, 'eni-shared', '10.0.2.10', lambdaEni('report-builder', 'subnet-b', 'sg-shared'))),
    eni(T1, 'eni-rds1', '10.0.3.5', rds),
    eni(T2, 'eni-rds1', '10.0.3.5', rds),
    eni(T3, 'eni-rds2', '10.0.3.9', rds),
    ...[T1, T2, T3].map((t) => eni(t, 'eni-nat', '10.0.0.5', { interface_type: 'nat_gateway', description: 'Interface for NAT Gateway nat-0abc', subnet_id: 'subnet-pub', security_group_ids: [], public_ip: '52.51.0.10' })),
  ]);
  await insertRows(db, 'flow_custom_records', [
    // baseline: RDS and DynamoDB
    flow('eni-orders1', '2026-03-09T10:00:00Z', '10.0.1.10', 40000, '10.0.3.5', 5432),
    flow('eni-orders1', '2026-03-09T10:00:00Z', '10.0.3.5', 5432, '10.0.1.10', 40000),
    flow('eni-orders1', '2026-03-10T10:00:00Z', '10.0.1.10', 40001, '52.94.5.5', 443),
    // incident: same RDS on its new IP through the new ENI (not new), DynamoDB (not new), a new external peer
    flow('eni-orders2', '2026-03-11T08:00:00Z', '10.0.1.20', 41000, '10.0.3.9', 5432),
    flow('eni-orders2', '2026-03-11T08:00:00Z', '10.0.3.9', 5432, '10.0.1.20', 41000),
    flow('eni-orders2', '2026-03-11T08:01:00Z', '10.0.1.20', 41001, '52.94.5.5', 443),
    flow('eni-orders2', '2026-03-11T08:31:00Z', '10.0.1.20', 41002, '203.0.113.50', 4444, { bytes: 5000 }),
    flow('eni-orders2', '2026-03-11T08:31:00Z', '203.0.113.50', 4444, '10.0.1.20', 41002, { bytes: 700 }),
    // the NAT's own ENI sees the flow as AWS documents it: function -> NAT (pkt-dstaddr is the real
    // destination), NAT -> internet, internet -> NAT, NAT -> function (pkt-srcaddr is the remote host)
    flow('eni-nat', '2026-03-11T08:31:00Z', '10.0.1.20', 41002, '10.0.0.5', 4444, { pkt_srcaddr: '10.0.1.20', pkt_dstaddr: '203.0.113.50', version: 5 }),
    flow('eni-nat', '2026-03-11T08:31:00Z', '10.0.0.5', 21002, '203.0.113.50', 4444, { pkt_srcaddr: '10.0.0.5', pkt_dstaddr: '203.0.113.50', version: 5 }),
    flow('eni-nat', '2026-03-11T08:31:00Z', '203.0.113.50', 4444, '10.0.0.5', 21002, { pkt_srcaddr: '203.0.113.50', pkt_dstaddr: '10.0.0.5', version: 5 }),
    flow('eni-nat', '2026-03-11T08:31:00Z', '10.0.0.5', 4444, '10.0.1.20', 41002, { pkt_srcaddr: '203.0.113.50', pkt_dstaddr: '10.0.1.20', version: 5 }),
    // the shared ENI of report-builder / invoice-renderer
    flow('eni-shared', '2026-03-09T12:00:00Z', '10.0.2.10', 42000, '10.0.3.5', 5432),
    flow('eni-shared', '2026-03-11T12:00:00Z', '10.0.2.10', 42001, '10.0.3.9', 5432),
    flow('eni-shared', '2026-03-11T12:05:00Z', '10.0.2.10', 42002, '198.51.100.5', 443),
    flow('eni-shared', '2026-03-11T12:06:00Z', '-', 0, '-', 0, { srcaddr: null, dstaddr: null, log_status: 'NODATA' }),
  ]);
}

describe('ENI attribution', () => {
  it('attributes ENIs by VPC config and description, marks the shared Hyperplane ENI ambiguous, and bounds IPs by snapshots', async () => {
    await withMemoryDb(async (db) => {
      await setup(db);
      const rows = await db.json(`SELECT eni_id, private_ip, function_name, valid_from, valid_to, method, ambiguous FROM eni_attribution ORDER BY eni_id, function_name`);
      expect(rows).toEqual([
        { eni_id: 'eni-orders1', private_ip: '10.0.1.10', function_name: 'orders-api', valid_from: null, valid_to: '2026-03-11 18:00:00+00', method: 'vpc-config+description', ambiguous: false },
        { eni_id: 'eni-orders2', private_ip: '10.0.1.20', function_name: 'orders-api', valid_from: '2026-03-10 12:00:00+00', valid_to: null, method: 'vpc-config+description', ambiguous: false },
        { eni_id: 'eni-shared', private_ip: '10.0.2.10', function_name: 'invoice-renderer', valid_from: null, valid_to: null, method: 'vpc-config', ambiguous: true },
        { eni_id: 'eni-shared', private_ip: '10.0.2.10', function_name: 'report-builder', valid_from: null, valid_to: null, method: 'vpc-config+description', ambiguous: true },
      ]);
      const peers = await db.json(`SELECT address, kind, name, identity FROM peers WHERE kind IN ('rds', 'nat') ORDER BY address`);
      expect(peers).toEqual([
        { address: '10.0.0.5', kind: 'nat', name: 'nat-0abc', identity: 'nat:nat-0abc' },
        { address: '10.0.3.5', kind: 'rds', name: 'RDS sg-db', identity: 'rds:vpc-1:sg-db' },
        { address: '10.0.3.9', kind: 'rds', name: 'RDS sg-db', identity: 'rds:vpc-1:sg-db' },
        { address: '52.51.0.10', kind: 'nat', name: 'nat-0abc', identity: 'nat:nat-0abc' },
      ]);
    });
  });
});

describe('ENI seen only in CloudTrail', () => {
  it('an ENI created and deleted between two snapshots is still the function\'s, bounded by the events', async () => {
    await withMemoryDb(async (db) => {
      await setup(db);
      await insertRows(db, 'cloudtrail_events', [
        ctRow({
          event_time: '2026-03-10T13:00:00Z', event_source: 'ec2.amazonaws.com', api_name: 'CreateNetworkInterface', identity_type: 'AssumedRole',
          principal_arn: 'arn:aws:sts::111122223333:assumed-role/orders-role/orders-api', session_name: 'orders-api', source_ip: 'lambda.amazonaws.com',
          request_parameters: { subnetId: 'subnet-a', description: 'AWS Lambda VPC ENI-orders-api-9b2c3d4e-aaaa-bbbb-cccc-123456789012', groupSet: { items: [{ groupId: 'sg-orders' }] } },
          response_elements: { networkInterface: { networkInterfaceId: 'eni-mid', privateIpAddress: '10.0.1.30', vpcId: 'vpc-1', interfaceType: 'lambda' } },
        }),
        ctRow({ event_time: '2026-03-11T02:00:00Z', event_source: 'ec2.amazonaws.com', api_name: 'DeleteNetworkInterface', request_parameters: { networkInterfaceId: 'eni-mid' } }),
      ]);
      expect(await db.json(`SELECT eni_id, private_ip, function_name, valid_from, valid_to, ambiguous FROM eni_attribution WHERE eni_id = 'eni-mid'`)).toEqual([
        { eni_id: 'eni-mid', private_ip: '10.0.1.30', function_name: 'orders-api', valid_from: '2026-03-10 13:00:00+00', valid_to: '2026-03-11 02:00:00+00', ambiguous: false },
      ]);
    });
  });
});

describe('new-connections', () => {
  it('reports the new external peer via NAT and the shared-ENI peer as ambiguous, not the RDS that moved', async () => {
    await withMemoryDb(async (db) => {
      await setup(db);
      const r = await runAnalyzer(db, newConnections, ctx);
      expect(r.table.rows).toEqual([
        { function: 'orders-api', peer_address: '203.0.113.50', peer_port: 4444, protocol: 6, direction: 'outbound', peer_name: null, peer_kind: 'external', first_seen: '2026-03-11T08:31:00.000Z', packets: 20, bytes: 5700, action: 'ACCEPT', eni_id: 'eni-orders2', ambiguous: false, via_nat: true },
        { function: 'invoice-renderer', peer_address: '198.51.100.5', peer_port: 443, protocol: 6, direction: 'outbound', peer_name: null, peer_kind: 'external', first_seen: '2026-03-11T12:05:00.000Z', packets: 10, bytes: 1000, action: 'ACCEPT', eni_id: 'eni-shared', ambiguous: true, via_nat: false },
        { function: 'report-builder', peer_address: '198.51.100.5', peer_port: 443, protocol: 6, direction: 'outbound', peer_name: null, peer_kind: 'external', first_seen: '2026-03-11T12:05:00.000Z', packets: 10, bytes: 1000, action: 'ACCEPT', eni_id: 'eni-shared', ambiguous: true, via_nat: false },
      ]);
      const only = await runAnalyzer(db, newConnections, { ...ctx, function: 'orders-api' });
      expect(only.rows.map((x) => x.peer_address)).toEqual(['203.0.113.50']);
    });
  });

  it('lists the distinct actions of the window in order, whatever they are, and not those of the baseline', async () => {
    await withMemoryDb(async (db) => {
      await setup(db);
      await insertRows(db, 'flow_custom_records', [
        flow('eni-orders2', '2026-03-11T09:00:00Z', '10.0.1.20', 42000, '192.0.2.1', 22, { action: 'REJECT' }),
        flow('eni-orders2', '2026-03-11T09:01:00Z', '10.0.1.20', 42001, '192.0.2.1', 22, { action: 'ACCEPT' }),
        flow('eni-orders2', '2026-03-11T09:02:00Z', '10.0.1.20', 42002, '192.0.2.1', 22, { action: 'DROP' }),
        flow('eni-orders2', '2026-03-11T09:03:00Z', '10.0.1.20', 42003, '192.0.2.1', 22, { action: null }),
        flow('eni-orders2', '2026-03-11T09:00:00Z', '10.0.1.20', 42004, '192.0.2.2', 22, { action: 'REJECT' }),
        flow('eni-orders2', '2026-03-11T09:00:00Z', '10.0.1.20', 42005, '192.0.2.3', 22, { action: null }),
        // baseline: 192.0.2.4 was not contacted before; its REJECT in the baseline makes it not new
        flow('eni-orders1', '2026-03-10T09:00:00Z', '10.0.1.10', 42006, '192.0.2.4', 22, { action: 'REJECT' }),
        flow('eni-orders2', '2026-03-11T09:00:00Z', '10.0.1.20', 42007, '192.0.2.4', 22, { action: 'ACCEPT' }),
      ]);
      const r = await runAnalyzer(db, newConnections, { ...ctx, function: 'orders-api' });
      expect(r.rows.filter((x) => String(x.peer_address).startsWith('192.0.2.')).map((x) => [x.peer_address, x.action])).toEqual([
        ['192.0.2.1', 'ACCEPT,DROP,REJECT'],
        ['192.0.2.2', 'REJECT'],
        ['192.0.2.3', null],
      ]);
    });
  });
});

describe('new-connections: a peer is its identity at the time of each flow', () => {
  it('an address a named RDS held in the baseline, talked to again after the RDS left it, is a new (unnamed) peer', async () => {
    await withMemoryDb(async (db) => {
      await setup(db);
      // eni-shared talked to 10.0.3.5:5432 in the baseline, when eni-rds1 held it (snapshots T1, T2);
      // the T3 snapshot has no ENI with that address, so after T3 it is nobody known
      await insertRows(db, 'flow_custom_records', [flow('eni-shared', '2026-03-11T20:00:00Z', '10.0.2.10', 42003, '10.0.3.5', 5432)]);
      const peers = await db.all<{ kind: string; valid_to: unknown }>(`SELECT kind, valid_to FROM peers WHERE address = '10.0.3.5'`);
      expect(peers.map((p) => p.kind)).toEqual(['rds']);
      const r = await runAnalyzer(db, newConnections, { ...ctx, function: 'report-builder' });
      expect(r.rows.filter((x) => x.peer_address === '10.0.3.5').map((x) => [x.peer_kind, x.peer_name, x.first_seen])).toEqual([
        ['internal-unknown', null, '2026-03-11T20:00:00.000Z'],
      ]);
    });
  });
});
