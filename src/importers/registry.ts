import { cloudtrailImporter } from './cloudtrail/index.ts';
import { flowImporter } from './flow/index.ts';
import { eniImporter } from './eni/index.ts';
import { iamImporter } from './iam/index.ts';
import { inventoryImporter } from './inventory/index.ts';
import { lambdaConfigImporter } from './lambdaConfig/index.ts';
import { metricsImporter } from './metrics/index.ts';
import { lambdaLogsImporter } from './lambdaLogs/index.ts';
import type { Importer } from './types.ts';

/** Every importer, explicitly. Detection (detect.ts) names a format; this maps it to a loader. */
export const IMPORTERS: Importer[] = [
  cloudtrailImporter,
  lambdaLogsImporter,
  flowImporter,
  eniImporter,
  lambdaConfigImporter,
  iamImporter,
  metricsImporter,
  inventoryImporter,
];

export function importerFor(format: string): Importer | undefined {
  return IMPORTERS.find((i) => i.formats.includes(format));
}

export function allFormats(): string[] {
  return IMPORTERS.flatMap((i) => i.formats);
}
