import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { cli, cliAsync } from '../helpers/cli.ts';
import { tempDir } from '../helpers/db.ts';
import { writeExports } from '../helpers/lambdaExports.ts';

describe('Ctrl-C during import', () => {
  it('stops with exit code 130, keeps the committed batches, and the same import then loads the rest', async () => {
    const dir = tempDir();
    const input = path.join(dir, 'in');
    writeExports(input, 8, 50_000);
    const db = path.join(dir, 'db.duckdb');
    // one file per batch, and a trace line on stderr as each commits
    // in a process group of its own, so that SIGINT goes to the whole group, as Ctrl-C in a terminal does
    const child = cliAsync(['import', input, '--db', db], {
      env: { LAMBDA_FORENSICS_TRACE_BATCHES: '1', LAMBDA_FORENSICS_BATCH_FILES: '1' },
      detached: true,
    });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && stderr.includes('batch committed')) {
        signalled = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('error: interrupted (Ctrl-C).');
    expect(stderr).toContain('Run the same import again to load the rest');
    // the batch in progress was not split and retried after the interrupt
    expect(stderr.match(/batch committed/g)!.length).toBeLessThan(8);

    const d = await Db.open({ path: db, readOnly: true });
    let kept: number;
    try {
      const [r] = await d.json<{ files: number; rows: number; events: number }>(
        `SELECT count(*)::INTEGER AS files, coalesce(sum(rows_loaded), 0)::INTEGER AS rows,
                (SELECT count(*)::INTEGER FROM lambda_log_events) AS events
         FROM import_files WHERE status = 'loaded'`,
      );
      kept = r!.files;
      expect(kept).toBeGreaterThanOrEqual(1);
      expect(kept).toBeLessThan(8);
      // every kept file is whole, and no row is there without its ledger row
      expect(r!.rows).toBe(kept * 50_000);
      expect(r!.events).toBe(kept * 50_000);
    } finally {
      d.close();
    }

    const again = cli(['import', input, '--db', db, '--format', 'json']);
    expect(again.code).toBe(0);
    const files = JSON.parse(again.stdout) as Array<{ status: string }>;
    expect(files.filter((f) => f.status === 'already-imported')).toHaveLength(kept);
    expect(files.filter((f) => f.status === 'loaded')).toHaveLength(8 - kept);
    const d2 = await Db.open({ path: db, readOnly: true });
    try {
      expect(Number(await d2.scalar('SELECT count(*) FROM lambda_log_events'))).toBe(400_000);
    } finally {
      d2.close();
    }
  }, 60_000);
});
