import { z } from 'zod';
import type { Finding } from '../analyzers/findings.ts';
import { SEVERITIES, severityRank } from '../analyzers/types.ts';
import type { Db } from '../db/connection.ts';
import { sqlSections } from '../db/sql.ts';
import type { Table, Value } from '../output/printer.ts';
import { AUDIT_CHECKS, runChecks, type AuditCheck, type AuditRow, type Modifier, type SessionAction, type TrailWindow } from './checks.ts';
import { loadModel } from './model.ts';

export { AUDIT_CHECKS, type AuditCheck, type AuditRow } from './checks.ts';

export const AUDIT_COLUMNS = ['check', 'function', 'principal', 'severity', 'detail', 'evidence'] as const;

const value: z.ZodType<Value> = z.lazy(() =>
  z.union([z.null(), z.string(), z.number(), z.boolean(), z.array(value), z.record(z.string(), value)]),
);

/** Exactly the fields of one audit row. */
export const auditRowSchema = z
  .object({
    check: z.enum(AUDIT_CHECKS),
    function: z.string().nullable(),
    principal: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    detail: z.record(z.string(), value),
    evidence: z.record(z.string(), value).refine((e) => 'policy' in e && 'statement' in e && 'condition' in e, {
      message: 'evidence needs policy, statement and condition',
    }),
  })
  .strict();

export interface AuditOptions {
  /** Only rows about this function (rows about a principal across functions when it is among them). */
  function?: string;
  /** Only these checks. */
  checks?: AuditCheck[];
}

export interface AuditResult {
  rows: AuditRow[];
  /** What the data lacked, for a note on stderr. */
  notes: string[];
}

