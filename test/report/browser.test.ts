/**
 * The report in a real browser: Debian's Chromium driven by playwright-core. It opens the file
 * straight from disk, as a reader would, and checks that nothing runs but the report's own
 * script, nothing is fetched, nothing pops up, nothing logs an error — with hostile values in
 * every field — and that the sections, the findings and the spike marking are there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { ROOT } from '../../src/db/sql.ts';
import { visibleText } from '../../src/report/escape.ts';
import { writeReport, type ReportModel } from '../../src/report/index.ts';
import { importPaths, memoryDb } from '../helpers/db.ts';
import { HOSTILE_AUDIT, HOSTILE_FN, INCIDENT_START, loadIncident } from './fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SAMPLE = path.join(ROOT, 'sample-data');
/** The sample incident (sample-data/README.md): the attack starts 2026-03-11 08:00 UTC. */
const SAMPLE_INCIDENT_START = '2026-03-11T08:00:00Z';

const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n${'!'.repeat(100)}\n!!! SKIPPING the report browser test: ${CHROMIUM} does not exist. Install it (apt-get install -y chromium; .ci/run does) to run it.\n${'!'.repeat(100)}\n`,
  );
}
const sampleFiles = fs.existsSync(SAMPLE) ? fs.readdirSync(SAMPLE, { recursive: true }).map(String).filter((f) => !/(^|\/)README\.md$/.test(f) && fs.statSync(path.join(SAMPLE, f)).isFile()) : [];
const hasSample = sampleFiles.length > 0;

interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
  url: string;
}

describe.skipIf(!hasChromium)('the report in Chromium', () => {
  let ctx: BrowserContext;
  let userDataDir: string;
  const open: Opened[] = [];

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-chromium-'));
    ctx = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
  });

  afterAll(async () => {
    await ctx?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Opens a file with every request other than the file itself counted and aborted. */
  async function openFile(file: string): Promise<Opened> {
    const page = await ctx.newPage();
    const url = pathToFileURL(file).href;
    const o: Opened = { page, requests: [], dialogs: [], errors: [], url };
    page.on('request', (r) => {
      if (r.url() !== url) o.requests.push(r.url());
    });
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    page.on('dialog', (d) => {
      o.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') o.errors.push(m.text());
    });
    page.on('pageerror', (e) => o.errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    open.push(o);
    return o;
  }

  /** What every report must satisfy in the browser. */
  async function commonChecks(o: Opened, model: ReportModel) {
    const { page } = o;
    // nothing but the report's own markup and script
    const dom = await page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        scripts: document.scripts.length,
        onAttrs: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
        foreign: all.filter((e) => /^(IMG|IFRAME|OBJECT|EMBED|LINK|BASE|FORM|AUDIO|VIDEO|SOURCE|FRAME|META)$/i.test(e.tagName) && !(e.tagName === 'META' && e.parentElement === document.head)).map((e) => e.tagName),
        nonFragmentLinks: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').filter((h) => !h.startsWith('#')),
        jsClass: document.documentElement.classList.contains('js'),
        data: JSON.parse(document.getElementById('report-data')!.textContent!) as { findings: Array<{ title: string }> },
      };
    });
    expect(dom.pwned).toBeNull();
    expect(dom.scripts).toBe(2);
    expect(dom.onAttrs).toEqual([]);
    expect(dom.foreign).toEqual([]);
    expect(dom.nonFragmentLinks).toEqual([]);
    // the hashed script ran (the CSP allowed it) and the JSON block parsed back exactly
    expect(dom.jsClass).toBe(true);
    expect(dom.data.findings.map((f) => f.title)).toEqual(model.findings.rows.map((f) => f.title));

    // every section is present and visible
    const ids = ['summary', 'coverage', 'import-issues', 'findings', 'evidence'];
    for (const f of model.functions) ids.push(f.id, ...['invocations', 'api', 'peers', 'changes', 'audit', 'timeline'].map((s) => `${f.id}-${s}`));
    for (const id of ids) expect(await page.locator(`[id="${id}"]`).isVisible(), id).toBe(true);

    // the findings are visible, as text, each with a working link to its evidence
    const findingsText = await page.locator('#findings').innerText();
    for (const f of model.findings.rows) expect(findingsText).toContain(visibleText(f.title.length > 300 ? f.title.slice(0, 200) : f.title));
    const firstEv = page.locator('#findings a.ev-link').first();
    await firstEv.click();
    expect(page.url().endsWith('#ev-1')).toBe(true);
    expect(await page.locator('#ev-1').isVisible()).toBe(true);

    // the spike is marked on the chart of each function that has one
    for (const f of model.functions.filter((x) => x.invocations.spikes.length)) {
      const marks = page.locator(`[id="${f.id}"] svg.inv-chart g.spike-window`);
      expect(await marks.count()).toBe(f.invocations.spikes.length);
      const chart = (await page.locator(`[id="${f.id}"] svg.inv-chart`).boundingBox())!;
      const rect = (await marks.first().locator('rect.spike').boundingBox())!;
      expect(rect.width).toBeGreaterThan(0);
      expect(rect.x).toBeGreaterThanOrEqual(chart.x);
      expect(rect.x + rect.width).toBeLessThanOrEqual(chart.x + chart.width + 0.5);
      expect(await marks.first().getAttribute('data-start')).toBe(f.invocations.spikes[0]!.start);
      expect(await marks.first().locator('text.spike-label').textContent()).toMatch(/^spike ×/);
    }
  }

  function finalChecks(o: Opened) {
    expect(o.errors).toEqual([]);
    expect(o.dialogs).toEqual([]);
    expect(o.requests).toEqual([]);
  }

  it(`renders ${hasSample ? 'the sample incident (sample-data/)' : 'the fixture incident (sample-data/ has not landed)'} with every section, the planted findings and the spike`, async () => {
    if (!hasSample) console.warn('sample-data/ holds no data yet: the browser test builds its fixture incident instead.');
    const db: Db = await memoryDb();
    let model: ReportModel;
    const file = path.join(ARTIFACTS, 'report.html');
    try {
      if (hasSample) {
        const summary = await importPaths(db, [SAMPLE]);
        expect(summary.files.filter((f) => f.status === 'failed')).toEqual([]);
      } else {
        await loadIncident(db);
      }
      ({ model } = await writeReport(db, file, { incidentStart: hasSample ? SAMPLE_INCIDENT_START : INCIDENT_START, source: hasSample ? 'sample-data' : 'fixture' }));
    } finally {
      db.close();
    }
    expect(model.findings.total).toBeGreaterThan(5);
    expect(model.functions.some((f) => f.invocations.spikes.length > 0)).toBe(true);
    expect(model.functions.some((f) => f.peers.rows.some((p) => p.is_new && p.kind === 'external'))).toBe(true);
    expect(model.functions.some((f) => f.changes.rows.some((c) => c.in_incident && c.new_actor))).toBe(true);

    const o = await openFile(file);
    await commonChecks(o, model);
    if (hasSample) await sampleChecks(o.page, model);
    await o.page.goto(o.url);
    await o.page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: false });
    finalChecks(o);
  });

  /** The planted findings and decoys of sample-data/README.md, as a reader sees them. */
  async function sampleChecks(page: Page, model: ReportModel) {
    const id = (name: string) => {
      const f = model.functions.find((x) => x.name === name);
      expect(f, name).toBeDefined();
      return f!.id;
    };
    const orders = id('orders-api');
    const textOf = (sel: string) => page.locator(sel).innerText();
    const findings = await textOf('#findings');
    // 1 injection, 5 stolen credentials, 6 recon and code change, 7 persistence on other functions
    for (const s of [
      'orders-api logged input that looks like template injection',
      "orders-api's role credentials (ASIA4TKR6XZXUKSIVQB7) used from 198.51.100.77",
      'UpdateFunctionCode on orders-api by arn:aws:iam::111122223333:user/dev-mallory (new actor, new source IP 198.51.100.23)',
      'AddPermission on orders-api by arn:aws:iam::111122223333:user/dev-mallory',
      'layer on thumbnail-maker: arn:aws:lambda:eu-west-1:999988887777:layer:perf-tools:3',
      'exec-env-var on thumbnail-maker: AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper.sh',
      'public-url on invoice-renderer: AuthType NONE',
      'GetFunctionConfiguration on orders-api by arn:aws:iam::111122223333:user/dev-mallory from 198.51.100.23',
    ]) {
      expect(findings).toContain(s);
    }
    // 2 the spike, 08:00-09:00, 376 runs, marked on orders-api's chart; not nightly-billing's burst
    const spike = page.locator(`[id="${orders}"] svg.inv-chart g.spike-window`);
    expect(await spike.getAttribute('data-start')).toBe('2026-03-11T08:00:00.000Z');
    expect(await spike.getAttribute('data-end')).toBe('2026-03-11T09:00:00.000Z');
    expect(await textOf(`[id="${orders}-invocations"] table`)).toContain('376');
    expect(await page.locator(`[id="${id('nightly-billing')}"] svg.inv-chart g.spike-window`).count()).toBe(0);
    // 3 unusual API calls, highlighted as new; the rare but known GenerateDataKey is not new
    const newApis = await page.locator(`[id="${orders}-api"] tr.row-new`).allInnerTexts();
    for (const api of ['GetCallerIdentity', 'ListBuckets', 'GetSecretValue', 'ListRoles', 'GetObject', 'ListFunctions', 'ListAttachedRolePolicies']) {
      expect(newApis.some((t) => t.includes(api)), api).toBe(true);
    }
    expect(newApis.some((t) => t.includes('GenerateDataKey'))).toBe(false);
    // 4 new peers: the attacker's server on 443 and 4444, named external; RDS (moved) is not new
    const newPeers = await page.locator(`[id="${orders}-peers"] tr.row-new`).allInnerTexts();
    expect(newPeers).toHaveLength(2);
    expect(newPeers.every((t) => t.includes('External') && t.includes('203.0.113.50'))).toBe(true);
    expect(newPeers.map((t) => /(\d+)\/TCP/.exec(t)?.[1]).sort()).toEqual(['443', '4444']);
    expect(await textOf(`[id="${orders}-peers"]`)).toContain('RDS');
    // 6 the code change, with actor and source IP
    const change = (await page.locator(`[id="${orders}-changes"] tr.row-new`).allInnerTexts()).join('\n');
    expect(change).toContain('UpdateFunctionCode');
    expect(change).toContain('198.51.100.23');
    expect(change).toContain('new actor');
    // decoy: the daily CI deployment of report-builder is not highlighted
    expect(await page.locator(`[id="${id('report-builder')}-changes"] tr.row-new`).count()).toBe(0);
    // 8 audit plants
    expect(await textOf(`[id="${id('report-builder')}-audit"]`)).toContain('report-builder-role');
    expect(await textOf(`[id="${orders}-audit"]`)).toContain('user/alice');
    expect(await textOf(`[id="${id('thumbnail-maker')}-audit"]`)).toContain('invoke-unrestricted');
  }

  it('stays inert with hostile values in function names, user agents, log lines, paths and audit rows', async () => {
    const db = await memoryDb();
    let model: ReportModel;
    const file = path.join(ARTIFACTS, 'report-hostile.html');
    try {
      await loadIncident(db);
      ({ model } = await writeReport(db, file, { incidentStart: INCIDENT_START, audit: HOSTILE_AUDIT, source: '"><img src=x onerror=alert(9)>.duckdb' }));
    } finally {
      db.close();
    }
    const o = await openFile(file);
    await commonChecks(o, model);
    const { page } = o;

    // payloads are visible as text, exactly as written
    const fnSection = page.locator('#fn-2');
    expect(await fnSection.locator('h2').innerText()).toBe(`FUNCTION\n${HOSTILE_FN}`);
    expect(await page.locator('#import-issues').innerText()).toContain('<style>@import url(https://attacker.example/x.css);</style>');
    expect(await page.locator('#fn-1-changes').innerText()).toContain('"><img src=x onerror="window.__pwned=2;alert(2)">');
    expect(await page.locator('#fn-3').locator('h2').innerText()).toContain('billing-invoice⟨U+202E⟩fdp.exe');
    // the hostile value in an attribute (the data-function of a section) comes back exactly
    expect(await fnSection.getAttribute('data-function')).toBe(HOSTILE_FN);

    // the timeline filter (the one inline script) works
    const tl = page.locator('#fn-1 .tl');
    const rows = tl.locator('tbody tr');
    const total = await rows.count();
    await tl.locator('input[type=search]').fill('GetSecretValue');
    expect(await tl.locator('tbody tr:not([hidden])').count()).toBe(1);
    expect(await tl.locator('.tl-count').innerText()).toBe(`1 of ${total} shown`);
    await tl.locator('input[type=search]').fill('');
    await tl.locator('input[data-src="cloudtrail"]').uncheck();
    expect(await tl.locator('tbody tr:not([hidden])').count()).toBe(total - model.functions[0]!.timeline.bySource.cloudtrail!);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-hostile.png'), fullPage: false });
    finalChecks(o);

    // the CSP is live, and the request counter sees attempts: markup injected after load cannot
    // run, and its image request is attempted, counted and refused
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://attacker.example/pixel.png';
      document.body.append(img);
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 7';
      document.body.append(s);
    });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
    expect(o.errors.filter((e) => /Content Security Policy/.test(e)).length).toBe(2);
    expect(o.requests).toEqual(['https://attacker.example/pixel.png']);
  });
});
