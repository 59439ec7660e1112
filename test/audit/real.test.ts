import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit, type AuditRow } from '../../src/audit/index.ts';
import { MODIFY_ACTIONS } from '../../src/audit/checks.ts';
import { FIXTURES, REAL, importPaths, withMemoryDb } from '../helpers/db.ts';

/**
 * The public IAM and Lambda dumps in test/fixtures/real run through the audit without error, and
 * give the results worked out by hand from their policies.
 */
const takeovers = (rows: AuditRow[]) => rows.filter((r) => r.check === 'can-modify' && r.detail.kind === 'pass-role-create-function').map((r) => r.principal);
const CS = '200611803367';
const csUser = (n: string, acct = CS) => `arn:aws:iam::${acct}:user/${n}`;
const csRole = (n: string) => `arn:aws:iam::${CS}:role/${n}`;

describe('audit on real dumps', () => {
  it('cloudmapper demo: bad_role ("*" on "*") is the only principal that can modify invpclambda', async () => {
    await withMemoryDb(async (db) => {
      const s = await importPaths(db, [path.join(REAL, 'cloudmapper-demo')]);
      expect(s.files.filter((f) => f.status === 'failed')).toEqual([]);
      const rows = await runAudit(db);
      expect(rows.map((r) => [r.check, r.function, r.principal, r.severity])).toEqual([
        ['can-modify', null, 'arn:aws:iam::123456789012:role/bad_role', 'medium'],
        ['can-modify', 'invpclambda', 'arn:aws:iam::123456789012:role/bad_role', 'info'],
      ]);
      const [takeover, modify] = rows;
      expect(takeover!.detail).toMatchObject({ kind: 'pass-role-create-function', decision: 'allowed', any_role: true, passable_roles: 4, lambda_trusted_passable_roles: ['arn:aws:iam::123456789012:role/service-role/level1'] });
      expect(modify!.detail).toMatchObject({ decision: 'allowed', function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:invpclambda', actions: MODIFY_ACTIONS, via: ['role'] });
      expect(modify!.evidence).toMatchObject({ policy: 'inline role/bad_role: dostuff', statement: { Action: ['*'], Effect: 'Allow', Resource: '*' }, condition: null });
      // The apigateway statement has an ArnLike AWS:SourceArn condition: not unrestricted.
      // exfiller (s3:* on *) is no function's role and does not trust Lambda: not a broad execution role.
      expect(rows.filter((r) => r.check !== 'can-modify')).toEqual([]);
    });
  });

  it('cloudsplaining example: PassRole + CreateFunction takeovers, allow/deny pairs and NotAction', async () => {
    await withMemoryDb(async (db) => {
      const s = await importPaths(db, [path.join(REAL, 'cloudsplaining'), path.join(FIXTURES, 'audit', 'cloudsplaining-account-functions.json')]);
      expect(s.files.filter((f) => f.status === 'failed')).toEqual([]);
      const rows = await runAudit(db);
      const t = takeovers(rows);
      // privesc15/16 policies grant iam:PassRole + lambda:CreateFunction on "*"
      expect(t).toContain(csUser('privesc15-PassExistingRoleToNewLambdaThenInvoke-user'));
      expect(t).toContain(csUser('privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user'));
      // AWSLambdaFullAccess has lambda:* and iam:PassRole; AdministratorAccess directly and through the admin group
      expect(t).toContain(csUser('biden', '012345678901'));
      expect(t).toContain(csUser('obama', '012345678901'));
      expect(t).toContain(csUser('userwithlotsofpermissions', '012345678901'));
      // NotAction iam:Update*/Create*/Attach* leaves iam:PassRole and lambda:CreateFunction allowed
      expect(t).toContain(csUser('fn4-exploitableNotAction-user'));
      // fp2: fp2-allow-all plus deny-all is an explicit deny; fn1 has PassRole without CreateFunction;
      // privesc-sre (iam/ec2/s3) and privesc17 (UpdateFunction*) cannot create functions
      for (const n of ['fp2-allow-and-deny-multiple-policies-user', 'fn1-privesc3-partial-user', 'privesc-sre-user', 'privesc17-EditExistingLambdaFunctionWithRole-user']) {
        expect(t).not.toContain(csUser(n));
      }
      // the whole list: 6 users and 9 roles (4 with AdministratorAccess, 2 with a custom "*" policy,
      // fn4's NotAction role, privesc15/16's roles)
      expect([...t].sort()).toEqual(
        [
          csUser('biden', '012345678901'), csUser('obama', '012345678901'), csUser('userwithlotsofpermissions', '012345678901'),
          csUser('fn4-exploitableNotAction-user'), csUser('privesc15-PassExistingRoleToNewLambdaThenInvoke-user'),
          csUser('privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user'),
          csRole('AWS-QuickSetup-StackSet-Local-ExecutionRole'), csRole('aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc'),
          csRole('OrganizationAccountAccessRole'), csRole('stacksets-exec-b5520cb2730c2f54b523d6375a319abb'),
          csRole('privesc-AssumeRole-ending-role'), csRole('privesc-high-priv-service-role'), csRole('fn4-exploitableNotAction-role'),
          csRole('privesc15-PassExistingRoleToNewLambdaThenInvoke-role'), csRole('privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-role'),
        ].sort(),
      );
      const ulp = rows.find((r) => r.principal === csUser('userwithlotsofpermissions', '012345678901'))!;
      expect(ulp.evidence).toMatchObject({ policy: 'arn:aws:iam::aws:policy/AdministratorAccess (v1)', via: 'group:admin' });

      // can-modify on the one function of that account (payments, from our list-functions fixture)
      const mod = (p: string) => rows.find((r) => r.check === 'can-modify' && r.function === 'payments' && r.principal === p);
      expect(mod(csUser('privesc17-EditExistingLambdaFunctionWithRole-user'))!.detail.actions).toEqual(['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration']);
      expect(mod(csUser('fn4-exploitableNotAction-user'))!.detail.actions).toEqual(MODIFY_ACTIONS);
      expect(mod(csUser('fp2-allow-and-deny-multiple-policies-user'))).toBeUndefined();
      expect(mod(csRole('fp2-allow-and-deny-multiple-policies-role'))).toBeUndefined();
      expect(mod(csUser('privesc15-PassExistingRoleToNewLambdaThenInvoke-user'))).toBeUndefined(); // InvokeFunction is not a change
      expect(mod(csUser('obama', '012345678901'))).toBeUndefined(); // another account
      expect(rows.filter((r) => r.check === 'can-modify' && r.function === 'payments')).toHaveLength(10);

      // payments runs with privesc-high-priv-service-role ("*" on "*")
      const broad = rows.filter((r) => r.check === 'broad-role' && r.severity === 'high');
      expect(broad.map((r) => [r.function, r.principal, r.detail.actions, r.detail.resource])).toEqual([
        ['payments', csRole('privesc-high-priv-service-role'), ['*'], '*'],
      ]);
      expect(broad[0]!.evidence.policy).toBe(`arn:aws:iam::${CS}:policy/privesc-high-priv-service-policy (v1)`);
      expect(rows.filter((r) => ['invoke-unrestricted', 'public-invoke', 'public-url', 'unused-modify-right', 'actual-vs-allowed'].includes(r.check))).toEqual([]);
    });
  });
});
