// The constants of the sample incident: names, ids, addresses and times every generated file
// agrees on, plus a seeded PRNG and time helpers. sample-data/README.md is the answer key.

export const ACCOUNT = '111122223333';
export const ATTACKER_ACCOUNT = '999988887777';
export const REGION = 'eu-west-1';

const H = 3600_000;
export const MIN = 60_000;
export const HOUR = H;
export const DAY = 24 * H;
export const T0 = Date.UTC(2026, 2, 9); // 2026-03-09T00:00:00Z
export const T_END = Date.UTC(2026, 2, 12) - 1000; // 2026-03-11T23:59:59Z: nothing is later
export const INCIDENT = Date.UTC(2026, 2, 11, 8); // 2026-03-11T08:00:00Z
export const at = (day: number, h: number, m = 0, s = 0, ms = 0) => Date.UTC(2026, 2, 8 + day, h, m, s, ms); // day 1 = 03-09

// --- network -------------------------------------------------------------------------------
export const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
export const SUBNET_A = 'subnet-0a11aa22bb33cc44d'; // 10.20.1.0/24 eu-west-1a, private
export const SUBNET_B = 'subnet-0b55dd66ee77ff880'; // 10.20.2.0/24 eu-west-1b, private
export const SUBNET_PUB = 'subnet-0c99aa00bb11cc22e'; // 10.20.0.0/24 eu-west-1a, public (NAT)
export const AZ: Record<string, string> = { [SUBNET_A]: 'eu-west-1a', [SUBNET_B]: 'eu-west-1b', [SUBNET_PUB]: 'eu-west-1a' };
export const AZ_ID: Record<string, string> = { 'eu-west-1a': 'euw1-az2', 'eu-west-1b': 'euw1-az3' };
export const SG = {
  orders: 'sg-0a1b2c3d4e5f60001',
  reports: 'sg-0a1b2c3d4e5f60002',
  rds: 'sg-0a1b2c3d4e5f60003',
  cache: 'sg-0a1b2c3d4e5f60004',
  batch: 'sg-0a1b2c3d4e5f60005',
};
export const NAT = { id: 'nat-0f1e2d3c4b5a69788', eni: 'eni-0f9e8d7c6b5a40001', ip: '10.20.0.10', publicIp: '52.51.0.10', alloc: 'eipalloc-0a1b2c3d4e5f60718', assoc: 'eipassoc-0123456789abcdef0' };

