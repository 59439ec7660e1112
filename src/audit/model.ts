import type { Db } from '../db/connection.ts';
import { sqlSections } from '../db/sql.ts';
import type { Context, PolicySource, Statement } from './policy.ts';

const SQL = 'audit/audit.sql';

/** An IAM user or role with every policy that applies to it: its inline policies, its attached
 * managed policies (default version), and for a user those of its groups. */
export interface IamPrincipal {
  type: 'user' | 'role';
  name: string;
  arn: string | null;
  account: string | null;
  path: string | null;
  groups: string[];
  policies: PolicySource[];
  /** Attached managed policies whose document is in no imported dump. */
  missingPolicies: string[];
  permissionsBoundary: string | null;
  trustPolicy: unknown;
  sourceFile: string;
}

export interface FunctionRef {
  name: string;
  /** Unqualified function ARN. */
  arn: string;
  partition: string;
  region: string;
  account: string;
}

export interface PolicyStatementRow {
  function_name: string | null;
  function_arn: string | null;
  qualifier: string | null;
  statement_index: number;
  sid: string | null;
  effect: string | null;
  statement: Statement;
  policy_id: string | null;
  revision_id: string | null;
  source_file: string;
}

export interface UrlRow {
  function_name: string | null;
  function_arn: string | null;
  qualifier: string | null;
  function_url: string;
  auth_type: string | null;
  cors: unknown;
  source_file: string;
}

export interface AuditModel {
  principals: IamPrincipal[];
  roles: IamPrincipal[];
  functions: FunctionRef[];
  /** function name → role ARNs it was configured with (config dumps and CloudTrail). */
  functionRoles: Map<string, string[]>;
  statements: PolicyStatementRow[];
  urls: UrlRow[];
  iamLoaded: boolean;
}

/** Account of an IAM/STS/Lambda ARN when it is a 12-digit id. */
export function arnAccount(arn: string | null | undefined): string | null {
  const a = arn?.split(':')[4];
  return a && /^\d{12}$/.test(a) ? a : null;
}

/** account/name of a role or assumed-role ARN (the role path is dropped), as lf_role_key does. */
export function roleKey(arn: string | null | undefined): string | null {
  if (!arn) return null;
  let m = /^arn:[^:]+:iam::([^:]*):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (m) return `${m[1]}/${m[2]}`;
  m = /^arn:[^:]+:sts::([^:]*):assumed-role\/([^/]+)/.exec(arn);
  return m ? `${m[1]}/${m[2]}` : null;
}

function parseJson(text: string | null): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

type Row = Record<string, unknown>;
const n = (v: unknown) => Number(v);
const s = (v: unknown) => (v === null || v === undefined ? null : String(v));

