// CloudTrail outputs: the trail's S3 delivery (one .json.gz per region and 15-minute window with
// activity), one digest file (must be skipped by the importer), and an `aws cloudtrail
// lookup-events` output whose 20 events are also in the S3 files (the same eventIDs).
import crypto from 'node:crypto';
import { functionEvents } from './ctFunctions.ts';
import { peopleEvents } from './ctPeople.ts';
import type { CtEvent, Rec } from './ctRecords.ts';
import type { Out } from './io.ts';
import { gz } from './io.ts';
import { ACCOUNT, MIN, REGION, Rng, T_END, compact, isoS, ymd } from './story.ts';
import type { World } from './world.ts';

const TRAIL = 'acme-org-trail';
const BUCKET = 'acme-cloudtrail-logs';
const WINDOW = 15 * MIN;

export interface CloudTrailSummary {
  events: number;
  files: number;
  byRegion: Record<string, number>;
  lookupEvents: number;
  eventIds: Set<string>;
}

export function allEvents(w: World): CtEvent[] {
  const evs = [...functionEvents(w), ...peopleEvents(w)].filter((e) => e.t <= T_END);
  return evs.sort((a, b) => a.t - b.t || String(a.rec.eventID).localeCompare(String(b.rec.eventID)));
}

export function writeCloudTrail(out: Out, w: World): CloudTrailSummary {
  const rng = new Rng('cloudtrail/files');
  const events = allEvents(w);
  const groups = new Map<string, { region: string; delivered: number; recs: Rec[] }>();
  for (const e of events) {
    const region = String(e.rec.awsRegion);
    const delivered = Math.floor(e.t / WINDOW) * WINDOW + WINDOW;
    const k = `${region}|${delivered}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { region, delivered, recs: [] }));
    g.recs.push(e.rec);
  }
  const delivered: Array<{ key: string; region: string; delivered: number; sha: string; oldest: string; newest: string }> = [];
  const byRegion: Record<string, number> = {};
  for (const g of [...groups.values()].sort((a, b) => a.delivered - b.delivered || a.region.localeCompare(b.region))) {
    const name = `${ACCOUNT}_CloudTrail_${g.region}_${compact(g.delivered)}_${rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}.json.gz`;
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/${g.region}/${ymd(g.delivered)}/${name}`;
    const body = JSON.stringify({ Records: g.recs });
    out.write(key, gz(body));
    byRegion[g.region] = (byRegion[g.region] ?? 0) + g.recs.length;
    delivered.push({ key, region: g.region, delivered: g.delivered, sha: crypto.createHash('sha256').update(body).digest('hex'),
      oldest: String(g.recs[0]!.eventTime), newest: String(g.recs[g.recs.length - 1]!.eventTime) });
  }
  writeDigest(out, rng, delivered);
  const lookup = writeLookupEvents(out, events);
  return { events: events.length, files: delivered.length, byRegion, lookupEvents: lookup, eventIds: new Set(events.map((e) => String(e.rec.eventID))) };
}

/** The hourly digest of eu-west-1 covering the last hour: hashes of the log files delivered in it. */
function writeDigest(out: Out, rng: Rng, files: Array<{ key: string; region: string; delivered: number; sha: string; oldest: string; newest: string }>): void {
  const end = Date.UTC(2026, 2, 11, 23, 5, 12);
  const start = end - 60 * MIN;
  const inHour = files.filter((f) => f.region === REGION && f.delivered > start && f.delivered <= end);
  const stamp = (ms: number) => isoS(ms).replace(/[-:]/g, '');
  const digestKey = (ms: number) => `AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/${ymd(ms)}/${ACCOUNT}_CloudTrail-Digest_${REGION}_${TRAIL}_${REGION}_${stamp(ms)}.json.gz`;
  const digest = {
    awsAccountId: ACCOUNT,
    digestStartTime: isoS(start),
    digestEndTime: isoS(end),
    digestS3Bucket: BUCKET,
    digestS3Object: digestKey(end),
    digestPublicKeyFingerprint: rng.hex(32),
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: inHour.length ? inHour[inHour.length - 1]!.newest : null,
    oldestEventTime: inHour.length ? inHour[0]!.oldest : null,
    previousDigestS3Bucket: BUCKET,
    previousDigestS3Object: digestKey(start),
    previousDigestHashValue: rng.hex(64),
    previousDigestHashAlgorithm: 'SHA-256',
    previousDigestSignature: rng.hex(512),
    logFiles: inHour.map((f) => ({ s3Bucket: BUCKET, s3Object: f.key, hashValue: f.sha, hashAlgorithm: 'SHA-256', newestEventTime: f.newest, oldestEventTime: f.oldest })),
  };
  out.write(digestKey(end), gz(JSON.stringify(digest)));
}

/** The events lookup-events also returned: the attacker's Lambda calls, the admin change, the CI run of 03-11. */
export function lookupSelection(events: CtEvent[]): CtEvent[] {
  const day3 = Date.UTC(2026, 2, 11);
  const pick = events.filter((e) => {
    const r = e.rec;
    const u = r.userIdentity as Rec;
    if (e.t < day3 || r.awsRegion !== REGION || r.managementEvent !== true) return false;
    if (u.userName === 'dev-mallory') return true;
    if (u.userName === 'ops-admin' && String(r.eventName).startsWith('UpdateFunctionConfiguration')) return true;
    const arn = String(u.arn ?? '');
    return arn.includes(':assumed-role/ci-deployer/') && !String(r.eventName).startsWith('GetFunctionConfiguration');
  });
  return pick;
}

/** Local time with the +01:00 offset of the responder's machine (CET), as the CLI prints it. */
function cet(iso: string): string {
  const ms = Date.parse(iso) + 3600_000;
  return new Date(ms).toISOString().replace('.000Z', '+01:00');
}

function writeLookupEvents(out: Out, events: CtEvent[]): number {
  const pick = lookupSelection(events).sort((a, b) => b.t - a.t); // newest first, as lookup-events returns them
  const Events = pick.map((e) => {
    const r = e.rec;
    const u = r.userIdentity as Rec;
    const arn = String(u.arn ?? '');
    const username = u.userName ? String(u.userName) : arn.split('/').pop();
    const resources = ((r.resources as Array<Rec> | undefined) ?? []).map((x) => ({
      ResourceType: String(x.type), ResourceName: String(x.ARN).split(':').pop(),
    }));
    return {
      EventId: r.eventID,
      EventName: r.eventName,
      ReadOnly: String(r.readOnly),
      AccessKeyId: u.accessKeyId,
      EventTime: cet(String(r.eventTime)),
      EventSource: r.eventSource,
      Username: username,
      Resources: resources,
      CloudTrailEvent: JSON.stringify(r),
    };
  });
  out.cliJson('cloudtrail-lookup/lookup-events-2026-03-11.json', { Events });
  return Events.length;
}
