import type { z } from 'zod';
import { codeChanges } from './defs/codeChanges.ts';
import type { AnalyzerDescriptor } from './types.ts';

/** Every analyzer, in catalogue order. `findings` runs all that define `finding`. */
export const ANALYZERS: Array<AnalyzerDescriptor<z.ZodObject>> = [codeChanges as unknown as AnalyzerDescriptor<z.ZodObject>];

export function analyzerById(id: string): AnalyzerDescriptor<z.ZodObject> | undefined {
  return ANALYZERS.find((a) => a.id === id);
}
