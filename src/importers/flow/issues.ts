import type { FileOutcome } from '../types.ts';

/** Skipped records listed one by one per file and reason; the rest are summed up in one issue. */
export const MAX_LISTED = 1000;

/** Adds the summary issue when more than MAX_LISTED records of a file were skipped for one reason. */
export function addOverflowIssue(o: FileOutcome, code: string, total: number, unit: 'lines' | 'records'): void {
  if (total <= MAX_LISTED) return;
  o.issues.push({
    severity: 'warning',
    code: 'more-skipped',
    message: `${total - MAX_LISTED} more ${unit} were skipped for the same reason (${code}); only the first ${MAX_LISTED} are listed`,
  });
}
