import type { Severity } from '../analyzers/types.ts';
import type { Value } from '../output/printer.ts';
import { arnAccount, principalContext, roleKey, trustsLambda, type AuditModel, type FunctionRef, type IamPrincipal, type PolicyStatementRow } from './model.ts';
import {
  actionPatterns,
  conditionEquals,
  effectOf,
  evaluate,
  evaluateAnyResource,
  matchAction,
  notActionPatterns,
  notResourcePatterns,
  principalAccount,
  principalsOf,
  resourcePatterns,
  restrictingKeys,
  statementCoversAction,
  statementsOf,
  type Context,
  type Decision,
  type PolicySource,
  type Statement,
  type StatementRef,
} from './policy.ts';

export const AUDIT_CHECKS = [
  'can-modify',
  'invoke-unrestricted',
  'public-invoke',
  'public-url',
  'broad-role',
  'unused-modify-right',
  'actual-vs-allowed',
] as const;
export type AuditCheck = (typeof AUDIT_CHECKS)[number];

export interface AuditRow {
  check: AuditCheck;
  function: string | null;
  principal: string | null;
  severity: Severity;
  detail: Record<string, Value>;
  /** The policy, statement and condition the row rests on. */
  evidence: Record<string, Value>;
}

/** The modifying actions can-modify evaluates, on the function's unqualified ARN. */
export const MODIFY_ACTIONS = [
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:AddPermission',
  'lambda:CreateFunctionUrlConfig',
  'lambda:UpdateFunctionUrlConfig',
  'lambda:PublishVersion',
  'lambda:UpdateAlias',
  'lambda:DeleteFunction',
];

const asValue = (v: unknown): Value => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Value));

/** Evidence of one statement: which policy, which statement, which condition. */
export function evidenceOf(ref: StatementRef): Record<string, Value> {
  return {
    policy: ref.policy.id,
    via: ref.policy.via ?? null,
    statement_index: ref.index,
    sid: typeof ref.statement.Sid === 'string' && ref.statement.Sid ? ref.statement.Sid : null,
    statement: asValue(ref.statement),
    condition: asValue(ref.statement.Condition ?? null),
    ...(ref.why ? { undecided: ref.why } : {}),
    source_file: ref.policy.sourceFile ?? null,
  };
}

function resourcePolicyEvidence(st: PolicyStatementRow): Record<string, Value> {
  return {
    policy: `resource policy of ${st.function_arn ?? st.function_name ?? '?'}${st.policy_id ? ` (Id ${st.policy_id})` : ''}`,
    via: 'resource-policy',
    statement_index: st.statement_index,
    sid: st.sid,
    statement: asValue(st.statement),
    condition: asValue(st.statement.Condition ?? null),
    source_file: st.source_file,
  };
}

const principalLabel = (p: IamPrincipal) => p.arn ?? `${p.type}/${p.name}`;
const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The function's resource policy as a policy source (statements of its newest get-policy dump). */
function resourcePolicyOf(model: AuditModel, fn: FunctionRef): PolicySource | undefined {
  const st = model.statements.filter((s) => s.function_arn === fn.arn);
  if (!st.length) return undefined;
  return {
    id: `resource policy of ${fn.arn}`,
    document: { Statement: st.map((s) => s.statement) },
    via: 'resource-policy',
    sourceFile: st[0]!.source_file,
  };
}

/** Identity policies apply to resources of the principal's own account (cross-account access also
 * needs the resource policy, which is evaluated with them). Unknown accounts are assumed equal. */
function sameAccount(p: IamPrincipal, fn: FunctionRef): boolean {
  return !p.account || !/^\d{12}$/.test(fn.account) || p.account === fn.account;
}

interface ModifyRight {
  principal: IamPrincipal;
  fn: FunctionRef;
  allowed: string[];
  conditional: string[];
  denied: string[];
  refs: StatementRef[];
}

// ---------------------------------------------------------------------------------------------
// can-modify

