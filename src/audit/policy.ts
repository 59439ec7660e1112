/**
 * An offline IAM policy evaluator: pure functions, no database.
 *
 * It follows AWS's documented evaluation logic for the policies it is given (identity-based
 * policies, plus optionally a resource-based policy):
 * - an applicable `Deny` statement wins over any `Allow` (explicit deny);
 * - otherwise an applicable `Allow` allows;
 * - otherwise the request is implicitly denied.
 * A statement applies when its Action (or NotAction), Resource (or NotResource), Principal (or
 * NotPrincipal, resource policies only) and Condition all match the request. Action names are
 * matched case-insensitively with `*` and `?`; resource ARNs case-sensitively, segment by segment
 * (`*` and `?` stay within a colon-separated segment, except a `*` that ends a segment, which may
 * run across colons, e.g. `function:orders-*` covers `function:orders-api:prod`).
 *
 * Offline, most request facts (MFA, source IP, time, tags) are unknown. A Condition, or a policy
 * variable such as `${aws:username}`, that needs an unknown fact is undecidable: the statement is
 * 'maybe', and the decision becomes 'conditional' instead of allowed or denied:
 * - an unconditional Deny applies            → 'deny'
 * - an unconditional Allow applies, and no Deny could apply → 'allow'
 * - an unconditional Allow applies, and a conditional Deny could → 'conditional'
 * - only a conditional Allow could apply     → 'conditional'
 * - nothing applies                          → 'implicit-deny'
 *
 * Not modelled: permission boundaries, service control policies, session policies, and the
 * cross-account rule that needs both sides to allow (callers handle account boundaries).
 */

export type Tri = 'yes' | 'no' | 'maybe';

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** What is known about the request. Condition keys are case-insensitive. A key mapped to null is
 * known to be absent from the request; a key not listed is unknown. */
export type Context = Record<string, string[] | null>;

export interface RequestPrincipal {
  /** IAM user or role ARN of the caller. */
  arn?: string;
  account?: string;
  /** Service principal such as s3.amazonaws.com. */
  service?: string;
}

export interface Request {
  action: string;
  resource: string;
  context?: Context;
  /** When given, statements with a Principal/NotPrincipal element (resource policies) must name it. */
  principal?: RequestPrincipal;
}

export interface PolicySource {
  /** How to name the policy in evidence, e.g. "arn:aws:iam::aws:policy/AdministratorAccess (v1)". */
  id: string;
  document: unknown;
  /** How the principal got it, e.g. "user", "group:analytics", "role", "resource-policy". */
  via?: string;
  sourceFile?: string | null;
}

export interface StatementRef {
  policy: PolicySource;
  index: number;
  statement: Statement;
  match: 'yes' | 'maybe';
  /** Why a 'maybe' is undecided. */
  why?: string;
}

export type DecisionKind = 'allow' | 'deny' | 'implicit-deny' | 'conditional';

export interface Decision {
  decision: DecisionKind;
  /** Allow statements that apply ('yes') or could apply ('maybe'). */
  allows: StatementRef[];
  denies: StatementRef[];
}

// ---------------------------------------------------------------------------------------------
// Documents and statements

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const strList = (v: unknown): string[] => asList(v).filter((x): x is string => typeof x === 'string');

/** A document's statements as a list (a single Statement object is allowed); non-objects dropped. */
export function statementsOf(document: unknown): Statement[] {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  if (!doc || typeof doc !== 'object') return [];
  return asList((doc as { Statement?: unknown }).Statement).filter(
    (s): s is Statement => !!s && typeof s === 'object' && !Array.isArray(s),
  );
}

export function effectOf(s: Statement): 'Allow' | 'Deny' | null {
  const e = typeof s.Effect === 'string' ? s.Effect.toLowerCase() : '';
  return e === 'allow' ? 'Allow' : e === 'deny' ? 'Deny' : null;
}

// ---------------------------------------------------------------------------------------------
// Wildcards

const reCache = new Map<string, RegExp>();
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Glob text (no variables) to regex source. 'arn' keeps wildcards inside colon segments except a
 * `*` that ends a segment; 'string' lets them match anything. */
function globSource(glob: string, mode: 'arn' | 'string'): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      const endsSegment = i === glob.length - 1 || glob[i + 1] === ':';
      out += mode === 'string' || endsSegment ? '[\\s\\S]*' : '[^:]*';
    } else if (c === '?') out += mode === 'string' ? '[\\s\\S]' : '[^:]';
    else out += escapeRe(c);
  }
  return out;
}

