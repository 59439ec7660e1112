import { describe, expect, it } from 'vitest';
import { unusualApi } from '../../src/analyzers/defs/unusualApi.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { ctRow, fnConfig, insertRows, sessionRow } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };

describe('unusual-api', () => {
  it('reports only calls whose (source, api) pair is new for the function', async () => {
    await withMemoryDb(async (db) => {
      await insertRows(db, 'lambda_functions', [fnConfig('orders-api', 'orders-role'), fnConfig('other', 'other-role')]);
      await insertRows(db, 'cloudtrail_events', [
        // baseline
        sessionRow('orders-api', 'orders-role', '2026-03-09T10:00:00Z', 'dynamodb.amazonaws.com', 'PutItem'),
        sessionRow('orders-api', 'orders-role', '2026-03-09T11:00:00Z', 'kms.amazonaws.com', 'GenerateDataKey'),
        sessionRow('other', 'other-role', '2026-03-09T11:00:00Z', 's3.amazonaws.com', 'ListBuckets'),
        // incident
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:00:00Z', 'dynamodb.amazonaws.com', 'PutItem'),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:01:00Z', 'kms.amazonaws.com', 'GenerateDataKey'), // rare but present
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:05:00Z', 's3.amazonaws.com', 'ListBuckets'),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:06:00Z', 's3.amazonaws.com', 'ListBuckets', { source_ip: '198.51.100.77', error_code: 'AccessDenied' }),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:07:00Z', 'secretsmanager.amazonaws.com', 'GetSecretValue'),
        // the Lambda service using the role: not the function's behaviour
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:08:00Z', 'ec2.amazonaws.com', 'CreateNetworkInterface', { source_ip: 'lambda.amazonaws.com', user_agent: 'lambda.amazonaws.com' }),
        // same session name, other role: not this function
        sessionRow('orders-api', 'attacker-role', '2026-03-11T08:09:00Z', 'iam.amazonaws.com', 'ListRoles'),
        // a user, not a role session
        ctRow({ event_time: '2026-03-11T08:10:00Z', event_source: 'iam.amazonaws.com', api_name: 'ListUsers', identity_type: 'IAMUser', principal_arn: 'arn:aws:iam::111122223333:user/orders-api' }),
      ]);
      const r = await runAnalyzer(db, unusualApi, ctx);
      expect(r.table.rows).toEqual([
        {
          function: 'orders-api', role_arn: 'arn:aws:iam::111122223333:role/orders-role', event_source: 's3.amazonaws.com', event_name: 'ListBuckets',
          first_seen: '2026-03-11T08:05:00.000Z', last_seen: '2026-03-11T08:06:00.000Z', count: 2, error_codes: ['AccessDenied'], source_ips: ['198.51.100.77', '52.51.0.10'],
        },
        {
          function: 'orders-api', role_arn: 'arn:aws:iam::111122223333:role/orders-role', event_source: 'secretsmanager.amazonaws.com', event_name: 'GetSecretValue',
          first_seen: '2026-03-11T08:07:00.000Z', last_seen: '2026-03-11T08:07:00.000Z', count: 1, error_codes: [], source_ips: ['52.51.0.10'],
        },
      ]);
      const only = await runAnalyzer(db, unusualApi, { ...ctx, function: 'other' });
      expect(only.rows).toEqual([]);
    });
  });
});
