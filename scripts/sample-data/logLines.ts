// What each invocation printed to CloudWatch Logs: Lambda's text format (START / END / REPORT and
// the runtimes' app-line prefixes) or its JSON format (platform.* records, JSON app lines).
import { runtimeVersionArn } from './ctRecords.ts';
import { ACCOUNT, ATTACK, REGION, fn, isoMs, type FnSpec } from './story.ts';
import type { Env, Invocation } from './world.ts';

export interface LogEvent {
  t: number;
  stream: string;
  message: string; // without the trailing newline
}

export const ORDERS_URL_ID = 'x4m2k8q1z7v3c9b5n0w6p2r8t4y1u7e3';
export const INVOICE_URL_ID = 'k7q2m9x4v1c8z5b3n6w0p2r4t7y9u1a3';

const runtimeVersion = (f: FnSpec) => (f.runtime === 'nodejs20.x' ? 'nodejs:20.v33' : 'python:3.12.v27');

function app(f: FnSpec, t: number, id: string, level: string, msg: string): string {
  return f.runtime === 'nodejs20.x' ? `${isoMs(t)}\t${id}\t${level}\t${msg}` : `[${level}]\t${isoMs(t)}\t${id}\t${msg}`;
}

function report(inv: Invocation, f: FnSpec, timeout: boolean): string {
  const billed = Math.ceil(inv.durationMs + (inv.initMs ?? 0));
  let s = `REPORT RequestId: ${inv.requestId}\tDuration: ${inv.durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${inv.env.memory} MB\tMax Memory Used: ${inv.maxMem} MB\t`;
  if (inv.initMs !== undefined) s += `Init Duration: ${inv.initMs.toFixed(2)} ms\t`;
  if (timeout) s += 'Status: timeout';
  void f;
  return s;
}

