// VPC Flow Logs, S3 delivery (.log.gz, one object per hour and flow log):
//  - fl-0a1b2c3d4e5f60718: the VPC's flow log, default format (v2) with its header line, 600 s aggregation;
//  - fl-0f9e8d7c6b5a43210: a flow log on the NAT gateway's ENI, custom v5 format in a non-default
//    field order, 60 s aggregation; pkt-srcaddr / pkt-dstaddr tie the two hops together.
import type { Out } from './io.ts';
import { gz } from './io.ts';
import {
  ACCOUNT, DYNAMODB_IPS, ENI, ETL_LAUNCHED, HOUR, MIN, NAT, ORDERS_ENI_B_CREATED,
  ORDERS_ENI_B_DELETED, RDS_MOVED, REGION, Rng, S3_IPS, SUBNET_A, SUBNET_PUB, T0, T_END, VPC_ID, compact, ymd,
} from './story.ts';
import { C2_SESSIONS, type Env, type Invocation, type World } from './world.ts';

export const FLOW_V2_ID = 'fl-0a1b2c3d4e5f60718';
export const FLOW_V5_ID = 'fl-0f9e8d7c6b5a43210';
const V2_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const V5_FIELDS = 'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction traffic-path'.split(' ');

interface Rec {
  eni: string;
  src?: string; dst?: string; sport?: number; dport?: number; proto?: number;
  packets?: number; bytes?: number; start: number; end: number; action?: string; status: 'OK' | 'NODATA' | 'SKIPDATA';
  // v5 only
  pktSrc?: string; pktDst?: string; flags?: number; dir?: 'ingress' | 'egress'; path?: number; subnet?: string; instance?: string;
}

export interface FlowSummary { v2Records: number; v5Records: number; nodata: number; skipdata: number; rejects: number; files: number }

const W2 = 600_000;
const W5 = 60_000;
const sec = (ms: number) => Math.floor(ms / 1000);
const rdsIp = (t: number) => (t < RDS_MOVED ? ENI.rdsOld : ENI.rdsNew);

/** The Hyperplane ENI an invocation's traffic leaves through. */
function lambdaEni(fnName: string, env: Env, t: number): { id: string; ip: string } {
  const a = env.subnet === SUBNET_A;
  if (fnName === 'orders-api') return a ? ENI.ordersA : t < ORDERS_ENI_B_CREATED ? ENI.ordersBOld : ENI.ordersBNew;
  return a ? ENI.reportsA : ENI.reportsB;
}

class Flows {
  v2: Rec[] = [];
  v5: Rec[] = [];
  constructor(private rng: Rng) {}

  /** One TCP conversation in one v2 window, seen on both ends' ENIs when they are ours. */
  pair(w: number, a: { eni?: string; ip: string; port: number }, b: { eni?: string; ip: string; port: number }, n: number, action = 'ACCEPT'): void {
    const r = this.rng;
    const start = w + r.int(0, 50_000);
    const end = Math.min(w + W2 + r.int(0, 50_000), T_END);
    const pOut = 4 + 3 * n + r.int(0, 3);
    const pIn = action === 'ACCEPT' ? 3 + 3 * n + r.int(0, 3) : 0;
    const out = { src: a.ip, dst: b.ip, sport: a.port, dport: b.port, proto: 6, packets: pOut, bytes: pOut * r.int(90, 160), start: sec(start), end: sec(end), action, status: 'OK' as const };
    const back = { src: b.ip, dst: a.ip, sport: b.port, dport: a.port, proto: 6, packets: pIn, bytes: pIn * r.int(200, 1200), start: sec(start), end: sec(end), action: 'ACCEPT', status: 'OK' as const };
    if (a.eni) { this.v2.push({ eni: a.eni, ...out, action: 'ACCEPT' }); if (pIn) this.v2.push({ eni: a.eni, ...back }); }
    if (b.eni) { this.v2.push({ eni: b.eni, ...out, action }); if (pIn) this.v2.push({ eni: b.eni, ...back }); }
  }

