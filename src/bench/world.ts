import { Rng } from './rng.ts';

/**
 * The synthetic AWS account every generated file describes: one account, a VPC with two private
 * subnets behind two NAT gateways, Lambda functions (most of them in the VPC, each with two
 * Lambda ENIs), other ENIs (EC2, RDS, ElastiCache, NAT, VPC endpoints), the people and pipelines
 * that call the APIs, and a small incident in the last day of data. It is derived from the seed
 * alone, so every generator process builds the same one.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const OTHER_REGION = 'eu-west-1';
/** Data runs over DAYS days from START; the incident is the last day. */
export const START_MS = Date.UTC(2026, 2, 5, 0, 0, 0);
export const DAYS = 7;
export const END_MS = START_MS + DAYS * 86_400_000;
export const INCIDENT_MS = END_MS - 86_400_000;
export const VPC_ID = 'vpc-0a1b2c3d4e5f60718';

export interface Eni {
  id: string;
  ip: string;
  subnet: string;
  az: string;
  kind: 'lambda' | 'ec2' | 'rds' | 'cache' | 'nat' | 'endpoint';
  description: string;
  interfaceType: string;
  requesterId?: string;
  instanceId?: string;
  publicIp?: string;
  sg: string;
  mac: string;
  /** Lambda ENIs: the function. */
  fn?: string;
}

export interface Fn {
  name: string;
  runtime: 'python3.12' | 'nodejs20.x';
  role: string;
  roleId: string;
  memory: number;
  timeout: number;
  arn: string;
  vpc: boolean;
  enis: Eni[];
  sg: string;
  bucket: string;
  table: string;
  ua: string;
  codeSha: string;
}

export interface Person {
  name: string;
  kind: 'user' | 'ci';
  principalId: string;
  accessKey: string;
  arn: string;
  ip: string;
  ua: string;
}

export interface World {
  fns: Fn[];
  vpcFns: Fn[];
  enis: Eni[];
  lambdaEnis: Eni[];
  otherEnis: Eni[];
  internalPeers: Array<{ ip: string; port: number }>;
  publicPeers: string[];
  natIps: string[];
  people: Person[];
  subnets: Array<{ id: string; az: string; cidr: string }>;
  kmsKey: string;
  /** The function whose role is abused in the incident. */
  victim: Fn;
  attackerIp: string;
  attackerUa: string;
  c2: { ip: string; port: number };
}

const FN_NAMES = [
  'orders-api', 'billing-worker', 'image-resize', 'auth-authorizer', 'report-builder', 'inventory-sync',
  'email-sender', 'payments-webhook', 'search-indexer', 'audit-forwarder', 'thumbnailer', 'user-profile',
  'cart-service', 'shipping-quotes', 'fraud-scorer', 'pdf-export', 'session-cleanup', 'metrics-rollup',
  'catalog-import', 'notify-slack',
];

const PY_UA = (v: string) =>
  `Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.224-233.882.amzn2.x86_64 md/arch#x86_64 lang/python#${v} md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145`;
const NODE_UA =
  'aws-sdk-js/3.616.0 ua/2.1 os/linux#5.10.224-233.882.amzn2.x86_64 lang/js md/nodejs#20.15.1 api/s3#3.616.0 exec-env/AWS_Lambda_nodejs20.x m/E,N';
export const CLI_UA = (cmd: string) =>
  `aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0-1012-aws md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#${cmd}`;
