/**
 * Progress for long work, on stderr, only when stderr is a terminal: files and bytes done out of
 * the total, rows per second and an ETA. Redrawn at most every 200 ms.
 */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private readonly enabled: boolean;
  filesDone = 0;
  bytesDone = 0;
  rows = 0;

  constructor(
    private readonly label: string,
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    enabled = Boolean(process.stderr.isTTY) && !process.env.CI,
  ) {
    this.enabled = enabled;
  }

  advance(files: number, bytes: number, rows = 0): void {
    this.filesDone += files;
    this.bytesDone += bytes;
    this.rows += rows;
    this.draw(false);
  }

  draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const frac = this.totalBytes > 0 ? this.bytesDone / this.totalBytes : this.filesDone / Math.max(1, this.totalFiles);
    const eta = frac > 0.01 ? Math.round((secs / frac) * (1 - frac)) : undefined;
    const line =
      `${this.label}: ${this.filesDone}/${this.totalFiles} files, ${mb(this.bytesDone)}/${mb(this.totalBytes)} MB` +
      (this.rows ? `, ${Math.round(this.rows / secs).toLocaleString('en-US')} rows/s` : '') +
      (eta !== undefined ? `, ETA ${fmtSecs(eta)}` : '');
    process.stderr.write(`\r\x1b[2K${line}`);
  }

  done(): void {
    if (!this.enabled) return;
    process.stderr.write('\r\x1b[2K');
  }
}

function mb(b: number): string {
  return (b / 1e6).toFixed(1);
}

export function fmtSecs(s: number): string {
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