  /** An outbound connection from a private address to the internet through the NAT gateway. */
  viaNat(w: number, from: { eni: string; ip: string; port: number }, ext: string, port: number, n: number, sizes?: { out: number; in: number }, startAt?: number): void {
    const r = this.rng;
    const natPort = r.int(1024, 65535);
    const pOut = sizes ? Math.max(4, Math.ceil(sizes.out / 700)) : 4 + 3 * n;
    const pIn = sizes ? Math.max(3, Math.ceil(sizes.in / 1100)) : 3 + 3 * n;
    const bOut = sizes?.out ?? pOut * r.int(100, 300);
    const bIn = sizes?.in ?? pIn * r.int(300, 1400);
    const start = startAt ?? w + r.int(0, 50_000);
    const end = Math.min(w + W2 + r.int(0, 50_000), T_END);
    const base = { proto: 6, start: sec(start), end: sec(end), action: 'ACCEPT', status: 'OK' as const };
    this.v2.push({ eni: from.eni, src: from.ip, dst: ext, sport: from.port, dport: port, packets: pOut, bytes: bOut, ...base });
    this.v2.push({ eni: from.eni, src: ext, dst: from.ip, sport: port, dport: from.port, packets: pIn, bytes: bIn, ...base });
    const hops: Array<Omit<Rec, 'start' | 'end' | 'status'>> = [
      { eni: NAT.eni, src: from.ip, dst: NAT.ip, sport: from.port, dport: port, pktSrc: from.ip, pktDst: ext, packets: pOut, bytes: bOut, flags: 3, dir: 'ingress' },
      { eni: NAT.eni, src: NAT.ip, dst: ext, sport: natPort, dport: port, pktSrc: NAT.ip, pktDst: ext, packets: pOut, bytes: bOut, flags: 3, dir: 'egress', path: 8 },
      { eni: NAT.eni, src: ext, dst: NAT.ip, sport: port, dport: natPort, pktSrc: ext, pktDst: NAT.ip, packets: pIn, bytes: bIn, flags: 19, dir: 'ingress' },
      { eni: NAT.eni, src: NAT.ip, dst: from.ip, sport: port, dport: from.port, pktSrc: ext, pktDst: from.ip, packets: pIn, bytes: bIn, flags: 19, dir: 'egress', path: 1 },
    ];
    for (const h of hops) this.v2.push({ ...h, proto: 6, action: 'ACCEPT', status: 'OK', start: sec(start), end: sec(end), pktSrc: undefined, pktDst: undefined, flags: undefined, dir: undefined, path: undefined });
    // the NAT ENI's own flow log aggregates per minute: the conversation is in one or more 60 s windows
    const minutes = Math.max(1, Math.min(10, Math.round(n / 4)));
    for (let i = 0; i < minutes; i++) {
      const m = Math.floor((start + i * W5) / W5) * W5;
      if (m > T_END) break;
      for (const h of hops) {
        this.v5.push({ ...h, proto: 6, action: 'ACCEPT', status: 'OK', packets: Math.max(1, Math.round(h.packets! / minutes)), bytes: Math.max(40, Math.round(h.bytes! / minutes)),
          start: sec(m + r.int(0, 5_000)), end: sec(Math.min(m + W5 + r.int(0, 5_000), T_END)), subnet: SUBNET_PUB });
      }
    }
  }

  nodata(eni: string, w: number, status: 'NODATA' | 'SKIPDATA' = 'NODATA'): void {
    this.v2.push({ eni, start: sec(w + this.rng.int(0, 30_000)), end: sec(Math.min(w + W2 + this.rng.int(0, 30_000), T_END)), status });
  }
}