export function modifyRights(model: AuditModel): ModifyRight[] {
  const out: ModifyRight[] = [];
  const named = new Set(model.statements.flatMap((s) => principalsOf(s.statement.Principal).aws));
  const rps = new Map(model.functions.map((fn) => [fn.arn, resourcePolicyOf(model, fn)]));
  for (const p of model.principals) {
    // only principals some Allow could give a modifying action (any resource) are evaluated in full
    const mayAllow =
      (p.arn && named.has(p.arn)) ||
      p.policies.some((pol) => statementsOf(pol.document).some((s) => effectOf(s) === 'Allow' && MODIFY_ACTIONS.some((a) => statementCoversAction(s, a))));
    if (!mayAllow) continue;
    for (const fn of model.functions) {
      if (!sameAccount(p, fn)) continue;
      const rp = rps.get(fn.arn);
      const ctx = principalContext(p, fn);
      const policies = rp ? [...p.policies, rp] : p.policies;
      const r: ModifyRight = { principal: p, fn, allowed: [], conditional: [], denied: [], refs: [] };
      for (const action of MODIFY_ACTIONS) {
        const d = evaluate(policies, { action, resource: fn.arn, context: ctx, principal: { arn: p.arn ?? undefined, account: p.account ?? undefined } });
        if (d.decision === 'allow') r.allowed.push(action);
        else if (d.decision === 'conditional') r.conditional.push(action);
        else if (d.decision === 'deny') r.denied.push(action);
        if (d.decision === 'allow' || d.decision === 'conditional') r.refs.push(...pickRefs(d));
      }
      if (r.allowed.length || r.conditional.length) out.push(r);
    }
  }
  return out;
}

/** The statements a decision rests on: the applying allows, then any deny that could apply. */
function pickRefs(d: Decision): StatementRef[] {
  const yes = d.allows.filter((a) => a.match === 'yes');
  return [...(yes.length ? yes : d.allows), ...d.denies];
}

const refKey = (r: StatementRef) => `${r.policy.id}#${r.index}`;
function uniqRefs(refs: StatementRef[]): StatementRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(refKey(r)) ? false : (seen.add(refKey(r)), true)));
}
const refSummary = (r: StatementRef): Value => ({
  policy: r.policy.id,
  via: r.policy.via ?? null,
  sid: typeof r.statement.Sid === 'string' && r.statement.Sid ? r.statement.Sid : null,
  statement_index: r.index,
  effect: effectOf(r.statement),
  match: r.match === 'yes' ? 'applies' : 'undecided',
});

function canModifyRows(model: AuditModel, rights: ModifyRight[]): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const r of rights) {
    const refs = uniqRefs(r.refs);
    const primary = refs.find((x) => effectOf(x.statement) === 'Allow' && x.match === 'yes') ?? refs[0]!;
    rows.push({
      check: 'can-modify',
      function: r.fn.name,
      principal: principalLabel(r.principal),
      severity: 'info',
      detail: {
        decision: r.allowed.length ? 'allowed' : 'conditional',
        function_arn: r.fn.arn,
        principal_type: r.principal.type,
        actions: r.allowed,
        conditional_actions: r.conditional,
        denied_actions: r.denied,
        via: uniq(refs.filter((x) => effectOf(x.statement) === 'Allow').map((x) => x.policy.via ?? '')),
        statements: refs.map(refSummary),
        ...(r.principal.missingPolicies.length ? { policies_not_in_dump: r.principal.missingPolicies } : {}),
      },
      evidence: evidenceOf(primary),
    });
  }
  // Resource-policy grants to principals that are not IAM principals of the dumps (other
  // accounts, account roots, unknown ARNs).
  const known = new Set(model.principals.map((p) => p.arn).filter(Boolean));
  for (const st of model.statements) {
    if (effectOf(st.statement) !== 'Allow') continue;
    const actions = MODIFY_ACTIONS.filter((a) => statementCoversAction(st.statement, a));
    if (!actions.length) continue;
    const set = principalsOf(st.statement.Principal);
    const who = [...(set.public ? ['*'] : []), ...set.aws.filter((a) => !known.has(a))];
    for (const w of who) {
      const hasCondition = !!st.statement.Condition && Object.keys(st.statement.Condition).length > 0;
      rows.push({
        check: 'can-modify',
        function: st.function_name,
        principal: w,
        severity: 'info',
        detail: {
          decision: hasCondition ? 'conditional' : 'allowed',
          function_arn: st.function_arn,
          principal_type: w === '*' ? 'public' : /:root$|^\d{12}$/.test(w) ? 'account' : 'arn',
          account: w === '*' ? null : principalAccount(w),
          actions: hasCondition ? [] : actions,
          conditional_actions: hasCondition ? actions : [],
          denied_actions: [],
          via: ['resource-policy'],
        },
        evidence: resourcePolicyEvidence(st),
      });
    }
  }
  return rows;
}