const TF_UA =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.3 (+https://www.terraform.io) terraform-provider-aws/5.61.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/lambda#1.56.3';

function ipv4(r: Rng, a: number, b?: number): string {
  return `${a}.${b ?? r.range(0, 255)}.${r.range(0, 255)}.${r.range(1, 254)}`;
}

export function buildWorld(seed: string, scale: number): World {
  const r = new Rng(`world:${seed}`);
  const subnets = [
    { id: `subnet-0${r.hex(16)}`, az: 'us-east-1a', cidr: '10.0.1.' },
    { id: `subnet-0${r.hex(16)}`, az: 'us-east-1b', cidr: '10.0.2.' },
  ];
  const usedIps = new Set<string>();
  const perSubnet = new Map<string, number>();
  // Each subnet takes its addresses from 10.0.<n>.4-250, moving on to the next free /24 of its own
  // (n + 2) after 200 addresses, so a large scale never runs out of addresses.
  const privIp = (s: { cidr: string }) => {
    const taken = perSubnet.get(s.cidr) ?? 0;
    perSubnet.set(s.cidr, taken + 1);
    const [a, b, c] = s.cidr.split('.');
    const block = `${a}.${b}.${Number(c) + 2 * Math.floor(taken / 200)}.`;
    for (;;) {
      const ip = `${block}${r.range(4, 250)}`;
      if (!usedIps.has(ip)) {
        usedIps.add(ip);
        return ip;
      }
    }
  };
  const mac = () => `0a:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`;

  const fns: Fn[] = FN_NAMES.map((name, i) => {
    const runtime = i % 3 === 2 ? 'nodejs20.x' : 'python3.12';
    const role = `${name}-role`;
    return {
      name,
      runtime,
      role,
      roleId: `AROA${r.upper(17)}`,
      memory: r.pick([128, 256, 512, 1024]),
      timeout: r.pick([3, 10, 30, 60]),
      arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
      vpc: i < 14,
      enis: [],
      sg: `sg-0${r.hex(16)}`,
      bucket: `acme-${name}-${r.hex(6)}`,
      table: `${name.replace(/-/g, '_')}_state`,
      ua: runtime === 'python3.12' ? PY_UA('3.12.5') : NODE_UA,
      codeSha: `${r.alnum(42)}=`,
    };
  });
  const vpcFns = fns.filter((f) => f.vpc);

  const enis: Eni[] = [];
  for (const f of vpcFns) {
    for (const s of subnets) {
      const e: Eni = {
        id: `eni-0${r.hex(16)}`,
        ip: privIp(s),
        subnet: s.id,
        az: s.az,
        kind: 'lambda',
        description: `AWS Lambda VPC ENI-${f.name}-${r.uuid()}`,
        interfaceType: 'lambda',
        requesterId: `${f.roleId}:${r.hex(32)}`,
        sg: f.sg,
        mac: mac(),
        fn: f.name,
      };
      f.enis.push(e);
      enis.push(e);
    }
  }
  // Other ENIs: their number follows the scale (at least a few of each kind).
  const others = Math.max(12, Math.round(160 * scale));
  const kinds: Eni['kind'][] = ['ec2', 'ec2', 'ec2', 'ec2', 'rds', 'cache', 'endpoint', 'ec2'];
  const natIps: string[] = [];
  for (const s of subnets) {
    const natId = `nat-0${r.hex(16)}`;
    const pub = ipv4(r, 3, 210 + natIps.length);
    natIps.push(pub);
    enis.push({
      id: `eni-0${r.hex(16)}`, ip: privIp(s), subnet: s.id, az: s.az, kind: 'nat',
      description: `Interface for NAT Gateway ${natId}`, interfaceType: 'nat_gateway', requesterId: 'amazon-vpc',
      publicIp: pub, sg: `sg-0${r.hex(16)}`, mac: mac(),
    });
  }
  for (let i = 0; i < others; i++) {
    const s = subnets[i % 2]!;
    const kind = kinds[i % kinds.length]!;
    const base = { id: `eni-0${r.hex(16)}`, ip: privIp(s), subnet: s.id, az: s.az, kind, sg: `sg-0${r.hex(16)}`, mac: mac() };
    if (kind === 'ec2') enis.push({ ...base, description: 'Primary network interface', interfaceType: 'interface', instanceId: `i-0${r.hex(16)}` });
    else if (kind === 'rds') enis.push({ ...base, description: 'RDSNetworkInterface', interfaceType: 'interface', requesterId: 'amazon-rds' });
    else if (kind === 'cache') enis.push({ ...base, description: `ElastiCache app-cache-${String(i).padStart(4, '0')}-001`, interfaceType: 'interface', requesterId: 'amazon-elasticache' });
    else enis.push({ ...base, description: `VPC Endpoint Interface vpce-0${r.hex(16)}`, interfaceType: 'vpc_endpoint', requesterId: '727180483921' });
  }
  const lambdaEnis = enis.filter((e) => e.kind === 'lambda');
  const otherEnis = enis.filter((e) => e.kind !== 'lambda');
  const internalPeers = enis
    .filter((e) => e.kind === 'rds' || e.kind === 'cache' || e.kind === 'endpoint')
    .map((e) => ({ ip: e.ip, port: e.kind === 'rds' ? 5432 : e.kind === 'cache' ? 6379 : 443 }));
  const publicPeers: string[] = [];
  const nPeers = Math.max(200, Math.round(3000 * scale));
  for (let i = 0; i < nPeers; i++) publicPeers.push(ipv4(r, r.pick([52, 54, 3, 18, 35, 44, 13])));

  const people: Person[] = [];
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
    people.push({
      name, kind: 'user', principalId: `AIDA${r.upper(17)}`, accessKey: `AKIA${r.upper(16)}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, ip: ipv4(r, r.pick([81, 86, 92, 109])), ua: CLI_UA('lambda.get-function'),
    });
  }
  for (const name of ['github-deploy', 'terraform-ci']) {
    people.push({
      name, kind: 'ci', principalId: `AROA${r.upper(17)}`, accessKey: `ASIA${r.upper(16)}`,
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, ip: ipv4(r, 20, r.range(0, 200)), ua: TF_UA,
    });
  }
  return {
    fns, vpcFns, enis, lambdaEnis, otherEnis, internalPeers, publicPeers, natIps, people, subnets,
    kmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${r.uuid()}`,
    victim: vpcFns[0]!,
    attackerIp: '185.220.101.47',
    attackerUa: CLI_UA('iam.list-users'),
    c2: { ip: '203.0.113.50', port: 4444 },
  };
}

/** 2026-03-05T12:34:56Z */
export function isoSec(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** 2026-03-05T12:34:56.789Z */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** 20260305T1234Z, as in CloudTrail and flow-log object names. */
export function compactMinute(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}Z`;
}

/** YYYY/MM/DD */
export function datePath(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}/${s.slice(5, 7)}/${s.slice(8, 10)}`;
}
