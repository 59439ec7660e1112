import { cloudtrailImporter } from './cloudtrail/index.ts';
import type { Importer } from './types.ts';

/** Every importer, explicitly. Detection (detect.ts) names a format; this maps it to a loader. */
export const IMPORTERS: Importer[] = [cloudtrailImporter];

export function importerFor(format: string): Importer | undefined {
  return IMPORTERS.find((i) => i.formats.includes(format));
}

export function allFormats(): string[] {
  return IMPORTERS.flatMap((i) => i.formats);
}