/** iam:PassRole + lambda:CreateFunction: the principal can create a function that runs with a
 * role it passes, and so act as that role. */
function takeoverRows(model: AuditModel): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const p of model.principals) {
    if (!p.policies.length) continue;
    const ctx: Context = { ...principalContext(p), 'iam:PassedToService': ['lambda.amazonaws.com'] };
    const create = evaluateAnyResource(p.policies, 'lambda:CreateFunction', ctx);
    if (create.decision !== 'allow' && create.decision !== 'conditional') continue;
    const candidates = model.roles.filter((r) => r.arn && (!p.account || !r.account || r.account === p.account));
    const passable: string[] = [];
    const passableConditional: string[] = [];
    const passRefs: StatementRef[] = [];
    for (const r of candidates) {
      const d = evaluate(p.policies, { action: 'iam:PassRole', resource: r.arn!, context: ctx });
      if (d.decision === 'allow') passable.push(r.arn!);
      else if (d.decision === 'conditional') passableConditional.push(r.arn!);
      if (d.decision === 'allow' || d.decision === 'conditional') passRefs.push(...pickRefs(d));
    }
    const anyPass = evaluateAnyResource(p.policies, 'iam:PassRole', ctx);
    const anyRole = anyPass.allows.some(
      (a) => a.match === 'yes' && ((resourcePatterns(a.statement) ?? []).some((x) => x === '*' || /^arn:[^:]*:iam::[^:]*:role\/\*$/.test(x)) || notResourcePatterns(a.statement) !== undefined),
    ) && anyPass.decision === 'allow';
    if (!candidates.length) passRefs.push(...pickRefs(anyPass));
    const passDecision = passable.length || (anyRole && !candidates.length) ? 'allow' : passableConditional.length || (!candidates.length && anyPass.decision === 'conditional') ? 'conditional' : 'no';
    if (passDecision === 'no') continue;
    const decision = create.decision === 'allow' && passDecision === 'allow' ? 'allowed' : 'conditional';
    const refs = uniqRefs([...passRefs, ...pickRefs(create)]);
    const passRef = refs.find((x) => statementCoversAction(x.statement, 'iam:PassRole') && effectOf(x.statement) === 'Allow') ?? refs[0]!;
    const createRef = refs.find((x) => statementCoversAction(x.statement, 'lambda:CreateFunction') && effectOf(x.statement) === 'Allow');
    const lambdaRoles = model.roles.filter((r) => r.arn && passable.includes(r.arn) && trustsLambda(r)).map((r) => r.arn!);
    rows.push({
      check: 'can-modify',
      function: null,
      principal: principalLabel(p),
      severity: 'medium',
      detail: {
        kind: 'pass-role-create-function',
        decision,
        principal_type: p.type,
        actions: ['iam:PassRole', 'lambda:CreateFunction'],
        any_role: anyRole,
        passable_roles: passable.length,
        passable_roles_conditional: passableConditional.length,
        lambda_trusted_passable_roles: lambdaRoles,
        statements: refs.map(refSummary),
      },
      evidence: { ...evidenceOf(passRef), also: createRef && refKey(createRef) !== refKey(passRef) ? evidenceOf(createRef) : null },
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Resource-policy checks

const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl'];
const SOURCE_KEYS = ['aws:SourceArn', 'aws:SourceAccount'];
/** Condition keys that narrow who may call a public statement. lambda:FunctionUrlAuthType does not:
 * AWS_IAM still admits any authenticated principal of any account. */
const CALLER_KEYS = [
  'aws:SourceArn', 'aws:SourceAccount', 'aws:SourceOwner', 'aws:SourceOrgID', 'aws:SourceOrgPaths',
  'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalAccount', 'aws:PrincipalArn',
  'aws:SourceVpc', 'aws:SourceVpce', 'aws:SourceIp', 'aws:userid', 'aws:username', 'aws:PrincipalServiceName',
];

/** A statement that exists to make a function URL public: FunctionUrlAuthType NONE, or (since
 * October 2025) lambda:InvokeFunction restricted to calls through the function URL. */
function urlPublicStatement(s: Statement): 'auth-type-none' | 'invoked-via-url' | null {
  if (conditionEquals(s.Condition, 'lambda:FunctionUrlAuthType').some((v) => v.toUpperCase() === 'NONE')) return 'auth-type-none';
  if (conditionEquals(s.Condition, 'lambda:InvokedViaFunctionUrl').some((v) => v.toLowerCase() === 'true')) return 'invoked-via-url';
  return null;
}

function coveredActions(s: Statement, actions: string[]): string[] {
  return actions.filter((a) => statementCoversAction(s, a));
}

function invokeUnrestrictedRows(model: AuditModel): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const st of model.statements) {
    if (effectOf(st.statement) !== 'Allow') continue;
    const actions = coveredActions(st.statement, INVOKE_ACTIONS);
    if (!actions.length) continue;
    const set = principalsOf(st.statement.Principal);
    if (!set.service.length) continue;
    if (restrictingKeys(st.statement.Condition, SOURCE_KEYS).length) continue;
    for (const service of set.service) {
      const isS3 = service.toLowerCase() === 's3.amazonaws.com';
      rows.push({
        check: 'invoke-unrestricted',
        function: st.function_name,
        principal: service,
        severity: isS3 ? 'high' : 'medium',
        detail: {
          function_arn: st.function_arn,
          qualifier: st.qualifier,
          sid: st.sid,
          actions,
          missing: 'a condition on AWS:SourceArn or AWS:SourceAccount',
          why: isS3
            ? 'any S3 bucket, in any account, can be configured to invoke this function'
            : `any ${service} resource, possibly in another account, can invoke this function`,
        },
        evidence: resourcePolicyEvidence(st),
      });
    }
  }
  return rows;
}

function publicInvokeRows(model: AuditModel, fnAccount: (st: PolicyStatementRow) => string | null): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const st of model.statements) {
    if (effectOf(st.statement) !== 'Allow') continue;
    const s = st.statement;
    const set = principalsOf(s.Principal);
    const notPrincipal = s.NotPrincipal !== undefined;
    const lambdaActions = ['lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl', 'lambda:GetFunction', ...MODIFY_ACTIONS];
    const actions = coveredActions(s, lambdaActions);
    const listed = actionPatterns(s) ?? (notActionPatterns(s) ?? []).map((a) => `NotAction ${a}`);
    if (!actions.length) continue;
    if ((set.public || notPrincipal) && !urlPublicStatement(s)) {
      const restricting = restrictingKeys(s.Condition, CALLER_KEYS);
      if (!restricting.length) {
        rows.push({
          check: 'public-invoke',
          function: st.function_name,
          principal: notPrincipal ? `NotPrincipal ${JSON.stringify(s.NotPrincipal)}` : '*',
          severity: 'high',
          detail: {
            kind: 'public',
            function_arn: st.function_arn,
            qualifier: st.qualifier,
            sid: st.sid,
            actions: listed,
            why: 'any AWS principal, in any account, may call these actions on the function',
          },
          evidence: resourcePolicyEvidence(st),
        });
      }
    }
    const own = fnAccount(st);
    for (const entry of set.aws) {
      const acct = principalAccount(entry);
      if (!acct || !own || acct === own) continue;
      rows.push({
        check: 'public-invoke',
        function: st.function_name,
        principal: entry,
        severity: 'medium',
        detail: {
          kind: 'cross-account',
          account: acct,
          function_account: own,
          function_arn: st.function_arn,
          qualifier: st.qualifier,
          sid: st.sid,
          actions: listed,
          restricted_by: restrictingKeys(s.Condition, CALLER_KEYS),
        },
        evidence: resourcePolicyEvidence(st),
      });
    }
  }
  return rows;
}

