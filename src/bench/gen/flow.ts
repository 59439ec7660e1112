import type { Rng } from '../rng.ts';
import { ACCOUNT, INCIDENT_MS, type World } from '../world.ts';

/**
 * VPC flow-log files as S3 delivery writes them: the default (version 2) format with its header
 * line, fields separated by single spaces, '-' for fields that do not apply (NODATA records).
 */
export const FLOW_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const SCANNER_PORTS = [22, 23, 80, 443, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200];

/** `n` records with start times in [t0, t1) (ms). */
export function flowFile(r: Rng, w: World, n: number, t0: number, t1: number): { text: string; records: number } {
  const lines: string[] = [FLOW_HEADER];
  const span = t1 - t0;
  const lam = w.lambdaEnis;
  const oth = w.otherEnis;
  for (let i = 0; i < n; i++) {
    const startMs = t0 + Math.floor(r.next() * span);
    const start = Math.floor(startMs / 1000);
    const end = start + 60 - r.int(3);
    const x = r.next();
    if (x < 0.005) {
      const e = r.next() < 0.6 ? lam[r.int(lam.length)]! : oth[r.int(oth.length)]!;
      lines.push(`2 ${ACCOUNT} ${e.id} - - - - - - - ${start} ${end} - NODATA`);
      continue;
    }
    const e = x < 0.6 ? lam[r.int(lam.length)]! : oth[r.int(oth.length)]!;
    const eph = r.range(32768, 60999);
    let src: string, dst: string, sp: number, dp: number, proto = 6, action = 'ACCEPT';
    const y = r.next();
    if (e.kind === 'lambda' && startMs >= INCIDENT_MS && e.fn === w.victim.name && y < 0.01) {
      // the incident: the victim function's ENI talks to an address it never used before
      [src, dst, sp, dp] = r.next() < 0.5 ? [e.ip, w.c2.ip, eph, w.c2.port] : [w.c2.ip, e.ip, w.c2.port, eph];
    } else if (e.kind !== 'lambda' && y < 0.06) {
      // internet scanners, rejected (Lambda ENIs sit in private subnets: nothing reaches them)
      src = `${r.range(1, 223)}.${r.range(0, 255)}.${r.range(0, 255)}.${r.range(1, 254)}`;
      dst = e.ip;
      sp = r.range(1024, 65535);
      dp = SCANNER_PORTS[r.int(SCANNER_PORTS.length)]!;
      action = 'REJECT';
    } else {
      let peer: string, port: number;
      const z = r.next();
      if (z < 0.3 && w.internalPeers.length) {
        const p = w.internalPeers[r.int(w.internalPeers.length)]!;
        peer = p.ip;
        port = p.port;
      } else if (z < 0.38) {
        peer = w.publicPeers[r.int(w.publicPeers.length)]!;
        port = 80;
        proto = r.next() < 0.3 ? 17 : 6;
        if (proto === 17) port = 123;
      } else {
        peer = w.publicPeers[Math.floor(r.next() ** 2 * w.publicPeers.length)]!;
        port = 443;
      }
      // a flow record per direction: the request leaves the ENI, the response comes back
      if (r.next() < 0.55) [src, dst, sp, dp] = [e.ip, peer, eph, port];
      else [src, dst, sp, dp] = [peer, e.ip, port, eph];
    }
    const packets = r.range(1, 180);
    const bytes = packets * r.range(40, 1500);
    lines.push(`2 ${ACCOUNT} ${e.id} ${src} ${dst} ${sp} ${dp} ${proto} ${packets} ${bytes} ${start} ${end} ${action} OK`);
  }
  return { text: `${lines.join('\n')}\n`, records: n };
}