function cachedRe(key: string, build: () => RegExp): RegExp {
  let re = reCache.get(key);
  if (!re) {
    re = build();
    if (reCache.size > 20000) reCache.clear();
    reCache.set(key, re);
  }
  return re;
}

/** Action pattern (`lambda:Update*`, `*`) against an action name, case-insensitively. */
export function matchAction(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const re = cachedRe(`a\u0000${pattern}`, () => new RegExp(`^${globSource(pattern, 'string')}$`, 'i'));
  return re.test(action);
}

/** Value of a context key, case-insensitively: string[] (present), null (known absent), undefined (unknown). */
export function contextValue(ctx: Context | undefined, key: string): string[] | null | undefined {
  if (!ctx) return undefined;
  const k = key.toLowerCase();
  for (const [name, v] of Object.entries(ctx)) if (name.toLowerCase() === k) return v;
  return undefined;
}

/**
 * Splits a policy string at policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'x'}`,
 * and the literal escapes `${*}`, `${?}`, `${$}`). Returns the regex source, or undefined when a
 * variable's value is unknown (or has several values).
 */
function patternSource(pattern: string, mode: 'arn' | 'string', ctx: Context | undefined): string | undefined {
  if (!pattern.includes('${')) return globSource(pattern, mode);
  let out = '';
  let last = 0;
  for (const m of pattern.matchAll(/\$\{([^}]*)\}/g)) {
    out += globSource(pattern.slice(last, m.index), mode);
    last = m.index! + m[0].length;
    const inner = m[1]!.trim();
    if (inner === '*' || inner === '?' || inner === '$') {
      out += escapeRe(inner);
      continue;
    }
    const dm = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
    const key = dm ? dm[1]!.trim() : inner;
    const v = contextValue(ctx, key);
    if (v && v.length === 1) out += escapeRe(v[0]!);
    else if (v === null && dm) out += escapeRe(dm[2]!);
    else if (v === null) return '(?!)'; // a variable of an absent key matches nothing
    else return undefined;
  }
  return out + globSource(pattern.slice(last), mode);
}

/** A resource ARN pattern against an ARN: 'maybe' when it needs an unknown policy variable. */
export function matchResource(pattern: string, arn: string, ctx?: Context): Tri {
  if (pattern === '*') return 'yes';
  const key = `r\u0000${pattern}`;
  if (!pattern.includes('${')) return cachedRe(key, () => new RegExp(`^${globSource(pattern, 'arn')}$`)).test(arn) ? 'yes' : 'no';
  const src = patternSource(pattern, 'arn', ctx);
  if (src === undefined) return 'maybe';
  return new RegExp(`^${src}$`).test(arn) ? 'yes' : 'no';
}

function anyTri(items: Tri[]): Tri {
  if (items.includes('yes')) return 'yes';
  return items.includes('maybe') ? 'maybe' : 'no';
}
function allTri(items: Tri[]): Tri {
  if (items.includes('no')) return 'no';
  return items.includes('maybe') ? 'maybe' : 'yes';
}
const notTri = (t: Tri): Tri => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe');

// ---------------------------------------------------------------------------------------------
// Principals (resource-based policies)