const toIso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** Runs every audit check against the imported configuration dumps and CloudTrail. */
export async function runAuditDetailed(db: Db, opts: AuditOptions = {}): Promise<AuditResult> {
  const sql = sqlSections('audit/audit.sql');
  const model = await loadModel(db);
  const [trailRow] = await db.all<{ events: bigint; first_event: Date | null; last_event: Date | null }>(sql.get('trail-window')!);
  const trail: TrailWindow = {
    events: Number(trailRow?.events ?? 0),
    first_event: toIso(trailRow?.first_event),
    last_event: toIso(trailRow?.last_event),
  };
  const modifiers = await db.all<Modifier>(sql.get('modifiers')!);
  const sessions = (await db.all<Record<string, unknown>>(sql.get('session-actions')!)).map(
    (r): SessionAction => ({
      function_name: String(r.function_name),
      role_arn: r.role_arn === null ? null : String(r.role_arn),
      event_source: String(r.event_source),
      api_name: String(r.api_name),
      calls: Number(r.calls),
      errors: Number(r.errors),
    }),
  );

  let rows = runChecks({ model, modifiers, trail, sessions });
  if (opts.function) {
    const fn = opts.function;
    rows = rows.filter((r) => concernsFunction(r, fn));
  }
  if (opts.checks?.length) rows = rows.filter((r) => opts.checks!.includes(r.check));
  rows.sort(
    (a, b) =>
      AUDIT_CHECKS.indexOf(a.check) - AUDIT_CHECKS.indexOf(b.check) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.function ?? '').localeCompare(b.function ?? '') ||
      (a.principal ?? '').localeCompare(b.principal ?? ''),
  );
  rows.forEach((r, i) => {
    const parsed = auditRowSchema.safeParse(r);
    if (!parsed.success) throw new Error(`audit row ${i + 1} (${r.check}) does not match its schema: ${parsed.error.message}`);
  });

  const notes: string[] = [];
  if (!model.iamLoaded) notes.push('no IAM dump imported (aws iam get-account-authorization-details): can-modify, broad-role and unused-modify-right have nothing to evaluate');
  if (!model.functions.length) notes.push('no function known (list-functions, get-policy, function URL configs or Lambda CloudTrail events): per-function checks have nothing to evaluate');
  if (!model.statements.length) notes.push('no resource policy imported (aws lambda get-policy): invoke-unrestricted and public-invoke have nothing to evaluate');
  if (!trail.events) notes.push('no CloudTrail imported: unused-modify-right and actual-vs-allowed need it');
  const missing = [...new Set(model.principals.flatMap((p) => p.missingPolicies))];
  if (missing.length) notes.push(`${missing.length} attached managed polic${missing.length === 1 ? 'y is' : 'ies are'} not in any dump and were left out: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  const bounded = model.principals.filter((p) => p.permissionsBoundary).length;
  if (bounded) notes.push(`${bounded} principal${bounded === 1 ? ' has' : 's have'} a permissions boundary, which the audit does not apply (nor SCPs): their rights may be narrower`);
  return { rows, notes };
}

/** Whether an audit row is about the function: its own row, or a principal's row that names it among others. */
export function concernsFunction(r: Pick<AuditRow, 'function' | 'detail'>, fn: string): boolean {
  return r.function === fn || (r.function === null && Array.isArray(r.detail.functions) && r.detail.functions.includes(fn));
}

export async function runAudit(db: Db, opts: AuditOptions = {}): Promise<AuditRow[]> {
  return (await runAuditDetailed(db, opts)).rows;
}

export function auditTable(rows: AuditRow[]): Table {
  return { columns: [...AUDIT_COLUMNS], rows: rows.map((r) => ({ ...r }) as unknown as Record<string, Value>) };
}

const list = (v: Value | undefined): string => (Array.isArray(v) ? v.map(String).join(', ') : v === null || v === undefined ? '' : String(v));

/** A one-line title for `analyze findings` and the report. */
export function auditTitle(r: AuditRow): string {
  const d = r.detail;
  const fn = r.function ?? '(no function)';
  switch (r.check) {
    case 'can-modify':
      if (d.kind === 'pass-role-create-function') {
        const what = d.any_role ? 'any role' : `${d.passable_roles} role(s)`;
        return `${r.principal} can create a function and pass it ${what} (iam:PassRole + lambda:CreateFunction)${d.decision === 'conditional' ? ', under conditions' : ''}`;
      }
      return d.decision === 'allowed'
        ? `${r.principal} can modify ${fn}: ${list(d.actions)}`
        : `${r.principal} may modify ${fn} under conditions: ${list(d.conditional_actions)}`;
    case 'invoke-unrestricted':
      return `${r.principal} may invoke ${fn} without an AWS:SourceArn/AWS:SourceAccount condition`;
    case 'public-invoke':
      return d.kind === 'cross-account'
        ? `account ${d.account} (${r.principal}) may call ${list(d.actions)} on ${fn}`
        : `anyone may call ${list(d.actions)} on ${fn}`;
    case 'public-url':
      return `${fn} has a public function URL (AuthType NONE)${d.url ? `: ${d.url}` : ''}`;
    case 'broad-role':
      return `execution role ${d.role}${r.function ? ` of ${fn}` : ''} allows ${list(d.actions)} on ${d.resource}`;
    case 'unused-modify-right':
      return `${r.principal} can modify ${list(d.functions)} but made no Lambda change in CloudTrail (${d.cloudtrail_from} .. ${d.cloudtrail_to})`;
    case 'actual-vs-allowed': {
      const used = Array.isArray(d.used) ? d.used.length : 0;
      const allowed = Array.isArray(d.allowed) ? `${d.allowed.length} allowed action pattern(s)` : 'role policies unknown';
      return `${fn}: role used ${used} API action(s); ${allowed}`;
    }
  }
}

/** Audit rows as findings, for `analyze findings` (the `extra` of collectFindings) and the report. */
export async function auditFindings(db: Db): Promise<Finding[]> {
  return findingsOf(await runAudit(db));
}

/** The findings of audit rows already computed (the report runs the audit once for both). */
export function findingsOf(rows: AuditRow[]): Finding[] {
  return rows.map((r) => ({
    analyzer: `audit:${r.check}`,
    severity: r.severity,
    function: r.function,
    time: null,
    title: auditTitle(r),
    evidence: { check: r.check, principal: r.principal, detail: r.detail, evidence: r.evidence },
  }));
}