/** The function URL payload (format 2.0) orders-api receives, as its code logs it. */
function urlEvent(inv: Invocation, urlId: string): string {
  const h = inv.http!;
  const qs = h.query ? Object.entries(h.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
  const e = {
    version: '2.0', routeKey: '$default', rawPath: h.path, rawQueryString: qs,
    headers: { host: `${urlId}.lambda-url.${REGION}.on.aws`, 'user-agent': h.ua, 'x-forwarded-for': h.sourceIp, 'x-forwarded-proto': 'https' },
    queryStringParameters: h.query,
    requestContext: { http: { method: h.method, path: h.path, sourceIp: h.sourceIp }, requestId: inv.requestId, timeEpoch: inv.start },
    body: h.body,
    isBase64Encoded: false,
  };
  return JSON.stringify(e);
}

function ordersLines(inv: Invocation, f: FnSpec): Array<[number, string]> {
  const id = inv.requestId;
  const end = inv.start + Math.ceil(inv.durationMs);
  const h = inv.http!;
  const out: Array<[number, string]> = [[inv.start + 1, app(f, inv.start + 1, id, 'INFO', `received event ${urlEvent(inv, ORDERS_URL_ID)}`)]];
  const mid = inv.start + Math.floor(inv.durationMs / 2);
  if (inv.note === 'template-eval') out.push([mid, app(f, mid, id, 'INFO', 'note preview: 49')]);
  if (inv.note === 'rce' && h.body?.includes('execSync')) out.push([mid, app(f, mid, id, 'INFO', 'note preview: uid=993(sbx_user1051) gid=990 groups=990')]);
  if (inv.note === 'rce' && h.body?.includes('stage2')) out.push([mid, app(f, mid, id, 'INFO', 'note preview: [object ClientRequest]')]);
  if (inv.note === 'ssrf') {
    out.push([end - 2, app(f, end - 2, id, 'WARN', 'webhook test failed: connect ETIMEDOUT 169.254.169.254:80')]);
  }
  if (inv.status === 500) out.push([end - 1, app(f, end - 1, id, 'ERROR', 'query failed: syntax error at or near "OR"')]);
  const label = inv.status >= 400 ? 'WARN' : 'INFO';
  out.push([end, app(f, end, id, label, `${h.method} ${h.path} -> ${inv.status} (${Math.round(inv.durationMs)} ms)`)]);
  return out;
}

function reportBuilderLines(inv: Invocation, f: FnSpec): Array<[number, string]> {
  const id = inv.requestId;
  const end = inv.start + Math.ceil(inv.durationMs);
  const event = inv.kind === 'cron'
    ? { version: '0', id: id.replace(/^.{8}/, 'e1f2a3b4'), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date(inv.start - (inv.start % 60_000)).toISOString().replace('.000Z', 'Z'), region: REGION, resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/report-builder-hourly`], detail: {} }
    : { report: 'on-demand', requested_by: `u-${id.slice(0, 4)}`, format: 'pdf' };
  const out: Array<[number, string]> = [[inv.start + 2, app(f, inv.start + 2, id, 'INFO', `received event ${JSON.stringify(event)}`)]];
  if (inv.note === 'traceback') {
    const tb = ['report failed', 'Traceback (most recent call last):', '  File "/var/task/app.py", line 57, in handler', '    rows = fetch_rows(event["detail"]["report_id"])',
      '                      ~~~~~~~~~~~~~~~^^^^^^^^^^^^^', 'KeyError: \'report_id\''].join('\r');
    out.push([end - 40, app(f, end - 40, id, 'ERROR', tb)]);
    out.push([end - 5, app(f, end - 5, id, 'INFO', 'falling back to the default hourly report')]);
  }
  const target = inv.calls.find((c) => c.action === 'PutObject')?.target ?? 'acme-reports/unknown.pdf';
  out.push([end - 2, app(f, end - 2, id, 'INFO', `report written to s3://${target} (${(id.charCodeAt(0) % 7) * 31 + 40} rows)`)]);
  return out;
}

function thumbnailLines(inv: Invocation, f: FnSpec): Array<[number, string]> {
  const id = inv.requestId;
  const end = inv.start + Math.ceil(inv.durationMs);
  const key = (inv.calls[0]?.target ?? 'acme-uploads/incoming/x.jpg').split('/').slice(1).join('/');
  const size = 180000 + ((id.charCodeAt(1) * 997) % 900000);
  const out: Array<[number, string]> = [[inv.start + 3, app(f, inv.start + 3, id, 'INFO', `received event s3:ObjectCreated:Put acme-uploads/${key} (${size} bytes)`)]];
  if (inv.note === 'timeout') {
    out.push([end, `${isoMs(end)} ${id} Task timed out after 60.00 seconds`]);
  } else {
    out.push([end - 3, app(f, end - 3, id, 'INFO', `thumbnail written to s3://acme-thumbnails/320/${key} (320x240)`)]);
  }
  return out;
}

function billingLines(inv: Invocation, f: FnSpec): Array<[number, string]> {
  const id = inv.requestId;
  const end = inv.start + Math.ceil(inv.durationMs);
  const batch = (parseInt(id.slice(0, 4), 16) % 150) + 1;
  return [
    [inv.start + 2, app(f, inv.start + 2, id, 'INFO', `received event {"batch": ${batch}, "accounts": 25, "run": "${new Date(inv.start).toISOString().slice(0, 10)}"}`)],
    [end - 2, app(f, end - 2, id, 'INFO', `batch ${batch} done: 25 invoices, total ${(batch * 73.31).toFixed(2)} EUR`)],
  ];
}

/** invoice-renderer uses the JSON log format: app lines and platform records are JSON objects. */
function invoiceJson(inv: Invocation, f: FnSpec): Array<[number, string]> {
  const id = inv.requestId;
  const end = inv.start + Math.ceil(inv.durationMs);
  const j = (t: number, level: string, message: string) => JSON.stringify({ timestamp: isoMs(t), level, requestId: id, message });
  const out: Array<[number, string]> = [];
  if (inv.initMs !== undefined) {
    const t0 = inv.env.created;
    out.push([t0, JSON.stringify({ time: isoMs(t0), type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', runtimeVersion: runtimeVersion(f), runtimeVersionArn: runtimeVersionArn(f), functionName: f.name, functionVersion: '$LATEST' } })]);
  }
  out.push([inv.start, JSON.stringify({ time: isoMs(inv.start), type: 'platform.start', record: { requestId: id, version: '$LATEST' } })]);
  if (inv.kind === 'url-test') {
    const h = inv.http!;
    out.push([inv.start + 2, j(inv.start + 2, 'INFO', `received input ${JSON.stringify({ rawPath: h.path, headers: { 'user-agent': h.ua, 'x-forwarded-for': h.sourceIp }, requestContext: { http: { method: h.method, sourceIp: h.sourceIp } } })}`)]);
    out.push([end - 1, j(end - 1, 'WARN', 'invalid request: missing invoiceId')]);
  } else {
    const invoice = inv.calls.find((c) => c.action === 'PutObject')?.target?.split('/').pop()?.replace('.pdf', '') ?? 'INV-000000';
    out.push([inv.start + 2, j(inv.start + 2, 'INFO', `received input ${JSON.stringify({ invoiceId: invoice, customerId: `c-${parseInt(id.slice(0, 5), 16) % 90000 + 10000}`, template: 'standard' })}`)]);
    out.push([end - 4, j(end - 4, 'INFO', `rendered ${invoice} (2 pages)`)]);
  }
  const metrics = { durationMs: inv.durationMs, billedDurationMs: Math.ceil(inv.durationMs + (inv.initMs ?? 0)), memorySizeMB: inv.env.memory, maxMemoryUsedMB: inv.maxMem,
    ...(inv.initMs !== undefined ? { initDurationMs: Number(inv.initMs.toFixed(2)) } : {}) };
  out.push([end, JSON.stringify({ time: isoMs(end), type: 'platform.runtimeDone', record: { requestId: id, status: 'success', metrics: { durationMs: inv.durationMs, producedBytes: 64 } } })]);
  out.push([end + 1, JSON.stringify({ time: isoMs(end + 1), type: 'platform.report', record: { requestId: id, metrics, status: 'success' } })]);
  return out;
}

/** Every log event of one invocation (the INIT lines of a cold start included). */
export function invocationLog(inv: Invocation): LogEvent[] {
  const f = fn(inv.fn);
  const stream = inv.env.stream;
  if (f.logFormat === 'JSON') return invoiceJson(inv, f).map(([t, message]) => ({ t, stream, message }));
  const out: Array<[number, string]> = [];
  if (inv.initMs !== undefined) out.push(...initLines(f, inv.env));
  const id = inv.requestId;
  out.push([inv.start, `START RequestId: ${id} Version: ${inv.env.version}`]);
  const body = inv.fn === 'orders-api' ? ordersLines(inv, f) : inv.fn === 'report-builder' ? reportBuilderLines(inv, f)
    : inv.fn === 'thumbnail-maker' ? thumbnailLines(inv, f) : billingLines(inv, f);
  out.push(...body);
  const end = inv.start + Math.ceil(inv.durationMs);
  out.push([end + 1, `END RequestId: ${id}`]);
  out.push([end + 1, report(inv, f, inv.note === 'timeout')]);
  return out.map(([t, message]) => ({ t, stream, message }));
}

function initLines(f: FnSpec, env: Env): Array<[number, string]> {
  const out: Array<[number, string]> = [[env.created, `INIT_START Runtime Version: ${runtimeVersion(f)}\tRuntime Version ARN: ${runtimeVersionArn(f)}`]];
  if (f.name === 'thumbnail-maker' && env.created >= ATTACK.layer) {
    out.push([env.created + 35, 'perf-tools wrapper 1.4.2: profiling enabled']);
  }
  return out;
}
