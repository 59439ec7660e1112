import type { Argv } from 'yargs';
import { AUDIT_CHECKS, auditTable, runAuditDetailed, type AuditCheck } from '../audit/index.ts';
import { withDb } from '../db/connection.ts';
import { ensureSchema } from '../db/schema.ts';
import { print, type OutputFormat } from '../output/printer.ts';
import { dbOptions, say, withFormat, type GlobalArgs } from './common.ts';

export interface AuditArgs extends GlobalArgs {
  function?: string;
  check?: AuditCheck[];
  format: OutputFormat;
  strict?: boolean;
}

export function auditBuilder(y: Argv) {
  return withFormat(
    y
      .option('function', { type: 'string', describe: 'Only rows about this function' })
      .option('check', { type: 'array', string: true, choices: AUDIT_CHECKS, describe: 'Only these checks' })
      .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 when any row of severity medium or above is returned' })
      .epilog(
        'Checks: can-modify (who may change each function; iam:PassRole + lambda:CreateFunction), invoke-unrestricted, public-invoke, public-url, broad-role, unused-modify-right, actual-vs-allowed. ' +
          'Permission boundaries and SCPs are not applied.',
      ),
  );
}

export async function auditCommand(a: AuditArgs): Promise<number> {
  return withDb(dbOptions(a), async (db) => {
    await ensureSchema(db);
    const { rows, notes } = await runAuditDetailed(db, { function: a.function, checks: a.check });
    if (a.format === 'table') for (const n of notes) say(`note: ${n}`);
    print(auditTable(rows), a.format, { maxWidth: 80 });
    return a.strict && rows.some((r) => ['critical', 'high', 'medium'].includes(r.severity)) ? 1 : 0;
  });
}