/** The principals a Principal element names, by kind; "*" becomes {public: true}. */
export interface PrincipalSet {
  public: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export function principalsOf(p: unknown): PrincipalSet {
  const out: PrincipalSet = { public: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (p === '*') {
    out.public = true;
    return out;
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) return out;
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
    const vals = strList(v);
    switch (k.toLowerCase()) {
      case 'aws':
        if (vals.includes('*')) out.public = true;
        out.aws.push(...vals.filter((x) => x !== '*'));
        break;
      case 'service':
        out.service.push(...vals);
        break;
      case 'federated':
        out.federated.push(...vals);
        break;
      case 'canonicaluser':
        out.canonicalUser.push(...vals);
        break;
    }
  }
  return out;
}

/** Account of an AWS principal entry: a bare account id, or the account field of an ARN. */
export function principalAccount(entry: string): string | null {
  if (/^\d{12}$/.test(entry)) return entry;
  const m = /^arn:[^:]*:(?:iam|sts)::(\d{12}):/.exec(entry);
  return m ? m[1]! : null;
}

function principalMatches(element: unknown, who: RequestPrincipal): boolean {
  const set = principalsOf(element);
  if (set.public) return true;
  if (who.service && set.service.some((s) => s.toLowerCase() === who.service!.toLowerCase())) return true;
  if (who.arn && set.aws.includes(who.arn)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Conditions

const NEGATED = new Set([
  'stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike',
  'numericnotequals', 'datenotequals', 'notipaddress',
]);

export interface ParsedOperator {
  set: 'ForAnyValue' | 'ForAllValues' | null;
  base: string;
  ifExists: boolean;
  negated: boolean;
}

/** "ForAnyValue:StringLikeIfExists" → {set, base: 'StringLike', ifExists, negated}. */
export function parseOperator(op: string): ParsedOperator {
  let rest = op;
  let set: ParsedOperator['set'] = null;
  const m = /^(ForAnyValue|ForAllValues):(.*)$/i.exec(rest);
  if (m) {
    set = m[1]!.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    rest = m[2]!;
  }
  const ifExists = /IfExists$/i.test(rest) && rest.toLowerCase() !== 'null';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  return { set, base, ifExists, negated: NEGATED.has(base.toLowerCase()) };
}

const condValues = (v: unknown): string[] =>
  asList(v)
    .filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
    .map((x) => String(x));

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}
function inCidr(ip: string, cidr: string): Tri {
  const [net, bitsText] = cidr.split('/');
  const a = ipv4(ip);
  const n = ipv4(net ?? '');
  if (a === null || n === null) return 'maybe'; // IPv6 or malformed: not decided here
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return 'maybe';
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0 ? 'yes' : 'no';
}
const dateMs = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

/** One context value against one policy value with a non-negated base operator. */
function compareOne(base: string, ctxValue: string, policyValue: string, ctx: Context | undefined): Tri {
  const b = base.toLowerCase().replace(/^(string|arn|numeric|date|binary)not/, '$1').replace(/^notipaddress$/, 'ipaddress');
  switch (b) {
    case 'stringequals':
    case 'stringlike':
    case 'arnequals':
    case 'arnlike': {
      const mode = b.startsWith('arn') ? 'arn' : 'string';
      const exact = b === 'stringequals';
      if (exact && !policyValue.includes('${')) return ctxValue === policyValue ? 'yes' : 'no';
      const src = exact ? patternSource(policyValue.replace(/[*?]/g, (c) => `\${${c}}`), 'string', ctx) : patternSource(policyValue, mode, ctx);
      if (src === undefined) return 'maybe';
      return new RegExp(`^${src}$`).test(ctxValue) ? 'yes' : 'no';
    }
    case 'stringequalsignorecase':
      return ctxValue.toLowerCase() === policyValue.toLowerCase() ? 'yes' : 'no';
    case 'bool':
      return ctxValue.toLowerCase() === policyValue.toLowerCase() ? 'yes' : 'no';
    case 'binaryequals':
      return ctxValue === policyValue ? 'yes' : 'no';
    case 'numericequals':
    case 'numericlessthan':
    case 'numericlessthanequals':
    case 'numericgreaterthan':
    case 'numericgreaterthanequals':
    case 'dateequals':
    case 'datelessthan':
    case 'datelessthanequals':
    case 'dategreaterthan':
    case 'dategreaterthanequals': {
      const date = b.startsWith('date');
      const x = date ? dateMs(ctxValue) : Number(ctxValue);
      const y = date ? dateMs(policyValue) : Number(policyValue);
      if (Number.isNaN(x) || Number.isNaN(y)) return 'maybe';
      const rel = b.replace(/^(numeric|date)/, '');
      const r = rel === 'equals' ? x === y : rel === 'lessthan' ? x < y : rel === 'lessthanequals' ? x <= y : rel === 'greaterthan' ? x > y : x >= y;
      return r ? 'yes' : 'no';
    }
    case 'ipaddress':
      return inCidr(ctxValue, policyValue);
    default:
      return 'maybe'; // an operator this evaluator does not know
  }
}

/** One condition key under one operator. */
function evalKey(op: ParsedOperator, key: string, raw: unknown, ctx: Context | undefined): Tri {
  const policyValues = condValues(raw);
  const have = contextValue(ctx, key);
  if (op.base.toLowerCase() === 'null') {
    if (have === undefined) return 'maybe';
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    const absent = have === null || have.length === 0;
    return absent === wantAbsent ? 'yes' : 'no';
  }
  if (have === undefined) return 'maybe';
  if (have === null || have.length === 0) {
    // The key is not in the request: IfExists and ForAllValues pass; a negated operator passes
    // (the value does not match); anything else fails.
    if (op.ifExists || op.set === 'ForAllValues') return 'yes';
    if (op.set === 'ForAnyValue') return 'no';
    return op.negated ? 'yes' : 'no';
  }
  // positive match of one context value against the policy values (OR)
  const hit = (cv: string) => anyTri(policyValues.map((pv) => compareOne(op.base, cv, pv, ctx)));
  const wanted = (cv: string) => (op.negated ? notTri(hit(cv)) : hit(cv));
  if (op.set === 'ForAllValues') return allTri(have.map(wanted));
  return anyTri(have.map(wanted));
}

/** A Condition block: operators AND, keys AND, values OR (NOR for negated operators). */
export function evaluateCondition(condition: unknown, ctx?: Context): { result: Tri; why?: string } {
  if (condition === undefined || condition === null) return { result: 'yes' };
  if (typeof condition !== 'object' || Array.isArray(condition)) return { result: 'maybe', why: 'unreadable Condition' };
  const results: Tri[] = [];
  const unknown: string[] = [];
  for (const [opName, block] of Object.entries(condition as Record<string, unknown>)) {
    const op = parseOperator(opName);
    if (!block || typeof block !== 'object') {
      results.push('maybe');
      unknown.push(opName);
      continue;
    }
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const r = evalKey(op, key, raw, ctx);
      if (r === 'maybe') unknown.push(`${opName} ${key}`);
      results.push(r);
    }
  }
  const result = allTri(results);
  return result === 'maybe' ? { result, why: `needs ${unknown.join(', ')}` } : { result };
}

// ---------------------------------------------------------------------------------------------
// Statements and decisions

/** Whether the statement's Action / NotAction covers the action. */
export function statementCoversAction(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return strList(s.Action).some((p) => matchAction(p, action));
  if (s.NotAction !== undefined) return !strList(s.NotAction).some((p) => matchAction(p, action));
  return false;
}

/** Whether the statement's Resource / NotResource covers the resource ARN. */
export function statementCoversResource(s: Statement, resource: string, ctx?: Context): Tri {
  if (s.Resource !== undefined) return anyTri(strList(s.Resource).map((p) => matchResource(p, resource, ctx)));
  if (s.NotResource !== undefined) return notTri(anyTri(strList(s.NotResource).map((p) => matchResource(p, resource, ctx))));
  return 'no';
}

/** Whether one statement applies to the request, and why not decided when 'maybe'. */
export function statementApplies(s: Statement, req: Request): { match: Tri; why?: string } {
  if (!statementCoversAction(s, req.action)) return { match: 'no' };
  if (req.principal && (s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    const named = s.Principal !== undefined ? principalMatches(s.Principal, req.principal) : !principalMatches(s.NotPrincipal, req.principal);
    if (!named) return { match: 'no' };
  }
  const res = statementCoversResource(s, req.resource, req.context);
  if (res === 'no') return { match: 'no' };
  const cond = evaluateCondition(s.Condition, req.context);
  if (cond.result === 'no') return { match: 'no' };
  if (res === 'maybe') return { match: 'maybe', why: 'Resource uses a policy variable whose value is unknown' };
  return cond.result === 'maybe' ? { match: 'maybe', why: `Condition ${cond.why ?? ''}`.trim() } : { match: 'yes' };
}

/** Evaluates a request against a set of policies (see the module comment for the rules). */
export function evaluate(policies: PolicySource[], req: Request): Decision {
  const allows: StatementRef[] = [];
  const denies: StatementRef[] = [];
  for (const policy of policies) {
    statementsOf(policy.document).forEach((statement, index) => {
      const effect = effectOf(statement);
      if (!effect) return;
      const { match, why } = statementApplies(statement, req);
      if (match === 'no') return;
      const ref: StatementRef = { policy, index, statement, match, ...(why ? { why } : {}) };
      (effect === 'Allow' ? allows : denies).push(ref);
    });
  }
  return { decision: decide(allows, denies), allows, denies };
}

export function decide(allows: StatementRef[], denies: StatementRef[]): DecisionKind {
  if (denies.some((d) => d.match === 'yes')) return 'deny';
  if (allows.some((a) => a.match === 'yes')) return denies.length ? 'conditional' : 'allow';
  if (allows.length) return 'conditional';
  return 'implicit-deny';
}

/** Whether an ARN pattern can name a resource of the service (its service segment, glob-matched). */
function patternFitsService(pattern: string, service: string): boolean {
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 3) return false;
  const seg = parts[2]!;
  return /[*?]/.test(seg) ? new RegExp(`^${globSource(seg, 'string')}$`, 'i').test(service) : seg.toLowerCase() === service;
}

/**
 * Whether the policies allow an action on *some* resource (ignoring which): for actions whose
 * resource the caller chooses, such as lambda:CreateFunction (any function name the pattern
 * admits). A Deny only counts when it covers every resource (Resource "*").
 */
export function evaluateAnyResource(policies: PolicySource[], action: string, ctx?: Context): Decision {
  const allows: StatementRef[] = [];
  const denies: StatementRef[] = [];
  const service = action.split(':')[0]!.toLowerCase();
  for (const policy of policies) {
    statementsOf(policy.document).forEach((statement, index) => {
      const effect = effectOf(statement);
      if (!effect || !statementCoversAction(statement, action)) return;
      const cond = evaluateCondition(statement.Condition, ctx);
      if (cond.result === 'no') return;
      let covers: Tri;
      if (effect === 'Allow') {
        // some resource of the action's service must fit: "*", NotResource, or an ARN of that service
        covers =
          statement.NotResource !== undefined || strList(statement.Resource).some((p) => p === '*' || patternFitsService(p, service)) ? 'yes' : 'no';
      }
      else covers = strList(statement.Resource).includes('*') ? 'yes' : statement.Resource !== undefined || statement.NotResource !== undefined ? 'maybe' : 'no';
      if (covers === 'no') return;
      const match: Tri = covers === 'maybe' || cond.result === 'maybe' ? 'maybe' : 'yes';
      const why = cond.result === 'maybe' ? `Condition ${cond.why ?? ''}`.trim() : covers === 'maybe' ? 'Deny covers only some resources' : undefined;
      const ref: StatementRef = { policy, index, statement, match: match as 'yes' | 'maybe', ...(why ? { why } : {}) };
      (effect === 'Allow' ? allows : denies).push(ref);
    });
  }
  return { decision: decide(allows, denies), allows, denies };
}

// ---------------------------------------------------------------------------------------------
// Conditions that restrict who may call (for resource-based policies)

/**
 * Whether a Condition restricts the caller through one of the given keys (case-insensitive):
 * a positive operator (Equals/Like, not IfExists, not negated, not Null) whose values are not
 * just "*". `StringEqualsIfExists aws:SourceAccount` does not restrict: a caller without the key
 * passes.
 */
export function restrictingKeys(condition: unknown, keys: string[]): string[] {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return [];
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  const found: string[] = [];
  for (const [opName, block] of Object.entries(condition as Record<string, unknown>)) {
    const op = parseOperator(opName);
    const b = op.base.toLowerCase();
    if (op.ifExists || op.negated || op.set === 'ForAllValues') continue;
    if (!['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'ipaddress'].includes(b)) continue;
    if (!block || typeof block !== 'object') continue;
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      if (!wanted.has(key.toLowerCase())) continue;
      const vals = condValues(raw);
      if (vals.length === 0 || vals.some((v) => /^[*?]*$/.test(v) || /^arn:[*:]*$/.test(v))) continue;
      found.push(key);
    }
  }
  return found;
}

/** Values a Condition gives a key under an equality operator (case-insensitive key), e.g. the
 * AuthType in `{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}`. */
export function conditionEquals(condition: unknown, key: string): string[] {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return [];
  const out: string[] = [];
  for (const [opName, block] of Object.entries(condition as Record<string, unknown>)) {
    const op = parseOperator(opName);
    if (op.negated || op.set === 'ForAllValues') continue;
    if (!['stringequals', 'stringequalsignorecase', 'stringlike', 'bool'].includes(op.base.toLowerCase())) continue;
    if (!block || typeof block !== 'object') continue;
    for (const [k, raw] of Object.entries(block as Record<string, unknown>)) if (k.toLowerCase() === key.toLowerCase()) out.push(...condValues(raw));
  }
  return out;
}

/** The action patterns a statement lists (Action), or undefined for NotAction statements. */
export function actionPatterns(s: Statement): string[] | undefined {
  return s.Action !== undefined ? strList(s.Action) : undefined;
}
export function notActionPatterns(s: Statement): string[] | undefined {
  return s.NotAction !== undefined ? strList(s.NotAction) : undefined;
}
export function resourcePatterns(s: Statement): string[] | undefined {
  return s.Resource !== undefined ? strList(s.Resource) : undefined;
}
export function notResourcePatterns(s: Statement): string[] | undefined {
  return s.NotResource !== undefined ? strList(s.NotResource) : undefined;
}
