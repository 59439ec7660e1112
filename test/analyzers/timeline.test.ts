import { describe, expect, it } from 'vitest';
import { timeline } from '../../src/analyzers/defs/timeline.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import { UserError } from '../../src/errors.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { ctRow, fnConfig, insertRows, sessionRow } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };

describe('timeline', () => {
  it('needs --function', async () => {
    await withMemoryDb(async (db) => {
      await expect(runAnalyzer(db, timeline, ctx)).rejects.toBeInstanceOf(UserError);
    });
  });

  it('merges sources in time order, buckets invocations per minute, and honours --from/--to', async () => {
    await withMemoryDb(async (db) => {
      await insertRows(db, 'lambda_functions', [fnConfig('orders-api', 'orders-role', { last_modified: '2026-03-01T10:00:00Z', handler: 'index.handler', code_sha256: 'abc=' })]);
      await insertRows(db, 'cloudtrail_events', [
        ctRow({ event_time: '2026-03-11T09:55:00Z', event_source: 'lambda.amazonaws.com', api_name: 'UpdateFunctionCode', identity_type: 'IAMUser', principal_arn: 'arn:aws:iam::111122223333:user/dev-mallory', source_ip: '198.51.100.23', request_parameters: { functionName: 'orders-api' } }),
        ctRow({ event_time: '2026-03-11T09:56:00Z', event_source: 'lambda.amazonaws.com', api_name: 'UpdateFunctionCode', request_parameters: { functionName: 'other' } }),
        sessionRow('orders-api', 'orders-role', '2026-03-11T08:05:00Z', 's3.amazonaws.com', 'ListBuckets'),
      ]);
      await insertRows(db, 'lambda_invocations', [
        { function_name: 'orders-api', request_id: 'a', start_time: '2026-03-11T08:00:10Z', status: 'success', duration_ms: 10 },
        { function_name: 'orders-api', request_id: 'b', start_time: '2026-03-11T08:00:40Z', status: 'timeout', duration_ms: 3000 },
        { function_name: 'other', request_id: 'c', start_time: '2026-03-11T08:00:40Z', status: 'success' },
      ]);
      const r = await runAnalyzer(db, timeline, { ...ctx, function: 'orders-api' });
      expect(r.table.rows.map((x) => [x.time, x.source, x.kind, x.summary])).toEqual([
        ['2026-03-01T10:00:00.000Z', 'config', 'configuration', 'configuration dump: nodejs20.x, handler index.handler, code abc='],
        ['2026-03-11T08:00:00.000Z', 'logs', 'invocations', '2 invocation(s), 1 not successful'],
        ['2026-03-11T08:05:00.000Z', 'cloudtrail', 'role-session:function', 'ListBuckets (s3.amazonaws.com) from 52.51.0.10'],
        ['2026-03-11T09:55:00.000Z', 'cloudtrail', 'UpdateFunctionCode', 'UpdateFunctionCode by arn:aws:iam::111122223333:user/dev-mallory from 198.51.100.23'],
      ]);
      expect(r.table.rows[1]!.detail).toMatchObject({ count: 2, timeouts: 1, errors: 0 });
      const narrowed = await runAnalyzer(db, timeline, { ...ctx, function: 'orders-api', from: '2026-03-11T08:01:00Z', to: '2026-03-11T09:00:00Z' });
      expect(narrowed.rows.map((x) => x.kind)).toEqual(['role-session:function']);
      // a minute bucket is in the range by its start: 08:00 is before a --from of 08:00:30 (even
      // though one of its invocations is not), and within a --to of 08:00:20 with both invocations
      const late = await runAnalyzer(db, timeline, { ...ctx, function: 'orders-api', from: '2026-03-11T08:00:30Z', to: '2026-03-11T08:10:00Z' });
      expect(late.rows.map((x) => x.kind)).toEqual(['role-session:function']);
      const early = await runAnalyzer(db, timeline, { ...ctx, function: 'orders-api', from: '2026-03-11T07:00:00Z', to: '2026-03-11T08:00:20Z' });
      expect(early.rows.map((x) => [x.time, x.summary])).toEqual([['2026-03-11T08:00:00.000Z', '2 invocation(s), 1 not successful']]);
    });
  });
});