function publicUrlRows(model: AuditModel): AuditRow[] {
  interface Acc { fn: string | null; arn: string | null; qualifier: string | null; urls: string[]; cors: unknown; configs: string[]; statements: PolicyStatementRow[] }
  const by = new Map<string, Acc>();
  const get = (fn: string | null, arn: string | null, qualifier: string | null) => {
    const base = arn ? arn.split(':').slice(0, 7).join(':') : fn ?? '?';
    const k = `${base}\u0000${qualifier ?? ''}`;
    let a = by.get(k);
    if (!a) by.set(k, (a = { fn, arn: base, qualifier, urls: [], cors: null, configs: [], statements: [] }));
    return a;
  };
  for (const u of model.urls) {
    if ((u.auth_type ?? '').toUpperCase() !== 'NONE') continue;
    const a = get(u.function_name, u.function_arn, u.qualifier);
    a.urls.push(u.function_url);
    a.cors = u.cors;
    a.configs.push(u.source_file);
  }
  for (const st of model.statements) {
    if (effectOf(st.statement) !== 'Allow' || !urlPublicStatement(st.statement)) continue;
    const set = principalsOf(st.statement.Principal);
    if (!set.public) continue;
    get(st.function_name, st.function_arn, st.qualifier).statements.push(st);
  }
  const rows: AuditRow[] = [];
  for (const a of by.values()) {
    const sources = [...(a.urls.length ? ['url-config'] : []), ...(a.statements.length ? ['resource-policy'] : [])];
    const hasPolicyDump = model.statements.some((s) => s.function_arn === a.arn);
    const first = a.statements.find((s) => urlPublicStatement(s.statement) === 'auth-type-none') ?? a.statements[0];
    rows.push({
      check: 'public-url',
      function: a.fn,
      principal: '*',
      severity: 'high',
      detail: {
        function_arn: a.arn,
        qualifier: a.qualifier,
        url: a.urls[0] ?? null,
        auth_type: 'NONE',
        found_in: sources,
        // a URL with AuthType NONE only answers when the resource policy also grants public access
        policy_grants_public: a.statements.length ? true : hasPolicyDump ? false : null,
        cors_allow_origins: asValue((a.cors as { AllowOrigins?: unknown } | null)?.AllowOrigins ?? null),
      },
      evidence: first
        ? { ...resourcePolicyEvidence(first), url_config: a.configs[0] ?? null }
        : { policy: 'function URL config', via: 'url-config', statement: null, condition: null, auth_type: 'NONE', source_file: a.configs[0] ?? null },
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// broad-role

/** Write actions that AWS's own Lambda execution policies grant on "*" (AWSLambdaBasicExecutionRole,
 * AWSLambdaVPCAccessExecutionRole, AWSXRayDaemonWriteAccess) or that allow no narrower resource. */
export const EXPECTED_ON_ALL = [
  'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents',
  'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
  'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'cloudwatch:PutMetricData',
];

/** Actions the Lambda service performs with the execution role (logs, VPC network interfaces,
 * X-Ray): they do not show as the function's own calls, so they are never "unused". */
const LAMBDA_SERVICE_ACTIONS = new Set(
  [...EXPECTED_ON_ALL, 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'].map((a) => a.toLowerCase()),
);

const READ_VERBS = /^(Get|List|Describe|Head|BatchGet|Query|Scan|Select|Search|Lookup|View|Check|Validate|Test|Estimate|Preview|Filter|Read|Download|Detect|Decrypt|Verify|Simulate|Discover|Poll|Receive|Generate)/i;

/** 'all' for "*", 'service' for "svc:*", 'write' / 'read' by the action's verb. A wildcard verb
 * (s3:Put*, s3:*Object) counts as write unless it starts with a read verb. */
export function actionKind(pattern: string): 'all' | 'service' | 'write' | 'read' {
  if (pattern === '*') return 'all';
  const [svc, verb] = pattern.split(':');
  if (verb === undefined) return 'write';
  if (/^\*+$/.test(verb) || (svc ?? '').includes('*')) return 'service';
  return READ_VERBS.test(verb) ? 'read' : 'write';
}

// "*", or every resource of a service in any region and account: arn:aws:s3:::*, arn:aws:s3:::*/*,
// arn:aws:dynamodb:*:*:table/*, arn:aws:lambda:*:*:function:*.
export function isAllResources(p: string): boolean {
  if (p === '*') return true;
  const m = /^arn:[^:]+:[^:]+:([^:]*):([^:]*):(.*)$/.exec(p);
  if (!m) return false;
  const wild = (x: string) => /^\**$/.test(x);
  // a resource-type word (table/, function:) only where the ARN has a region or account: in
  // arn:aws:s3:::reports/* the word is a bucket name
  const typed = m[1] !== '' || m[2] !== '';
  return wild(m[1]!) && wild(m[2]!) && (typed ? /^(?:[A-Za-z-]+[:/])?[*/]*\*$/ : /^[*/]*\*$/).test(m[3]!);
}

function broadRoleRows(model: AuditModel): AuditRow[] {
  const byKey = new Map<string, IamPrincipal>();
  for (const r of model.roles) {
    const k = roleKey(r.arn);
    if (k) byKey.set(k, r);
  }
  // (function, role) pairs: every configured role, plus Lambda-trusted roles no function uses
  const pairs: Array<[string | null, IamPrincipal]> = [];
  const used = new Set<IamPrincipal>();
  for (const [fn, arns] of model.functionRoles) {
    for (const arn of arns) {
      const r = byKey.get(roleKey(arn) ?? '');
      if (r) {
        pairs.push([fn, r]);
        used.add(r);
      }
    }
  }
  for (const r of model.roles) if (!used.has(r) && trustsLambda(r)) pairs.push([null, r]);

  const rows: AuditRow[] = [];
  for (const [fn, role] of pairs) {
    const denyAll = (pattern: string) =>
      role.policies.some((p) =>
        statementsOf(p.document).some(
          (s) => effectOf(s) === 'Deny' && !s.Condition && (resourcePatterns(s) ?? []).includes('*') && (actionPatterns(s) ?? []).some((d) => matchAction(d, pattern)),
        ),
      );
    for (const policy of role.policies) {
      statementsOf(policy.document).forEach((s, index) => {
        if (effectOf(s) !== 'Allow') return;
        const res = resourcePatterns(s);
        const notRes = notResourcePatterns(s);
        const allRes = (res ?? []).filter(isAllResources);
        if (!allRes.length && notRes === undefined) return;
        const resource = allRes[0] ?? `NotResource ${(notRes ?? []).join(', ')}`;
        const found: Array<{ action: string; kind: string }> = [];
        const notAct = notActionPatterns(s);
        if (notAct !== undefined) found.push({ action: `NotAction ${notAct.join(', ')}`, kind: 'all-but' });
        for (const a of actionPatterns(s) ?? []) {
          const kind = actionKind(a);
          if (kind === 'read') continue;
          if (kind === 'write' && EXPECTED_ON_ALL.some((e) => e.toLowerCase() === a.toLowerCase())) continue;
          if (denyAll(a)) continue;
          found.push({ action: a, kind });
        }
        if (!found.length) return;
        const high = found.some((f) => f.kind !== 'write');
        const ref: StatementRef = { policy, index, statement: s, match: 'yes' };
        rows.push({
          check: 'broad-role',
          function: fn,
          principal: role.arn ?? `role/${role.name}`,
          severity: high ? 'high' : 'medium',
          detail: {
            role: role.name,
            actions: found.map((f) => f.action),
            kinds: uniq(found.map((f) => f.kind === 'all' ? 'everything' : f.kind === 'service' ? 'whole-service' : f.kind === 'all-but' ? 'all-but-listed' : 'write')),
            resource,
            conditional: !!s.Condition && Object.keys(s.Condition).length > 0,
            ...(fn ? {} : { note: 'role trusted by lambda.amazonaws.com; no function in the data uses it' }),
          },
          evidence: evidenceOf(ref),
        });
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// CloudTrail cross-checks

export interface Modifier {
  identity_type: string | null;
  principal_arn: string | null;
  user_name: string | null;
  account_id: string | null;
  session_issuer_arn: string | null;
}

export interface TrailWindow {
  events: number;
  first_event: string | null;
  last_event: string | null;
}

function madeModifyingCall(p: IamPrincipal, mods: Modifier[]): boolean {
  if (p.type === 'user') {
    return mods.some(
      (m) => (p.arn && m.principal_arn === p.arn) || (m.identity_type === 'IAMUser' && m.user_name === p.name && (!p.account || !m.account_id || m.account_id === p.account)),
    );
  }
  const k = roleKey(p.arn);
  return !!k && mods.some((m) => roleKey(m.session_issuer_arn) === k || (m.identity_type === 'AssumedRole' && roleKey(m.principal_arn) === k));
}

function unusedModifyRows(rights: ModifyRight[], canModify: AuditRow[], mods: Modifier[], trail: TrailWindow): AuditRow[] {
  if (!trail.events) return [];
  const byPrincipal = new Map<IamPrincipal, ModifyRight[]>();
  for (const r of rights) {
    if (!r.allowed.length) continue;
    byPrincipal.set(r.principal, [...(byPrincipal.get(r.principal) ?? []), r]);
  }
  const rows: AuditRow[] = [];
  for (const [p, list] of byPrincipal) {
    // service-linked roles belong to AWS and cannot be edited
    if (p.type === 'role' && (p.path ?? '').startsWith('/aws-service-role/')) continue;
    if (madeModifyingCall(p, mods)) continue;
    const label = principalLabel(p);
    const first = canModify.find((c) => c.principal === label && c.function === list[0]!.fn.name);
    rows.push({
      check: 'unused-modify-right',
      function: null,
      principal: label,
      severity: 'medium',
      detail: {
        principal_type: p.type,
        groups: p.groups,
        functions: uniq(list.map((r) => r.fn.name)),
        actions: uniq(list.flatMap((r) => r.allowed)),
        via: uniq(list.flatMap((r) => r.refs.filter((x) => effectOf(x.statement) === 'Allow').map((x) => x.policy.via ?? ''))),
        cloudtrail_events: trail.events,
        cloudtrail_from: trail.first_event,
        cloudtrail_to: trail.last_event,
        why: 'no successful Lambda control-plane call by this principal in the imported CloudTrail: a candidate for removal',
      },
      evidence: first?.evidence ?? { policy: null, statement: null, condition: null, source_file: null },
    });
  }
  return rows;
}

export interface SessionAction {
  function_name: string;
  role_arn: string | null;
  event_source: string;
  api_name: string;
  calls: number;
  errors: number;
}

/** IAM service prefix of a CloudTrail eventSource (the host name's first label, with the few
 * services whose prefix differs). */
export function servicePrefix(eventSource: string): string {
  const host = eventSource.replace(/\.amazonaws\.com$/, '');
  const MAP: Record<string, string> = { monitoring: 'cloudwatch', email: 'ses', 'elasticloadbalancing': 'elasticloadbalancing', 'states': 'states', 'runtime.sagemaker': 'sagemaker', 'bedrock-runtime': 'bedrock', 'execute-api': 'execute-api' };
  return MAP[host] ?? host.split('.')[0]!;
}

function actualVsAllowedRows(model: AuditModel, sessions: SessionAction[]): AuditRow[] {
  const byKey = new Map<string, IamPrincipal>();
  for (const r of model.roles) {
    const k = roleKey(r.arn);
    if (k) byKey.set(k, r);
  }
  const groups = new Map<string, SessionAction[]>();
  for (const s of sessions) {
    const k = `${s.function_name}\u0000${s.role_arn ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const rows: AuditRow[] = [];
  for (const list of groups.values()) {
    const { function_name: fn, role_arn: roleArn } = list[0]!;
    const usedMap = new Map<string, { calls: number; errors: number }>();
    for (const s of list) {
      const action = `${servicePrefix(s.event_source)}:${s.api_name}`;
      const u = usedMap.get(action) ?? { calls: 0, errors: 0 };
      u.calls += s.calls;
      u.errors += s.errors;
      usedMap.set(action, u);
    }
    const used = [...usedMap.entries()].sort(([a], [b]) => a.localeCompare(b));
    const role = byKey.get(roleKey(roleArn) ?? '');
    let allowed: Value = null;
    let allowedUnused: Value = null;
    let usedNotAllowed: Value = null;
    let serviceUsed: Value = null;
    const policies: string[] = [];
    if (role) {
      const allows: Array<{ pattern: string; policy: string }> = [];
      const statements: Statement[] = [];
      for (const p of role.policies) {
        policies.push(p.id);
        for (const s of statementsOf(p.document)) {
          if (effectOf(s) !== 'Allow') continue;
          statements.push(s);
          for (const a of actionPatterns(s) ?? []) allows.push({ pattern: a, policy: p.id });
          for (const a of notActionPatterns(s) ?? []) allows.push({ pattern: `NotAction ${a}`, policy: p.id });
        }
      }
      allowed = uniq(allows.map((a) => a.pattern));
      const byService = (a: string) => LAMBDA_SERVICE_ACTIONS.has(a.toLowerCase());
      serviceUsed = uniq(allows.map((a) => a.pattern).filter(byService));
      allowedUnused = uniq(
        allows.filter((a) => !a.pattern.startsWith('NotAction ') && !byService(a.pattern) && !used.some(([u]) => matchAction(a.pattern, u))).map((a) => a.pattern),
      );
      usedNotAllowed = used.filter(([u]) => !statements.some((s) => statementCoversAction(s, u))).map(([u]) => u);
    }
    rows.push({
      check: 'actual-vs-allowed',
      function: fn,
      principal: roleArn,
      severity: 'info',
      detail: {
        role: role?.name ?? null,
        used: used.map(([action, u]) => ({ action, calls: u.calls, errors: u.errors })),
        allowed,
        allowed_unused: allowedUnused,
        used_not_allowed: usedNotAllowed,
        // allowed for the Lambda service itself (logs, VPC ENIs, X-Ray), not counted as unused
        for_lambda_service: serviceUsed,
        ...(role ? {} : { note: 'the role is not in the imported IAM dumps, so what it allows is unknown' }),
      },
      evidence: { policy: policies.length ? policies : null, statement: null, condition: null, source_file: role?.sourceFile ?? null },
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------

export interface CheckInputs {
  model: AuditModel;
  modifiers: Modifier[];
  trail: TrailWindow;
  sessions: SessionAction[];
}

/** Every check, in AUDIT_CHECKS order. */
export function runChecks(inp: CheckInputs): AuditRow[] {
  const { model } = inp;
  const fnAccount = (st: PolicyStatementRow) => arnAccount(st.function_arn);
  const rights = modifyRights(model);
  const canModify = [...canModifyRows(model, rights), ...takeoverRows(model)];
  return [
    ...canModify,
    ...invokeUnrestrictedRows(model),
    ...publicInvokeRows(model, fnAccount),
    ...publicUrlRows(model),
    ...broadRoleRows(model),
    ...unusedModifyRows(rights, canModify, inp.modifiers, inp.trail),
    ...actualVsAllowedRows(model, inp.sessions),
  ];
}
