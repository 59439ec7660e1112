import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.ts';
import { ensureSchema } from '../../src/db/schema.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/db.ts';
import { checkHtml } from './html.ts';
import { INCIDENT_START, loadIncident } from './fixture.ts';

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'incident.duckdb');
  const db = await Db.open({ path: dbPath });
  try {
    await ensureSchema(db);
    await loadIncident(db);
  } finally {
    db.close();
  }
});

describe('lambda-forensics report', () => {
  it('writes one self-contained file, with a section for each function asked for', () => {
    const out = path.join(dir, 'nested', 'report.html');
    const r = cli(['report', '--db', dbPath, '--incident-start', INCIDENT_START, '--function', 'no-such-function', '--function', 'orders-api', '--out', out]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Report written to .*report\.html \(\d+ KB\): \d+ finding\(s\), 4 function section\(s\), incident window 2026-03-11T00:00:00\.000Z \.\. 2026-03-11T21:02:00\.000Z\n$/);
    const html = fs.readFileSync(out, 'utf8');
    expect(checkHtml(html).problems).toEqual([]);
    // asked-for functions first, in the order given; then the others with findings
    const sections = [...html.matchAll(/<section id="(fn-\d+)" class="block function" data-function="([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(sections).toEqual([
      ['fn-1', 'no-such-function'],
      ['fn-2', 'orders-api'],
      ['fn-3', 'pwn&quot;&gt;&lt;img src&#61;x onerror&#61;&quot;window.__pwned&#61;2;alert(2)&quot;&gt;'],
      ['fn-4', 'billing-invoice\\u202efdp.exe'],
    ]);
    expect(html).toContain('This function appears in no imported source.');
    expect(html).toContain(`generated `);
    expect(html).toContain(' from incident.duckdb</div>');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['report.html']);
  });

  it('needs --out and a valid --incident-start', () => {
    const noOut = cli(['report', '--db', dbPath]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('Missing required argument: out');
    const bad = cli(['report', '--db', dbPath, '--incident-start', 'yesterday', '--out', path.join(dir, 'x.html')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: --incident-start 'yesterday' is not an ISO 8601 time.");
    expect(fs.existsSync(path.join(dir, 'x.html'))).toBe(false);
  });
});
