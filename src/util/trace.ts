/** Timings on stderr when LAMBDA_FORENSICS_TRACE=1, for finding where a slow command spends its time. */
export const TRACE = process.env.LAMBDA_FORENSICS_TRACE === '1';

export function traceLine(seconds: number, what: string): void {
  if (TRACE) process.stderr.write(`[trace ${seconds.toFixed(2)} s] ${what}\n`);
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
