import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { insertRows, sessionRow } from '../helpers/rows.ts';

/**
 * What makes a report big is not the number of rows but the number of distinct things: peers,
 * APIs, findings, functions, import issues. This incident has tens of thousands of each; the
 * report must list the top of each list with its total and stay far below 5 MB.
 */
describe('a large incident', () => {
  it('gives a report under 5 MB that shows the top of every list with its total', async () => {
    await withMemoryDb(async (db) => {
      const inc = Date.UTC(2026, 2, 11);
      // 20,000 new external peers of orders-api through its ENI
      await insertRows(db, 'network_interfaces', [
        { snapshot_time: '2026-03-01T00:00:00Z', snapshot_time_source: 'cli', eni_id: 'eni-1', interface_type: 'lambda', description: 'AWS Lambda VPC ENI-orders-api-1b2c3d4e-aaaa-bbbb-cccc-123456789012', private_ip: '10.0.1.10', private_ips: ['10.0.1.10'], subnet_id: 'subnet-a', vpc_id: 'vpc-1', security_group_ids: ['sg-1'], source_file: 'e', file_id: 1 },
      ]);
      await insertRows(
        db,
        'flow_custom_records',
        Array.from({ length: 20_000 }, (_, i) => ({
          version: '2', interface_id: 'eni-1', srcaddr: '10.0.1.10', dstaddr: `203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, srcport: '40000', dstport: '443', protocol: '6',
          packets: '1', bytes: '100', start_time: new Date(inc + (i % 1200) * 60_000).toISOString(), end_time: new Date(inc + (i % 1200) * 60_000 + 60_000).toISOString(),
          action: 'ACCEPT', log_status: 'OK', file_id: '2',
        })),
      );
      // 1,500 APIs orders-api never called before (and one it did)
      await insertRows(db, 'cloudtrail_events', [
        sessionRow('orders-api', 'orders-role', '2026-03-05T10:00:00Z', 'dynamodb.amazonaws.com', 'GetItem'),
        ...Array.from({ length: 1500 }, (_, i) => sessionRow('orders-api', 'orders-role', new Date(inc + i * 30_000).toISOString(), 'example.amazonaws.com', `Api${i}`)),
      ]);
      // 1,200 injection attempts printed by 24 functions
      await insertRows(
        db,
        'lambda_log_events',
        Array.from({ length: 1200 }, (_, i) => ({
          function_name: `fn-${String(i % 24).padStart(2, '0')}`, log_group: 'g', log_stream: 's', time: new Date(inc + i * 10_000).toISOString(),
          message: `${'x'.repeat(300)} <script>alert(${i})</script>`, kind: 'app', source_file: 'l', file_id: '3', record_index: String(i + 1),
        })),
      );
      // 90 days of hourly Invocations metric with one spike, for a function without logs
      await insertRows(
        db,
        'lambda_metrics',
        Array.from({ length: 90 * 24 }, (_, h) => ({
          function_name: 'metrics-fn', metric: 'Invocations', stat: 'Sum', time: new Date(inc - 89 * 86_400_000 + h * 3_600_000).toISOString(),
          value: String(h === 89 * 24 + 12 ? 5000 : 40 + (h % 24)), source_file: 'm', file_id: '4',
        })),
      );
      // 20,000 import issues
      await insertRows(
        db,
        'import_issues',
        Array.from({ length: 20_000 }, (_, i) => ({ file_id: '3', path: `logs/part-${i % 50}.json`, location: `line ${i + 1}`, severity: 'warning', code: 'bad-json-line', message: `line is not JSON: ${'y'.repeat(200)}`, created_at: '2026-03-12T00:00:00Z' })),
      );

      const { html, model } = await buildReport(db, { incidentStart: '2026-03-11T00:00:00Z', audit: false });
      const bytes = Buffer.byteLength(html, 'utf8');
      expect(bytes).toBeLessThan(5 * 1024 * 1024);
      expect(bytes).toBeLessThan(2.5 * 1024 * 1024);

      expect(model.findings.total).toBe(20_000 + 1500 + 1200 + 1);
      expect(model.findings.rows).toHaveLength(250);
      expect(html).toContain('Showing the first 250 of 22,701 findings.');
      expect(model.functionsWithFindings).toBe(26);
      expect(model.functions).toHaveLength(20);
      expect(model.functionsOmitted).toHaveLength(6);
      expect(html).toContain('6 more function(s) have findings but no section here');

      const orders = model.functions.find((f) => f.name === 'orders-api')!;
      expect(orders.peers.total).toBe(20_000);
      expect(orders.peers.totalNew).toBe(20_000);
      expect(orders.peers.rows).toHaveLength(40);
      expect(html).toContain('Showing the first 40 of 20,000 peers.');
      expect(orders.apiCalls.total).toBe(1501);
      expect(orders.apiCalls.rows).toHaveLength(40);
      expect(orders.apiCalls.rows.every((r) => r.is_new)).toBe(true);
      expect(orders.timeline.total).toBeGreaterThan(2500);
      expect(orders.timeline.rows.length).toBeLessThanOrEqual(250);

      const metricsFn = model.functions.find((f) => f.name === 'metrics-fn')!;
      expect(metricsFn.invocations.source).toBe('metrics');
      // 2,160 hours in at most 1,500 points: 2-hour buckets
      expect(metricsFn.invocations.bucketHours).toBe(2);
      expect(metricsFn.invocations.points).toHaveLength(1080);
      expect(metricsFn.invocations.spikes.map((s) => [s.start, s.invocations])).toEqual([['2026-03-11T12:00:00.000Z', 5000]]);

      expect(model.issues.total).toBe(20_000);
      expect(model.issues.rows).toHaveLength(50);
      expect(html).toContain('Showing the first 50 of 20,000 issues.');
    });
  });
});
