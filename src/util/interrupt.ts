/**
 * Ctrl-C (SIGINT). The first one stops the DuckDB statements that are running (each open
 * connection is interrupted), so that the command unwinds as on an error: an import's batch in
 * progress rolls back, every batch committed before it stays, the database is closed cleanly, and
 * main.ts ends with exit code 130 and says what was kept. A second Ctrl-C exits at once (the
 * database stays consistent then too: DuckDB replays its log at the next open).
 */

interface Interruptible {
  interrupt(): void;
}

const open = new Set<Interruptible>();
let interrupted = false;
let installed = false;

/** Whether Ctrl-C was pressed: code that retries or carries on after an error must stop instead. */
export function isInterrupted(): boolean {
  return interrupted;
}

/** Registers a connection to interrupt on Ctrl-C; returns the function that removes it. */
export function trackConnection(c: Interruptible): () => void {
  open.add(c);
  return () => open.delete(c);
}

/** Installs the SIGINT handler once per process (main.ts). */
export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nInterrupted: stopping (press Ctrl-C again to quit at once)...\n');
    for (const c of open) {
      try {
        c.interrupt();
      } catch {
        /* the connection may be closing */
      }
    }
  });
}
