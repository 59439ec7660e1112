import { sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { emptyOutcome, type FileOutcome, type Importer, type LoadContext } from '../types.ts';

const SQL = 'staging/iam.sql';

/** What was wrong, and what was done about it. */
const PROBLEM_TEXT: Record<string, [string, string]> = {
  'not-an-object': ['entry is not a JSON object', 'entry skipped'],
  'missing-name': ['entry has no name (UserName/GroupName/RoleName/PolicyName)', 'entry skipped'],
  'bad-create-date': ['CreateDate is not a timestamp', 'row kept with create_date NULL'],
  'unreadable-policy-document': [
    'policy document is neither a JSON object, JSON text nor URL-encoded JSON',
    'row kept with document NULL',
  ],
  'no-default-version': ['PolicyVersionList has no default version', 'row kept with document NULL'],
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface Counts {
  file_id: bigint;
  users: bigint;
  groups: bigint;
  roles: bigint;
  policies: bigint;
  inline: bigint;
  attachments: bigint;
  members: bigint;
  rejected: bigint;
  truncated: boolean | null;
}

/**
 * IAM authorization details (`aws iam get-account-authorization-details`) into iam_users,
 * iam_groups, iam_roles, iam_managed_policies (with the default version's document), and the
 * relations iam_inline_policies, iam_attachments and iam_group_members. Every dump is a snapshot:
 * its rows share a file_id. rowsLoaded counts the rows written to all seven tables; the ledger's
 * reason column breaks them down.
 */
export const iamImporter: Importer = {
  formats: ['iam-authorization-details'],
  source: 'iam',
  description: 'IAM: aws iam get-account-authorization-details',
  maxBatchFiles: 50,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(SQL);
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));
    const params = { files: fileListParam(files), max_object: maxObjectSize(files) };

    await db.run(sql.get('stage')!, params);
    const shape = await db.all<{ file_id: bigint; problem: string }>(sql.get('shape-problems')!);
    if (shape.length) {
      const first = shape[0]!;
      const bad = files.find((f) => f.fileId === Number(first.file_id))!;
      const keys = await db.all<{ keys: string[] | null }>(sql.get('top-keys')!, {
        files: fileListParam([bad]),
        max_object: maxObjectSize([bad]),
      });
      const found = keys[0]?.keys?.length ? ` (top-level keys: ${keys[0].keys.slice(0, 8).join(', ')})` : '';
      const what =
        first.problem === 'no-lists' || first.problem === 'no-object'
          ? 'has none of UserDetailList, GroupDetailList, RoleDetailList, Policies'
          : `has ${first.problem}, but not as an array`;
      throw new Error(`not aws iam get-account-authorization-details output: the file ${what}${found}`);
    }

    await db.run(sql.get('normalize')!);
    await db.run(sql.get('insert')!);

    for (const c of await db.all<Counts>(sql.get('counts')!)) {
      const o = outcomes.get(Number(c.file_id))!;
      const n = (v: bigint) => Number(v);
      o.rowsLoaded = n(c.users) + n(c.groups) + n(c.roles) + n(c.policies) + n(c.inline) + n(c.attachments) + n(c.members);
      o.rowsRejected = n(c.rejected);
      o.note = [
        plural(n(c.users), 'user'),
        plural(n(c.groups), 'group'),
        plural(n(c.roles), 'role'),
        plural(n(c.policies), 'managed policy', 'managed policies'),
        plural(n(c.inline), 'inline policy', 'inline policies'),
        plural(n(c.attachments), 'attachment'),
        plural(n(c.members), 'group membership'),
      ].join(', ');
      if (c.truncated) {
        o.issues.push({
          severity: 'warning',
          code: 'truncated',
          message: 'IsTruncated is true: this is one page of the account details, the other pages are not in this file',
        });
      }
    }
    for (const p of await db.all<{ file_id: bigint; list_name: string; record_index: bigint; name: string | null; code: string; detail: string | null }>(
      sql.get('problems')!,
    )) {
      const who = p.name ? ` (${p.name}${p.detail ? `, ${p.detail}` : ''})` : p.detail ? ` (${p.detail})` : '';
      outcomes.get(Number(p.file_id))!.issues.push({
        location: `${p.list_name} record ${p.record_index}`,
        severity: 'warning',
        code: p.code,
        message: `${PROBLEM_TEXT[p.code]?.[0] ?? p.code}${who}; ${PROBLEM_TEXT[p.code]?.[1] ?? 'see the file'}`,
      });
    }
    await db.run(sql.get('cleanup')!);
    return outcomes;
  },
};
