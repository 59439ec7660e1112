import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { REAL } from './db.ts';

const r = (...p: string[]) => path.join(REAL, ...p);

/** The CloudTrail records of the real samples, parsed in JS (first copy of each eventID). */
export function realRecords(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const add = (rec: unknown) => {
    if (rec && typeof rec === 'object' && !Array.isArray(rec) && typeof (rec as { eventID?: unknown }).eventID === 'string') {
      const id = (rec as { eventID: string }).eventID;
      if (!out.has(id)) out.set(id, rec as Record<string, unknown>);
    }
  };
  const parse = (t: string): unknown => {
    try {
      return JSON.parse(t);
    } catch {
      return undefined;
    }
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.Records)) o.Records.forEach(add);
    if (Array.isArray(o.logEvents)) for (const e of o.logEvents) add(parse((e as { message: string }).message));
    if (typeof o.CloudTrailEvent === 'string') add(parse(o.CloudTrailEvent));
    if (Array.isArray(o.Events)) for (const e of o.Events) add(parse((e as { CloudTrailEvent: string }).CloudTrailEvent));
    add(o);
  };
  for (const f of [
    r('stratus-red-team', 'detonation-logs'),
    r('trailscraper'),
    r('plaso', 'aws_cloudtrail_lookup_events.jsonl'),
    r('aws-cli-doc-examples', 'cloudtrail_lookup-events_output.json'),
    r('datadog-forwarder', 'cwl-subscription_cloudwatch_log_cloudtrail.json'),
  ].flatMap((p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).map((n) => path.join(p, n)) : [p]))) {
    let text = fs.readFileSync(f);
    if (f.endsWith('.gz')) text = zlib.gunzipSync(text);
    const whole = parse(text.toString('utf8'));
    if (whole !== undefined) visit(whole);
    else for (const line of text.toString('utf8').split('\n')) visit(parse(line));
  }
  return out;
}
