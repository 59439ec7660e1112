/** Timings on stderr when LAMBDA_FORENSICS_TRACE=1, for finding where a slow command spends its time. */
export const TRACE = process.env.LAMBDA_FORENSICS_TRACE === '1';

/** One trace line: the time, what it was, and the process's memory (RSS and JS heap) at that point. */
export function traceLine(seconds: number, what: string): void {
  if (!TRACE) return;
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  process.stderr.write(`[trace ${seconds.toFixed(2)} s, ${process.uptime().toFixed(2)} s since start] ${what} (rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB)\n`);
}

/** Runs `fn` and, when tracing, prints how long it took. */
export async function traced<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!TRACE) return fn();
  const t = Date.now();
  try {
    return await fn();
  } finally {
    traceLine((Date.now() - t) / 1000, label);
  }
}

/** A function that prints the time since it was made, with a label. */
export function tracer(): (what: string) => void {
  const t0 = Date.now();
  return (what) => traceLine((Date.now() - t0) / 1000, what);
}
