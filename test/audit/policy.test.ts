import { describe, expect, it } from 'vitest';
import {
  evaluate,
  evaluateAnyResource,
  evaluateCondition,
  matchAction,
  matchResource,
  parseOperator,
  principalAccount,
  restrictingKeys,
  statementsOf,
  type Context,
  type DecisionKind,
  type Request,
  type Statement,
} from '../../src/audit/policy.ts';

/**
 * Cases written from AWS's documented evaluation logic (IAM User Guide: "Policy evaluation
 * logic", "The difference between explicit and implicit denies", "IAM JSON policy elements:
 * Action / NotAction / Resource / NotResource / Condition", "Condition operators", "Policy
 * variables"). Each case: policies (documents) → request → decision.
 */
const ACCT = '111122223333';
const fn = (name: string, acct = ACCT, region = 'eu-west-1') => `arn:aws:lambda:${region}:${acct}:function:${name}`;
const doc = (...Statement: Statement[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Deny', Action, Resource, ...extra });
const alice: Context = { 'aws:username': ['alice'], 'aws:PrincipalArn': [`arn:aws:iam::${ACCT}:user/alice`], 'aws:PrincipalAccount': [ACCT] };
const role: Context = { 'aws:username': null, 'aws:PrincipalArn': [`arn:aws:iam::${ACCT}:role/ci`], 'aws:PrincipalAccount': [ACCT] };
const UPDATE = 'lambda:UpdateFunctionCode';

interface Case {
  name: string;
  policies: unknown[];
  req: Request;
  want: DecisionKind;
}

const cases: Case[] = [
  // --- allow / implicit deny / explicit deny
  { name: 'exact Allow allows', policies: [doc(allow(UPDATE, fn('orders-api')))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'allow' },
  { name: 'no applicable statement: implicit deny', policies: [doc(allow('lambda:GetFunction', fn('orders-api')))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'implicit-deny' },
  { name: 'no policies at all: implicit deny', policies: [], req: { action: UPDATE, resource: fn('orders-api') }, want: 'implicit-deny' },
  { name: 'Deny beats Allow in the same policy', policies: [doc(allow(UPDATE), deny(UPDATE))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'deny' },
  { name: 'Deny in another policy beats Allow (all policies are evaluated together)', policies: [doc(allow('*')), doc(deny('*'))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'deny' },
  { name: 'Deny alone is an explicit deny', policies: [doc(deny('lambda:*'))], req: { action: UPDATE, resource: fn('x') }, want: 'deny' },
  { name: 'Deny of another action does not block', policies: [doc(allow('lambda:*'), deny('lambda:DeleteFunction'))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'Deny on another resource does not block', policies: [doc(allow(UPDATE), deny(UPDATE, fn('billing')))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'allow' },
  { name: 'a single Statement object (not a list) counts', policies: [{ Version: '2012-10-17', Statement: allow(UPDATE) }], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'a statement without Resource/NotResource applies to nothing', policies: [doc({ Effect: 'Allow', Action: UPDATE })], req: { action: UPDATE, resource: fn('x') }, want: 'implicit-deny' },
  { name: 'a statement without a valid Effect is ignored', policies: [doc({ Effect: 'Permit', Action: UPDATE, Resource: '*' })], req: { action: UPDATE, resource: fn('x') }, want: 'implicit-deny' },

  // --- Action wildcards
  { name: 'action names are case-insensitive', policies: [doc(allow('Lambda:updatefunctioncode'))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'lambda:* covers every Lambda action', policies: [doc(allow('lambda:*'))], req: { action: 'lambda:PublishVersion', resource: fn('x') }, want: 'allow' },
  { name: 'lambda:Update* covers UpdateFunctionCode', policies: [doc(allow('lambda:Update*'))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'lambda:Update* does not cover PublishVersion', policies: [doc(allow('lambda:Update*'))], req: { action: 'lambda:PublishVersion', resource: fn('x') }, want: 'implicit-deny' },
  { name: '"*" action covers every service', policies: [doc(allow('*'))], req: { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCT}:role/x` }, want: 'allow' },
  { name: '? matches exactly one character', policies: [doc(allow('lambda:UpdateFunctionCod?'))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: '? does not match zero characters', policies: [doc(allow('lambda:UpdateFunctionCode?'))], req: { action: UPDATE, resource: fn('x') }, want: 'implicit-deny' },
  { name: 'another service\'s wildcard does not cover lambda', policies: [doc(allow('s3:*'))], req: { action: UPDATE, resource: fn('x') }, want: 'implicit-deny' },
  { name: 'a list of actions: any one applies', policies: [doc(allow(['lambda:GetFunction', UPDATE]))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },

  // --- Resource ARN wildcards
  { name: 'Resource "*" covers every resource', policies: [doc(allow(UPDATE, '*'))], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'function:* covers every function of the account and region', policies: [doc(allow(UPDATE, `arn:aws:lambda:eu-west-1:${ACCT}:function:*`))], req: { action: UPDATE, resource: fn('report-builder') }, want: 'allow' },
  { name: 'function:* of one account does not cover another account', policies: [doc(allow(UPDATE, `arn:aws:lambda:eu-west-1:${ACCT}:function:*`))], req: { action: UPDATE, resource: fn('report-builder', '999988887777') }, want: 'implicit-deny' },
  { name: 'function:* of one region does not cover another region', policies: [doc(allow(UPDATE, `arn:aws:lambda:eu-west-1:${ACCT}:function:*`))], req: { action: UPDATE, resource: fn('x', ACCT, 'us-east-1') }, want: 'implicit-deny' },
  { name: 'region and account wildcards', policies: [doc(allow(UPDATE, 'arn:aws:lambda:*:*:function:orders-*'))], req: { action: UPDATE, resource: fn('orders-api', '999988887777', 'us-east-1') }, want: 'allow' },
  { name: 'a name prefix pattern does not cover other names', policies: [doc(allow(UPDATE, 'arn:aws:lambda:*:*:function:orders-*'))], req: { action: UPDATE, resource: fn('billing') }, want: 'implicit-deny' },
  { name: '? in a resource matches one character', policies: [doc(allow(UPDATE, fn('orders-ap?')))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'allow' },
  { name: '? in a resource does not match two', policies: [doc(allow(UPDATE, fn('orders-ap?')))], req: { action: UPDATE, resource: fn('orders-apis') }, want: 'implicit-deny' },
  { name: 'resource ARNs are case-sensitive', policies: [doc(allow(UPDATE, fn('Orders-api')))], req: { action: UPDATE, resource: fn('orders-api') }, want: 'implicit-deny' },

  // --- NotAction / NotResource
  { name: 'Allow NotAction iam:* allows Lambda actions', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'Allow NotAction iam:* does not allow iam:PassRole', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], req: { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCT}:role/x` }, want: 'implicit-deny' },
  { name: 'Allow NotAction with a list excludes every listed pattern', policies: [doc({ Effect: 'Allow', NotAction: ['iam:Update*', 'lambda:Update*'], Resource: '*' })], req: { action: UPDATE, resource: fn('x') }, want: 'implicit-deny' },
  { name: 'Deny NotAction lambda:* denies other services only', policies: [doc(allow('*'), { Effect: 'Deny', NotAction: 'lambda:*', Resource: '*' })], req: { action: UPDATE, resource: fn('x') }, want: 'allow' },
  { name: 'Deny NotAction lambda:* denies s3', policies: [doc(allow('*'), { Effect: 'Deny', NotAction: 'lambda:*', Resource: '*' })], req: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }, want: 'deny' },
  { name: 'Allow NotResource allows resources outside the list', policies: [doc({ Effect: 'Allow', Action: 'lambda:*', NotResource: fn('prod-*') })], req: { action: UPDATE, resource: fn('dev-api') }, want: 'allow' },
  { name: 'Allow NotResource does not allow listed resources', policies: [doc({ Effect: 'Allow', Action: 'lambda:*', NotResource: fn('prod-*') })], req: { action: UPDATE, resource: fn('prod-api') }, want: 'implicit-deny' },
  { name: 'Deny NotResource denies everything but the listed resources', policies: [doc(allow('lambda:*'), { Effect: 'Deny', Action: 'lambda:*', NotResource: fn('sandbox-*') })], req: { action: UPDATE, resource: fn('orders-api') }, want: 'deny' },
  { name: 'Deny NotResource spares the listed resources', policies: [doc(allow('lambda:*'), { Effect: 'Deny', Action: 'lambda:*', NotResource: fn('sandbox-*') })], req: { action: UPDATE, resource: fn('sandbox-x') }, want: 'allow' },

  // --- Conditions
  { name: 'Allow with an undecidable Condition is conditional', policies: [doc(allow(UPDATE, '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'conditional' },
  { name: 'unconditional Allow + undecidable Deny is conditional', policies: [doc(allow('lambda:*'), deny('lambda:*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'conditional' },
  { name: 'undecidable Deny without any Allow stays an implicit deny', policies: [doc(deny('lambda:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'implicit-deny' },
  { name: 'undecidable Allow + unconditional Deny is a deny', policies: [doc(allow(UPDATE, '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }), deny(UPDATE))], req: { action: UPDATE, resource: fn('x') }, want: 'deny' },
  { name: 'decidable Condition that holds (aws:username)', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:username': 'alice' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'allow' },
  { name: 'decidable Condition that fails', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:username': 'bob' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'implicit-deny' },
  { name: 'condition keys are case-insensitive', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'AWS:UserName': 'alice' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'allow' },
  { name: 'a Deny whose Condition fails does not apply', policies: [doc(allow('lambda:*'), deny('lambda:*', '*', { Condition: { StringEquals: { 'aws:username': 'mallory' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'allow' },
  { name: 'several values of one key: OR', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': ['444455556666', ACCT] } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'allow' },
  { name: 'several keys: AND (one undecidable → conditional)', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:username': 'alice', 'aws:RequestTag/team': 'a' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'conditional' },
  { name: 'several keys: AND (one fails → no)', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:username': 'bob', 'aws:RequestTag/team': 'a' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'implicit-deny' },
  { name: 'StringLike with wildcards', policies: [doc(allow(UPDATE, '*', { Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/a*' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'allow' },
  { name: 'ArnLike on a role ARN', policies: [doc(allow(UPDATE, '*', { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/c*` } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'allow' },
  { name: 'IfExists passes when the key is absent', policies: [doc(allow(UPDATE, '*', { Condition: { StringEqualsIfExists: { 'aws:username': 'alice' } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'allow' },
  { name: 'a negated operator passes when the key is absent', policies: [doc(allow(UPDATE, '*', { Condition: { StringNotEquals: { 'aws:username': 'mallory' } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'allow' },
  { name: 'a positive operator fails when the key is absent', policies: [doc(allow(UPDATE, '*', { Condition: { StringEquals: { 'aws:username': 'alice' } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'implicit-deny' },
  { name: 'Null "true" holds for an absent key', policies: [doc(allow(UPDATE, '*', { Condition: { Null: { 'aws:username': 'true' } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'allow' },
  { name: 'ForAnyValue fails for an absent key', policies: [doc(allow(UPDATE, '*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:username': 'alice' } } }))], req: { action: UPDATE, resource: fn('x'), context: role }, want: 'implicit-deny' },
  { name: 'IpAddress decided when the source IP is known', policies: [doc(allow(UPDATE, '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))], req: { action: UPDATE, resource: fn('x'), context: { 'aws:SourceIp': ['10.1.2.3'] } }, want: 'allow' },
  { name: 'NotIpAddress decided when the source IP is known', policies: [doc(allow(UPDATE, '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))], req: { action: UPDATE, resource: fn('x'), context: { 'aws:SourceIp': ['10.1.2.3'] } }, want: 'implicit-deny' },
  { name: 'DateGreaterThan on an unknown time is conditional', policies: [doc(allow(UPDATE, '*', { Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } }))], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'conditional' },
  { name: 'the MFA guard (Deny NotAction iam:* BoolIfExists MFA false) makes an Allow conditional', policies: [doc(allow('lambda:*')), doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })], req: { action: UPDATE, resource: fn('x'), context: alice }, want: 'conditional' },

  // --- Policy variables
  { name: '${aws:username} in Resource, known user', policies: [doc(allow(UPDATE, fn('${aws:username}-*')))], req: { action: UPDATE, resource: fn('alice-tool'), context: alice }, want: 'allow' },
  { name: '${aws:username} in Resource, another user\'s function', policies: [doc(allow(UPDATE, fn('${aws:username}-*')))], req: { action: UPDATE, resource: fn('bob-tool'), context: alice }, want: 'implicit-deny' },
  { name: '${aws:username} in Resource, unknown user: conditional', policies: [doc(allow(UPDATE, fn('${aws:username}-*')))], req: { action: UPDATE, resource: fn('alice-tool') }, want: 'conditional' },
  { name: 'a variable value is literal, never a wildcard', policies: [doc(allow(UPDATE, fn('${aws:username}')))], req: { action: UPDATE, resource: fn('anything'), context: { 'aws:username': ['*'] } }, want: 'implicit-deny' },

  // --- Resource-based policies (Principal)
  { name: 'resource policy naming the caller allows', policies: [doc(allow(UPDATE, fn('x'), { Principal: { AWS: `arn:aws:iam::${ACCT}:user/alice` } }))], req: { action: UPDATE, resource: fn('x'), principal: { arn: `arn:aws:iam::${ACCT}:user/alice` } }, want: 'allow' },
  { name: 'resource policy naming someone else does not apply', policies: [doc(allow(UPDATE, fn('x'), { Principal: { AWS: `arn:aws:iam::${ACCT}:user/bob` } }))], req: { action: UPDATE, resource: fn('x'), principal: { arn: `arn:aws:iam::${ACCT}:user/alice` } }, want: 'implicit-deny' },
  { name: 'resource policy with Principal "*" applies to anyone', policies: [doc(allow('lambda:InvokeFunction', fn('x'), { Principal: '*' }))], req: { action: 'lambda:InvokeFunction', resource: fn('x'), principal: { arn: 'arn:aws:iam::999988887777:user/eve' } }, want: 'allow' },
  { name: 'service principal matches its service', policies: [doc(allow('lambda:InvokeFunction', fn('x'), { Principal: { Service: 's3.amazonaws.com' } }))], req: { action: 'lambda:InvokeFunction', resource: fn('x'), principal: { service: 's3.amazonaws.com' } }, want: 'allow' },
];

describe('policy evaluator (table-driven)', () => {
  it('has enough cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const policies = c.policies.map((d, i) => ({ id: `p${i}`, document: d }));
    expect(evaluate(policies, c.req).decision).toBe(c.want);
  });
});

describe('policy evaluator details', () => {
  it('reports which statements a decision rests on, and why an undecided one is undecided', () => {
    const p = [{ id: 'mfa', document: doc(allow('lambda:*', '*', { Sid: 'NeedsMfa', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })) }];
    const d = evaluate(p, { action: UPDATE, resource: fn('x'), context: alice });
    expect(d.decision).toBe('conditional');
    expect(d.allows).toHaveLength(1);
    expect(d.allows[0]!.statement.Sid).toBe('NeedsMfa');
    expect(d.allows[0]!.why).toBe('Condition needs Bool aws:MultiFactorAuthPresent');
  });

  it('ARN wildcards stay within a segment unless they end it', () => {
    expect(matchResource(`arn:aws:lambda:eu-west-1:${ACCT}:function:orders-*`, `${fn('orders-api')}:prod`)).toBe('yes');
    expect(matchResource(`arn:aws:lambda:eu-west-1:${ACCT}:function:orders*prod`, `${fn('orders-api')}:prod`)).toBe('no');
    expect(matchResource(`arn:aws:lambda:eu-west-1:${ACCT}:function:orders*prod`, fn('orders-api-prod'))).toBe('yes');
    expect(matchResource('arn:aws:lambda:*', fn('x'))).toBe('yes');
    expect(matchResource('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c')).toBe('yes');
    expect(matchAction('s3:*Object', 's3:GetObject')).toBe(true);
    expect(matchAction('s3:*Object', 's3:GetObjectAcl')).toBe(false);
  });

  it('evaluateAnyResource: CreateFunction on any name pattern counts, a Deny only when it covers "*"', () => {
    const scoped = [{ id: 'a', document: doc(allow('lambda:CreateFunction', fn('team-*'))) }];
    expect(evaluateAnyResource(scoped, 'lambda:CreateFunction').decision).toBe('allow');
    const partDeny = [{ id: 'a', document: doc(allow('lambda:*'), deny('lambda:CreateFunction', fn('prod-*'))) }];
    expect(evaluateAnyResource(partDeny, 'lambda:CreateFunction').decision).toBe('conditional');
    const fullDeny = [{ id: 'a', document: doc(allow('lambda:*'), deny('lambda:CreateFunction', '*')) }];
    expect(evaluateAnyResource(fullDeny, 'lambda:CreateFunction').decision).toBe('deny');
    // an Allow whose resources are of another service grants nothing for this action
    const s3Only = [{ id: 'a', document: doc(allow(['lambda:CreateFunction', 's3:PutObject'], 'arn:aws:s3:::bucket/*')) }];
    expect(evaluateAnyResource(s3Only, 'lambda:CreateFunction').decision).toBe('implicit-deny');
    const anyService = [{ id: 'a', document: doc(allow('lambda:CreateFunction', 'arn:aws:*:*:*:*')) }];
    expect(evaluateAnyResource(anyService, 'lambda:CreateFunction').decision).toBe('allow');
    const passedTo = [{ id: 'a', document: doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })) }];
    expect(evaluateAnyResource(passedTo, 'iam:PassRole', { 'iam:PassedToService': ['lambda.amazonaws.com'] }).decision).toBe('implicit-deny');
  });

  it('restricting conditions: positive operators on the named keys only', () => {
    const keys = ['aws:SourceArn', 'aws:SourceAccount'];
    expect(restrictingKeys({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } }, keys)).toEqual(['AWS:SourceArn']);
    expect(restrictingKeys({ StringEquals: { 'aws:SourceAccount': ACCT } }, keys)).toEqual(['aws:SourceAccount']);
    expect(restrictingKeys({ StringEqualsIfExists: { 'aws:SourceAccount': ACCT } }, keys)).toEqual([]);
    expect(restrictingKeys({ StringNotEquals: { 'aws:SourceAccount': ACCT } }, keys)).toEqual([]);
    expect(restrictingKeys({ StringLike: { 'aws:SourceArn': '*' } }, keys)).toEqual([]);
    expect(restrictingKeys({ StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }, keys)).toEqual([]);
    expect(restrictingKeys(undefined, keys)).toEqual([]);
  });

  it('operators, principals and documents', () => {
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toEqual({ set: 'ForAnyValue', base: 'StringLike', ifExists: true, negated: false });
    expect(parseOperator('ArnNotLike').negated).toBe(true);
    expect(principalAccount('arn:aws:iam::999988887777:root')).toBe('999988887777');
    expect(principalAccount('999988887777')).toBe('999988887777');
    expect(principalAccount('s3.amazonaws.com')).toBeNull();
    expect(statementsOf('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}')).toHaveLength(1);
    expect(statementsOf('not json')).toEqual([]);
    expect(evaluateCondition({ Foo: { 'aws:username': 'x' } }, alice).result).toBe('maybe');
  });
});