export async function loadModel(db: Db): Promise<AuditModel> {
  const sql = sqlSections(SQL);
  const q = (name: string) => db.all<Row>(sql.get(name)!);
  // one connection: the queries run one after the other
  const sets: Row[][] = [];
  for (const name of ['users', 'roles', 'groups', 'inline', 'attachments', 'members', 'managed', 'functions', 'function-roles', 'policy-statements', 'urls']) {
    sets.push(await q(name));
  }
  const [users, roles, groups, inline, attachments, members, managed, functions, fnRoles, statements, urls] = sets;

  // managed policy documents by ARN, per dump
  const managedBy = new Map<string, Row[]>();
  for (const m of managed!) managedBy.set(String(m.arn), [...(managedBy.get(String(m.arn)) ?? []), m]);
  const managedDoc = (arn: string, fileId: number): Row | undefined => {
    const rows = managedBy.get(arn);
    if (!rows?.length) return undefined;
    return rows.find((r) => n(r.file_id) === fileId && r.document !== null) ?? [...rows].reverse().find((r) => r.document !== null);
  };
  const key = (type: string, name: string, fileId: number) => `${type}\u0000${name}\u0000${fileId}`;
  const inlineBy = new Map<string, Row[]>();
  for (const r of inline!) {
    const k = key(String(r.principal_type), String(r.principal_name), n(r.file_id));
    inlineBy.set(k, [...(inlineBy.get(k) ?? []), r]);
  }
  const attachBy = new Map<string, Row[]>();
  for (const r of attachments!) {
    const k = key(String(r.principal_type), String(r.principal_name), n(r.file_id));
    attachBy.set(k, [...(attachBy.get(k) ?? []), r]);
  }
  const groupFiles = new Map<string, number[]>();
  for (const g of groups!) groupFiles.set(String(g.name), [...(groupFiles.get(String(g.name)) ?? []), n(g.file_id)]);

  /** Policies of one principal (or group) in one dump. */
  const policiesOf = (type: 'user' | 'group' | 'role', name: string, fileId: number, via: string, missing: string[]): PolicySource[] => {
    const out: PolicySource[] = [];
    for (const r of inlineBy.get(key(type, name, fileId)) ?? []) {
      out.push({ id: `inline ${type}/${name}: ${s(r.policy_name) ?? '(unnamed)'}`, document: parseJson(s(r.document)), via, sourceFile: s(r.source_file) });
    }
    for (const r of attachBy.get(key(type, name, fileId)) ?? []) {
      const arn = s(r.policy_arn);
      if (!arn) continue;
      const m = managedDoc(arn, fileId);
      if (!m) {
        missing.push(arn);
        continue;
      }
      out.push({ id: `${arn}${m.default_version_id ? ` (${String(m.default_version_id)})` : ''}`, document: parseJson(s(m.document)), via, sourceFile: s(m.source_file) });
    }
    return out;
  };

  const principals: IamPrincipal[] = [];
  for (const u of users!) {
    const name = String(u.name);
    const fileId = n(u.file_id);
    const missing: string[] = [];
    const policies = policiesOf('user', name, fileId, 'user', missing);
    const myGroups = members!.filter((m) => String(m.user_name) === name && n(m.file_id) === fileId).map((m) => String(m.group_name));
    for (const g of myGroups) {
      const files = groupFiles.get(g) ?? [];
      const gFile = files.includes(fileId) ? fileId : files.length ? Math.max(...files) : fileId;
      policies.push(...policiesOf('group', g, gFile, `group:${g}`, missing));
    }
    principals.push({
      type: 'user', name, arn: s(u.arn), account: arnAccount(s(u.arn)), path: s(u.path), groups: myGroups, policies,
      missingPolicies: missing, permissionsBoundary: s(u.permissions_boundary_arn), trustPolicy: null, sourceFile: String(u.source_file),
    });
  }
  const roleList: IamPrincipal[] = [];
  for (const r of roles!) {
    const name = String(r.name);
    const missing: string[] = [];
    const p: IamPrincipal = {
      type: 'role', name, arn: s(r.arn), account: arnAccount(s(r.arn)), path: s(r.path), groups: [],
      policies: policiesOf('role', name, n(r.file_id), 'role', missing), missingPolicies: missing,
      permissionsBoundary: s(r.permissions_boundary_arn), trustPolicy: parseJson(s(r.trust_policy)), sourceFile: String(r.source_file),
    };
    principals.push(p);
    roleList.push(p);
  }

  const fns: FunctionRef[] = [];
  for (const f of functions!) {
    const arn = String(f.function_arn);
    const parts = arn.split(':');
    fns.push({ name: String(f.function_name), arn, partition: parts[1] ?? 'aws', region: parts[3] ?? '', account: parts[4] ?? '' });
  }
  const functionRoles = new Map<string, string[]>();
  for (const r of fnRoles!) {
    const fn = String(r.function_name);
    const list = functionRoles.get(fn) ?? [];
    if (!list.includes(String(r.role_arn))) list.push(String(r.role_arn));
    functionRoles.set(fn, list);
  }

  return {
    principals,
    roles: roleList,
    functions: fns,
    functionRoles,
    statements: statements!.map((r) => ({
      function_name: s(r.function_name),
      function_arn: s(r.function_arn),
      qualifier: s(r.qualifier),
      statement_index: n(r.statement_index),
      sid: s(r.sid),
      effect: s(r.effect),
      statement: (parseJson(s(r.statement)) ?? {}) as Statement,
      policy_id: s(r.policy_id),
      revision_id: s(r.revision_id),
      source_file: String(r.source_file),
    })),
    urls: urls!.map((r) => ({
      function_name: s(r.function_name),
      function_arn: s(r.function_arn),
      qualifier: s(r.qualifier),
      function_url: String(r.function_url),
      auth_type: s(r.auth_type),
      cors: parseJson(s(r.cors)),
      source_file: String(r.source_file),
    })),
    iamLoaded: users!.length + roles!.length > 0,
  };
}

/** What is known offline about a request by this principal on this function: who the caller is
 * and where the resource lives. Everything else (MFA, source IP, time, tags) stays unknown. */
export function principalContext(p: IamPrincipal, fn?: FunctionRef): Context {
  const ctx: Context = {};
  if (p.arn) ctx['aws:PrincipalArn'] = [p.arn];
  if (p.account) ctx['aws:PrincipalAccount'] = [p.account];
  ctx['aws:PrincipalType'] = [p.type === 'user' ? 'User' : 'AssumedRole'];
  // aws:username is only in the request of an IAM user
  ctx['aws:username'] = p.type === 'user' ? [p.name] : null;
  if (fn) {
    if (fn.account) ctx['aws:ResourceAccount'] = [fn.account];
    if (fn.region) ctx['aws:RequestedRegion'] = [fn.region];
  }
  return ctx;
}

/** Whether a role's trust policy lets the Lambda service assume it. */
export function trustsLambda(role: IamPrincipal): boolean {
  const doc = role.trustPolicy as { Statement?: unknown } | null;
  if (!doc) return false;
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.some((st) => {
    if (!st || typeof st !== 'object') return false;
    const x = st as { Effect?: string; Principal?: unknown };
    if (x.Effect !== 'Allow') return false;
    const svc = (x.Principal as { Service?: unknown } | undefined)?.Service;
    const svcs = Array.isArray(svc) ? svc : [svc];
    return svcs.some((v) => typeof v === 'string' && v.toLowerCase() === 'lambda.amazonaws.com');
  });
}
