// Orchestrates the sample incident: simulate once, then write every source from the same world.
import fs from 'node:fs';
import path from 'node:path';
import { writeCloudTrail } from './cloudtrail.ts';
import { writeLambdaConfig, type ConfigSummary } from './config.ts';
import { writeEniSnapshots, type EniSummary } from './eni.ts';
import { writeFlows, type FlowSummary } from './flow.ts';
import { writeIamAndInfra } from './iam.ts';
import { Out } from './io.ts';
import { writeLogs, type LogsSummary } from './logs.ts';
import { simulate } from './world.ts';

export interface Summary {
  files: number;
  cloudtrail: { events: number; files: number; byRegion: Record<string, number>; lookupEvents: number };
  logs: LogsSummary;
  flow: FlowSummary;
  eni: EniSummary;
  config: ConfigSummary;
  iam: { users: number; groups: number; roles: number; policies: number };
}

/** Folders the generator owns under the output root (everything but README.md). */
export const GENERATED = ['AWSLogs', 'cloudtrail-lookup', 'logs', 'config'];

export function generate(root: string): Summary {
  for (const d of GENERATED) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  const out = new Out(root);
  const world = simulate();
  const ct = writeCloudTrail(out, world);
  const logs = writeLogs(out, world);
  const flow = writeFlows(out, world);
  const eni = writeEniSnapshots(out);
  const config = writeLambdaConfig(out, world);
  const iam = writeIamAndInfra(out);
  return {
    files: out.files.length,
    cloudtrail: { events: ct.events, files: ct.files, byRegion: ct.byRegion, lookupEvents: ct.lookupEvents },
    logs,
    flow,
    eni,
    config,
    iam,
  };
}