export interface EniSpec {
  id: string;
  ip: string;
  subnet: string;
  /** Lambda ENIs: the uuid of the description "AWS Lambda VPC ENI-<fn>-<uuid>". */
  uuid?: string;
}
export const ENI = {
  ordersA: { id: 'eni-0a7c3e9b1d2f40011', ip: '10.20.1.15', subnet: SUBNET_A, uuid: '3f6c1d2e-8a4b-4c7d-9e1f-2a3b4c5d6e7f' },
  ordersBOld: { id: 'eni-0b4d6f8a0c2e40012', ip: '10.20.2.37', subnet: SUBNET_B, uuid: '7b2e9c4d-1f3a-4e5b-8c6d-0e1f2a3b4c5d' },
  ordersBNew: { id: 'eni-0c5e7a9b1d3f40013', ip: '10.20.2.44', subnet: SUBNET_B, uuid: 'c41d8e2f-5a6b-4c7d-8e9f-1a2b3c4d5e6f' },
  reportsA: { id: 'eni-0d6f8b0c2e4a40014', ip: '10.20.1.88', subnet: SUBNET_A, uuid: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' },
  reportsB: { id: 'eni-0e7a9c1d3f5b40015', ip: '10.20.2.91', subnet: SUBNET_B, uuid: '0f1e2d3c-4b5a-4697-8877-665544332211' },
  rdsOld: { id: 'eni-0f1a2b3c4d5e40016', ip: '10.20.1.200', subnet: SUBNET_A },
  rdsNew: { id: 'eni-01b2c3d4e5f640017', ip: '10.20.2.210', subnet: SUBNET_B },
  cache: { id: 'eni-02c3d4e5f6a740018', ip: '10.20.2.150', subnet: SUBNET_B },
  batch: { id: 'eni-03d4e5f6a7b840019', ip: '10.20.1.50', subnet: SUBNET_A },
  etl: { id: 'eni-04e5f6a7b8c94001a', ip: '10.20.2.37', subnet: SUBNET_B },
} satisfies Record<string, EniSpec>;
/** orders-api's subnet-B Hyperplane ENI is replaced: created, then the old one deleted. */
export const ORDERS_ENI_B_CREATED = at(2, 3, 12, 7);
export const ORDERS_ENI_B_DELETED = at(2, 3, 20, 41);
/** RDS moves to a new ENI and IP in its maintenance window (same instance, same security group). */
export const RDS_MOVED = at(3, 3, 7, 0);
export const ETL_LAUNCHED = at(3, 15, 10, 0);
export const BATCH_INSTANCE = 'i-0a12b34c56d78e90f';
export const ETL_INSTANCE = 'i-0c98d76e54f32a10b';
export const CACHE_CLUSTER = 'orders-cache-0001-001';
export const RDS_DB = { id: 'orders-db', endpoint: 'orders-db.c7x2k9qz4m1p.eu-west-1.rds.amazonaws.com', resourceId: 'db-4KX2ZQ7M3NLP5R6S8T9UVWXY2A' };

/** Public AWS endpoints the functions reach through the NAT gateway (a fixed set, used every day). */
export const DYNAMODB_IPS = ['52.119.240.13', '52.119.241.204'];
export const S3_IPS = ['52.218.45.10', '3.5.64.21'];
/** Public IPs of Lambda's own fleet, seen as the source of calls by functions outside a VPC. */
export const LAMBDA_PUBLIC_IPS = ['3.248.170.12', '3.250.41.77', '34.240.18.9', '52.49.100.3', '54.216.5.66'];

// --- people and attacker -------------------------------------------------------------------
export const OFFICE_IP = '192.0.2.10';
export const CI_IP = '192.0.2.80';
export const C2_IP = '203.0.113.50';
export const ATTACKER_IP = '198.51.100.77'; // HTTP attack on the function URL, then the stolen keys
export const MALLORY_ATTACK_IP = '198.51.100.23';
export const FOREIGN_LAYER = `arn:aws:lambda:${REGION}:${ATTACKER_ACCOUNT}:layer:perf-tools:3`;
export const XSS_UA = 'Mozilla/5.0 "><img src=x onerror=alert(1)></script><script>alert(document.domain)</script>';
export const CLI_UA_ATTACKER = (cmd: string) =>
  `aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024 prompt/off command/${cmd}`;
export const CLI_UA_CI = (cmd: string) =>
  `aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/${cmd}`;
export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

export interface UserSpec {
  name: string;
  id: string;
  accessKey: string;
  groups: string[];
}
export const USERS = {
  alice: { name: 'alice', id: 'AIDAQ3EGRV7ALICEXQ2ZK', accessKey: 'AKIAQ3EGRV7ALICEY5NB', groups: ['analytics'] },
  mallory: { name: 'dev-mallory', id: 'AIDAQ3EGRV7MALLORY4WQ', accessKey: 'AKIAQ3EGRV7MALLRYH6D', groups: ['developers'] },
  admin: { name: 'ops-admin', id: 'AIDAQ3EGRV7OPSADMN7RT', accessKey: 'AKIAQ3EGRV7OPSADM3KF', groups: ['admins'] },
} satisfies Record<string, UserSpec>;
export const CI_ROLE = { name: 'ci-deployer', id: 'AROAQ3EGRV7CIDEPLOYR7' };

// --- functions -----------------------------------------------------------------------------
export type FnName = 'orders-api' | 'report-builder' | 'invoice-renderer' | 'thumbnail-maker' | 'nightly-billing';
export interface FnSpec {
  name: FnName;
  runtime: 'nodejs20.x' | 'python3.12';
  handler: string;
  description: string;
  role: string;
  roleId: string;
  memory: number;
  timeout: number;
  vpc?: { subnets: string[]; sgs: string[] };
  logFormat: 'Text' | 'JSON';
  /** How its CloudWatch Logs were exported: S3 export task, or filter-log-events output. */
  logs: 'export' | 'filter';
  codeSha: string;
  codeSize: number;
  env: Record<string, string>;
  kmsKey?: string;
}
export const KMS_ENV_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/5f1c2e3d-7a8b-4c9d-9e0f-1a2b3c4d5e6f`;
export const KMS_RECEIPTS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/8a9b0c1d-2e3f-4a5b-8c7d-9e0f1a2b3c4d`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/orders/db-Xk3P9q`;

export const FUNCTIONS: FnSpec[] = [
  {
    name: 'orders-api', runtime: 'nodejs20.x', handler: 'index.handler', description: 'Orders HTTP API (function URL)',
    role: 'orders-api-role', roleId: 'AROAQ3EGRV7ORDERSAPI2', memory: 512, timeout: 15,
    vpc: { subnets: [SUBNET_A, SUBNET_B], sgs: [SG.orders] }, logFormat: 'Text', logs: 'export',
    codeSha: 'Qm3v8Xc1tY7pR2sL9dK4fH6jN0bW5zA8eU1iO3gT7cE=', codeSize: 48213,
    env: { TABLE_NAME: 'orders-idempotency', RECEIPTS_BUCKET: 'acme-orders-receipts', DB_HOST: RDS_DB.endpoint, NODE_ENV: 'production' },
    kmsKey: KMS_ENV_KEY,
  },
  {
    name: 'report-builder', runtime: 'python3.12', handler: 'app.handler', description: 'Builds hourly and on-demand PDF reports',
    role: 'report-builder-role', roleId: 'AROAQ3EGRV7REPORTBLD3', memory: 1024, timeout: 120,
    vpc: { subnets: [SUBNET_A, SUBNET_B], sgs: [SG.reports] }, logFormat: 'Text', logs: 'export',
    codeSha: 'Zr5tB2nM8kQ1wE4yU7iO0pA3sD6fG9hJ2lK5xC8vB1n=', codeSize: 2381920,
    env: { REPORTS_BUCKET: 'acme-reports', CACHE_HOST: 'orders-cache.x1y2z3.0001.euw1.cache.amazonaws.com', DB_HOST: RDS_DB.endpoint },
  },
  {
    name: 'invoice-renderer', runtime: 'nodejs20.x', handler: 'index.handler', description: 'Renders invoices to S3',
    role: 'invoice-renderer-role', roleId: 'AROAQ3EGRV7INVOICERN4', memory: 1024, timeout: 30,
    vpc: { subnets: [SUBNET_A, SUBNET_B], sgs: [SG.reports] }, logFormat: 'JSON', logs: 'export',
    codeSha: 'Lp0oK9iJ8uH7yG6tF5rD4eS3wA2qZ1xC0vB9nM8kL7j=', codeSize: 5120334,
    env: { INVOICES_BUCKET: 'acme-invoices', TABLE_NAME: 'invoices' },
  },
  {
    name: 'thumbnail-maker', runtime: 'python3.12', handler: 'app.handler', description: 'Makes thumbnails of uploaded images',
    role: 'thumbnail-maker-role', roleId: 'AROAQ3EGRV7THUMBNAIL5', memory: 512, timeout: 60,
    logFormat: 'Text', logs: 'filter',
    codeSha: 'Hn4bV7cX0zL3kJ6hG9fD2sA5pO8iU1yT4rE7wQ0mN3b=', codeSize: 1184502,
    env: { OUTPUT_BUCKET: 'acme-thumbnails', MAX_EDGE: '320' },
  },
  {
    name: 'nightly-billing', runtime: 'python3.12', handler: 'billing.handler', description: 'Nightly billing run (EventBridge schedule)',
    role: 'nightly-billing-role', roleId: 'AROAQ3EGRV7BILLINGNT6', memory: 256, timeout: 300,
    logFormat: 'Text', logs: 'export',
    codeSha: 'Tg6yH9uJ2iK5oL8pM1nB4vC7xZ0aS3dF6gH9jK2lQ5w=', codeSize: 20417,
    env: { LEDGER_TABLE: 'billing-ledger', EXPORT_BUCKET: 'acme-billing-exports' },
  },
];
export const fn = (name: FnName): FnSpec => FUNCTIONS.find((f) => f.name === name)!;
export const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const roleArn = (role: string) => `arn:aws:iam::${ACCOUNT}:role/${role}`;

// --- the attack's times ----------------------------------------------------------------------
export const ATTACK = {
  spikeStart: at(3, 8, 0), spikeEnd: at(3, 9, 0),
  injectionFrom: at(3, 8, 2), injectionTo: at(3, 8, 30),
  templateRce: at(3, 8, 12, 31), // the request whose template injection ran code in orders-api
  stolenFrom: at(3, 8, 40), stolenTo: at(3, 9, 30),
  recon: at(3, 9, 40), codeUpdate: at(3, 9, 55, 12), backdoorPermission: at(3, 10, 0, 3),
  layer: at(3, 10, 20, 44), url: at(3, 10, 30, 9), memoryChange: at(3, 11, 30, 18),
};

// --- PRNG and formatting ---------------------------------------------------------------------
function xmur3(s: string): () => number {
  let h = 1779033703 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

/** sfc32, seeded from a string: every module draws from its own stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: string) {
    const s = xmur3(`lambda-forensics sample incident/${seed}`);
    this.a = s(); this.b = s(); this.c = s(); this.d = s();
    for (let i = 0; i < 16; i++) this.next();
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.chars(n, '0123456789abcdef');
  }
  uuid(): string {
    const h = this.hex(32);
    const v = '89ab'[this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  upper(n: number): string {
    return this.chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
  }
  /** Sorted uniform times in [from, to). */
  times(n: number, from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Math.floor(this.float(from, to)));
    return out.sort((x, y) => x - y);
  }
}

/** CloudTrail style: 2026-03-09T10:00:00Z */
export const isoS = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** Lambda / CloudWatch style: 2026-03-09T10:00:00.123Z */
export const isoMs = (ms: number) => new Date(ms).toISOString();
/** 20260309T1005Z as in S3 delivery object names */
export const compact = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
export const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
/** Lambda's LastModified: 2026-03-01T10:00:00.000+0000 */
export const lambdaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