function build(w: World): Flows {
  const rng = new Rng('flow');
  const f = new Flows(rng);
  const byWindow = new Map<number, Invocation[]>();
  for (const inv of w.invocations) {
    if (inv.fn === 'thumbnail-maker' || inv.fn === 'nightly-billing') continue; // not in the VPC
    const k = Math.floor(inv.start / W2) * W2;
    byWindow.set(k, [...(byWindow.get(k) ?? []), inv]);
  }
  const c2 = w.compromised;
  const c2e = lambdaEni('orders-api', c2, C2_SESSIONS[0]!.from);
  const c2Eni = { eni: c2e.id, ip: c2e.ip };
  for (let win = T0; win <= T_END; win += W2) {
    const invs = byWindow.get(win) ?? [];
    const used = new Set<string>();
    const groups = new Map<string, Invocation[]>();
    for (const inv of invs) {
      const e = lambdaEni(inv.fn, inv.env, inv.start);
      groups.set(e.id, [...(groups.get(e.id) ?? []), inv]);
    }
    for (const [eniId, list] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
      used.add(eniId);
      const e = lambdaEni(list[0]!.fn, list[0]!.env, list[0]!.start);
      const me = { eni: e.id, ip: e.ip, port: list[0]!.env.srcPort };
      const db = rdsIp(win);
      const orders = list.filter((i) => i.fn === 'orders-api');
      const reports = list.filter((i) => i.fn === 'report-builder');
      if (orders.length || reports.length) f.pair(win, me, { eni: db.id, ip: db.ip, port: 5432 }, orders.length + reports.length);
      if (reports.length) f.pair(win, { ...me, port: me.port + 1 }, { eni: ENI.cache.id, ip: ENI.cache.ip, port: 6379 }, reports.length);
      const calls = list.flatMap((i) => i.calls.filter((c) => c.time < win + W2 + 60_000));
      const ddb = calls.filter((c) => c.source === 'dynamodb').length;
      const s3 = calls.filter((c) => c.source === 's3' && c.action !== 'ListBuckets').length;
      if (ddb) f.viaNat(win, { ...me, port: me.port + 2 }, rng.pick(DYNAMODB_IPS), 443, ddb);
      if (s3) f.viaNat(win, { ...me, port: me.port + 3 }, rng.pick(S3_IPS), 443, s3);
    }
    for (const s of C2_SESSIONS) {
      if (s.to < win || s.from >= win + W2) continue;
      const part = (Math.min(s.to, win + W2) - Math.max(s.from, win)) / (s.to - s.from);
      f.viaNat(win, { ...c2Eni, port: c2.srcPort + 7 }, s.ip, s.port, Math.max(2, Math.round(part * 40)),
        { out: Math.round(s.bytesOut * part) + 120, in: Math.round(s.bytesIn * part) + 80 }, Math.max(win, s.from));
      used.add(c2Eni.eni);
    }
    // idle Lambda ENIs report NODATA; one capacity gap is a SKIPDATA record
    const lambdaEnis = [ENI.ordersA.id, win < ORDERS_ENI_B_DELETED ? ENI.ordersBOld.id : '', win + W2 > ORDERS_ENI_B_CREATED ? ENI.ordersBNew.id : '', ENI.reportsA.id, ENI.reportsB.id];
    for (const id of lambdaEnis) if (id && !used.has(id)) f.nodata(id, win);
    if (win === Date.UTC(2026, 2, 10, 11, 40)) f.nodata(ENI.ordersA.id, win, 'SKIPDATA');
    // the batch worker: cache traffic all the time, and a misconfigured job whose DB connection is rejected hourly
    f.pair(win, { eni: ENI.batch.id, ip: ENI.batch.ip, port: 41822 }, { eni: ENI.cache.id, ip: ENI.cache.ip, port: 6379 }, rng.int(2, 6));
    if (new Date(win).getUTCMinutes() === 10) f.pair(win, { eni: ENI.batch.id, ip: ENI.batch.ip, port: rng.int(40000, 60000) }, { eni: rdsIp(win).id, ip: rdsIp(win).ip, port: 5432 }, 0, 'REJECT');
    if (win >= ETL_LAUNCHED) f.viaNat(win, { eni: ENI.etl.id, ip: ENI.etl.ip, port: rng.int(40000, 60000) }, rng.pick(S3_IPS), 443, rng.int(3, 9));
    // internet scanners knocking on the NAT gateway's public address
    if (new Date(win).getUTCMinutes() === 30) {
      const scanner = `${rng.pick(['45.155', '162.142', '167.94', '89.248'])}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
      const port = rng.pick([22, 23, 445, 3389, 8080]);
      const t = win + rng.int(0, 500_000);
      const rec = { eni: NAT.eni, src: scanner, dst: NAT.ip, sport: rng.int(30000, 65000), dport: port, proto: 6, packets: 1, bytes: 44, action: 'REJECT', status: 'OK' as const };
      f.v2.push({ ...rec, start: sec(win), end: sec(win + W2) });
      f.v5.push({ ...rec, start: sec(t), end: sec(t + 40_000), pktSrc: scanner, pktDst: NAT.ip, flags: 2, dir: 'ingress', subnet: SUBNET_PUB });
    }
  }
  return f;
}

const dash = (v: unknown) => (v === undefined || v === null ? '-' : String(v));

function v2Line(r: Rec): string {
  return [2, ACCOUNT, r.eni, r.src, r.dst, r.sport, r.dport, r.proto, r.packets, r.bytes, r.start, r.end, r.action, r.status].map(dash).join(' ');
}

const ENI_SUBNET: Record<string, string> = Object.fromEntries(Object.values(ENI).map((e) => [e.id, e.subnet]));
function v5Line(r: Rec): string {
  const v: Record<string, unknown> = {
    version: 5, 'vpc-id': VPC_ID, 'subnet-id': r.subnet ?? ENI_SUBNET[r.eni], 'instance-id': r.instance, 'interface-id': r.eni, 'account-id': ACCOUNT, type: 'IPv4',
    srcaddr: r.src, dstaddr: r.dst, srcport: r.sport, dstport: r.dport, 'pkt-srcaddr': r.pktSrc, 'pkt-dstaddr': r.pktDst, protocol: r.proto,
    bytes: r.bytes, packets: r.packets, start: r.start, end: r.end, action: r.action, 'tcp-flags': r.flags, 'log-status': r.status,
    'flow-direction': r.dir, 'traffic-path': r.path,
  };
  return V5_FIELDS.map((k) => dash(v[k])).join(' ');
}

export function writeFlows(out: Out, w: World): FlowSummary {
  const f = build(w);
  const rng = new Rng('flow/files');
  let files = 0;
  const write = (id: string, header: string, recs: Rec[], line: (r: Rec) => string) => {
    const byHour = new Map<number, Rec[]>();
    for (const r of recs) {
      const h = Math.floor((r.start * 1000) / HOUR) * HOUR;
      byHour.set(h, [...(byHour.get(h) ?? []), r]);
    }
    for (const [h, list] of [...byHour].sort((a, b) => a[0] - b[0])) {
      list.sort((a, b) => a.start - b.start || a.eni.localeCompare(b.eni));
      const delivered = h + HOUR + 5 * MIN;
      const name = `${ACCOUNT}_vpcflowlogs_${REGION}_${id}_${compact(delivered)}_${rng.hex(8)}.log.gz`;
      out.write(`AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/${ymd(delivered)}/${name}`, gz(`${header}\n${list.map(line).join('\n')}\n`));
      files++;
    }
  };
  write(FLOW_V2_ID, V2_HEADER, f.v2, v2Line);
  write(FLOW_V5_ID, V5_FIELDS.join(' '), f.v5, v5Line);
  const all = [...f.v2, ...f.v5];
  return {
    v2Records: f.v2.length, v5Records: f.v5.length, files,
    nodata: all.filter((r) => r.status === 'NODATA').length, skipdata: all.filter((r) => r.status === 'SKIPDATA').length,
    rejects: all.filter((r) => r.action === 'REJECT').length,
  };
}

