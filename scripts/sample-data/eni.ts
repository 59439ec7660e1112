// `aws ec2 describe-network-interfaces` taken three times (the file names carry the time).
// Between the first two, orders-api's subnet-B Hyperplane ENI is replaced; between the last two,
// RDS moves to a new ENI and IP, and a new EC2 instance gets the old orders-api ENI's address.
import type { Out } from './io.ts';
import {
  ACCOUNT, AZ, BATCH_INSTANCE, CACHE_CLUSTER, ENI, ETL_INSTANCE, ETL_LAUNCHED, FUNCTIONS, NAT, REGION, Rng, SG, VPC_ID, at, type EniSpec,
} from './story.ts';

const SG_NAMES: Record<string, string> = {
  [SG.orders]: 'orders-api-sg', [SG.reports]: 'reports-lambda-sg', [SG.rds]: 'orders-db-sg', [SG.cache]: 'orders-cache-sg', [SG.batch]: 'batch-workers-sg',
};

export const SNAPSHOTS = [at(1, 0, 0), at(2, 12, 0), at(3, 18, 0)];

type Kind = 'lambda' | 'nat' | 'rds' | 'cache' | 'ec2';
interface EniDef {
  spec: EniSpec;
  kind: Kind;
  sgs: string[];
  fn?: string;
  instance?: string;
  attached: number;
  in: (t: number) => boolean;
}

const always = () => true;
const DEFS: EniDef[] = [
  { spec: ENI.ordersA, kind: 'lambda', sgs: [SG.orders], fn: 'orders-api', attached: Date.UTC(2026, 1, 10, 9, 12, 40), in: always },
  { spec: ENI.ordersBOld, kind: 'lambda', sgs: [SG.orders], fn: 'orders-api', attached: Date.UTC(2026, 1, 10, 9, 12, 41), in: (t) => t < at(2, 3, 20) },
  { spec: ENI.ordersBNew, kind: 'lambda', sgs: [SG.orders], fn: 'orders-api', attached: at(2, 3, 12, 9), in: (t) => t > at(2, 3, 12) },
  // report-builder and invoice-renderer share subnets and security groups: one ENI per subnet, named after report-builder
  { spec: ENI.reportsA, kind: 'lambda', sgs: [SG.reports], fn: 'report-builder', attached: Date.UTC(2026, 0, 22, 15, 3, 2), in: always },
  { spec: ENI.reportsB, kind: 'lambda', sgs: [SG.reports], fn: 'report-builder', attached: Date.UTC(2026, 0, 22, 15, 3, 4), in: always },
  { spec: { id: NAT.eni, ip: NAT.ip, subnet: 'subnet-0c99aa00bb11cc22e' }, kind: 'nat', sgs: [], attached: Date.UTC(2025, 10, 3, 8, 0, 0), in: always },
  { spec: ENI.rdsOld, kind: 'rds', sgs: [SG.rds], attached: Date.UTC(2025, 11, 1, 3, 4, 0), in: (t) => t < at(3, 3, 7) },
  { spec: ENI.rdsNew, kind: 'rds', sgs: [SG.rds], attached: at(3, 3, 6, 21), in: (t) => t > at(3, 3, 7) },
  { spec: ENI.cache, kind: 'cache', sgs: [SG.cache], attached: Date.UTC(2025, 11, 1, 4, 0, 0), in: always },
  { spec: ENI.batch, kind: 'ec2', sgs: [SG.batch], instance: BATCH_INSTANCE, attached: Date.UTC(2026, 1, 2, 10, 30, 0), in: always },
  { spec: ENI.etl, kind: 'ec2', sgs: [SG.batch], instance: ETL_INSTANCE, attached: ETL_LAUNCHED, in: (t) => t > ETL_LAUNCHED },
];

const dns = (ip: string) => `ip-${ip.replace(/\./g, '-')}.${REGION}.compute.internal`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

