import type { z } from 'zod';
import { codeChanges } from './defs/codeChanges.ts';
import { credentialExfil } from './defs/credentialExfil.ts';
import { lambdaPersistence } from './defs/lambdaPersistence.ts';
import { lambdaRecon } from './defs/lambdaRecon.ts';
import { injectionHints } from './defs/injectionHints.ts';
import { invocationSpikes } from './defs/invocationSpikes.ts';
import { newConnections } from './defs/newConnections.ts';
import { timeline } from './defs/timeline.ts';
import { unusualApi } from './defs/unusualApi.ts';
import type { AnalyzerDescriptor } from './types.ts';

/** Every analyzer, in catalogue order. `findings` runs all that define `finding`. */
const all = [
  timeline,
  codeChanges,
  unusualApi,
  newConnections,
  invocationSpikes,
  injectionHints,
  credentialExfil,
  lambdaRecon,
  lambdaPersistence,
];
export const ANALYZERS: Array<AnalyzerDescriptor<z.ZodObject>> = all as unknown as Array<AnalyzerDescriptor<z.ZodObject>>;

export function analyzerById(id: string): AnalyzerDescriptor<z.ZodObject> | undefined {
  return ANALYZERS.find((a) => a.id === id);
}