function eniJson(d: EniDef, rng: Rng): Record<string, unknown> {
  const s = d.spec;
  const role = d.fn ? FUNCTIONS.find((f) => f.name === d.fn)! : undefined;
  const description = d.kind === 'lambda' ? `AWS Lambda VPC ENI-${d.fn}-${s.uuid}`
    : d.kind === 'nat' ? `Interface for NAT Gateway ${NAT.id}`
      : d.kind === 'rds' ? 'RDSNetworkInterface'
        : d.kind === 'cache' ? `ElastiCache ${CACHE_CLUSTER}` : 'Primary network interface';
  const requester: Record<Kind, string | undefined> = {
    lambda: role ? `${role.roleId}:${s.uuid!.replace(/-/g, '')}` : undefined, nat: 'amazon-aws', rds: 'amazon-rds', cache: 'amazon-elasticache', ec2: undefined,
  };
  const attachment: Record<string, unknown> = d.kind === 'ec2'
    ? { AttachTime: iso(d.attached), AttachmentId: `eni-attach-${rng.hex(17)}`, DeleteOnTermination: true, DeviceIndex: 0, InstanceId: d.instance, InstanceOwnerId: ACCOUNT, NetworkCardIndex: 0, Status: 'attached' }
    : d.kind === 'lambda'
      ? { AttachTime: iso(d.attached), AttachmentId: `ela-attach-${rng.hex(17)}`, DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: 'amazon-aws', Status: 'attached' }
      : { AttachmentId: `ela-attach-${rng.hex(17)}`, DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: d.kind === 'rds' ? 'amazon-rds' : 'amazon-aws', Status: 'attached' };
  const assoc = d.kind === 'nat'
    ? { AllocationId: NAT.alloc, AssociationId: NAT.assoc, IpOwnerId: 'amazon', PublicDnsName: `ec2-${NAT.publicIp.replace(/\./g, '-')}.${REGION}.compute.amazonaws.com`, PublicIp: NAT.publicIp }
    : undefined;
  return {
    Association: assoc,
    Attachment: attachment,
    AvailabilityZone: AZ[s.subnet],
    Description: description,
    Groups: d.sgs.map((g) => ({ GroupName: SG_NAMES[g], GroupId: g })),
    InterfaceType: d.kind === 'lambda' ? 'lambda' : d.kind === 'nat' ? 'nat_gateway' : 'interface',
    Ipv6Addresses: [],
    MacAddress: macFor(s.id),
    NetworkInterfaceId: s.id,
    OwnerId: ACCOUNT,
    PrivateDnsName: dns(s.ip),
    PrivateIpAddress: s.ip,
    PrivateIpAddresses: [{ Association: assoc, Primary: true, PrivateDnsName: dns(s.ip), PrivateIpAddress: s.ip }],
    RequesterId: requester[d.kind],
    RequesterManaged: d.kind !== 'ec2',
    SourceDestCheck: d.kind !== 'nat',
    Status: 'in-use',
    SubnetId: s.subnet,
    TagSet: d.kind === 'ec2' ? [{ Key: 'Name', Value: d.instance === BATCH_INSTANCE ? 'batch-worker' : 'etl-worker' }] : [],
    VpcId: VPC_ID,
  };
}

function macFor(id: string): string {
  const h = id.slice(-10);
  return `06:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}`;
}

export interface EniSummary { snapshots: Array<{ file: string; enis: number }> }

export function writeEniSnapshots(out: Out): EniSummary {
  const snapshots: EniSummary['snapshots'] = [];
  for (const t of SNAPSHOTS) {
    const rng = new Rng('eni'); // same attachment ids in every snapshot
    const list = DEFS.map((d) => ({ d, j: eniJson(d, rng) })).filter((x) => x.d.in(t)).map((x) => x.j);
    const file = `config/eni/describe-network-interfaces_${new Date(t).toISOString().replace(/[-:]/g, '').slice(0, 13)}Z.json`;
    out.cliJson(file, { NetworkInterfaces: list });
    snapshots.push({ file, enis: list.length });
  }
  return { snapshots };
}
