import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SET_NAMES, buildWorld, generateFile, planSets } from '../../src/bench/dataset.ts';
import { parseGnuTime, pollPeakRss, runMeasured } from '../../src/bench/measure.ts';
import { SUMMARY_FIELDS, defaultRepeat, formatTable, medianRun, type StepResult } from '../../src/bench/runner.ts';
import { detect } from '../../src/importers/detect.ts';
import { readFacts } from '../../src/importers/sniff.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/db.ts';

/**
 * The benchmark harness works end to end in its quick mode. No timing is asserted anywhere:
 * speed is measured by `npm run bench`, never by tests.
 */

describe('bench --scale 0.01 (quick mode)', () => {
  it('runs every step and ends stdout with one JSON object holding every summary field', () => {
    const results = tempDir('lf-bench-results-');
    const r = cli(['bench', '--scale', '0.01', '--results-dir', results, '--repeat', '2']);
    const lines = r.stdout.trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(Object.keys(last).sort()).toEqual([...SUMMARY_FIELDS].sort());
    expect(last.scale).toBe(0.01);
    for (const f of SUMMARY_FIELDS) {
      // every step ran, so every ratio is a number (report_s may only be null without a report command)
      if (f === 'report_s') expect(last[f] === null || typeof last[f] === 'number').toBe(true);
      else expect(typeof last[f], `${f}: ${r.stderr.slice(-2000)}`).toBe('number');
    }
    // every step succeeded, and every import loaded exactly the generated rows (checked by the harness)
    expect(r.stdout).not.toMatch(/\bFAIL\b/);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);

    const files = fs.readdirSync(results);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}-scale-0\.01\.json$/);
    const saved = JSON.parse(fs.readFileSync(path.join(results, files[0]!), 'utf8')) as {
      summary: Record<string, unknown>;
      steps: Array<{ id: string; ok: boolean; rows: number | null; seconds: number | null; runs_s?: number[] }>;
      options: { repeat: number };
      machine: { cores: number };
      dataset: Record<string, { records: number; duplicates: number }>;
    };
    expect(saved.summary).toEqual(last);
    expect(saved.machine.cores).toBeGreaterThan(0);
    const ids = saved.steps.map((s) => s.id);
    for (const id of ['ct.gunzip', 'ct.duckdb', 'ct.jq', 'ct.import', 'small.import', 'flow.duckdb', 'flow.import', 'lambda.import', 'eni.import',
      'ct-cwl.duckdb', 'ct-cwl.import', 'flow-cwl.duckdb', 'flow-cwl.import', 'all.import', 'analyze', 'report', 'first-seen']) {
      expect(ids).toContain(id);
    }
    const step = (id: string) => saved.steps.find((s) => s.id === id)!;
    // the steps a target ratio divides ran twice each (the lower run is reported), the others once
    expect(saved.options.repeat).toBe(2);
    for (const id of ['ct.duckdb', 'ct.import', 'small.duckdb', 'small.import', 'flow.duckdb', 'flow.import', 'analyze', 'first-seen']) {
      expect(step(id).runs_s, id).toHaveLength(2);
      expect(step(id).seconds, id).toBe(Math.min(...step(id).runs_s!));
    }
    for (const id of ['ct.jq', 'lambda.import', 'all.import', 'report']) expect(step(id).runs_s, id).toBeUndefined();
    expect(ids.filter((id) => id === 'ct.import')).toHaveLength(1);
    // 5 files x 2000 records, a few re-delivered; the import keeps each event once
    expect(saved.dataset.ct!.records).toBe(10_000);
    expect(step('ct.import').rows).toBe(10_000 - saved.dataset.ct!.duplicates);
    expect(step('ct.duckdb').rows).toBe(10_000);
    expect(step('ct.jq').rows).toBe(10_000);
    expect(step('small.import').rows).toBe(10_000);
    expect(step('flow.import').rows).toBe(100_000);
    expect(step('flow.duckdb').rows).toBe(100_000);
    // one export file of each: the same records, one per line after the line's timestamp
    expect(step('ct-cwl.import').rows).toBe(2000);
    expect(step('ct-cwl.duckdb').rows).toBe(2000);
    expect(step('flow-cwl.import').rows).toBe(50_000);
    expect(step('flow-cwl.duckdb').rows).toBe(50_000);
  }, 600_000);
});

describe('a step measured several times', () => {
  const run = (seconds: number | null, extra: Partial<StepResult> = {}): StepResult => ({
    id: 'ct.import', what: 'import', set: 'ct', seconds, rows: 100, rows_per_s: seconds ? Math.round(100 / seconds) : null,
    mb_per_s_compressed: null, mb_per_s_uncompressed: null, peak_rss_mb: 500, ok: true, ...extra,
  });

  it('reports its median run, the highest peak RSS of all runs, and every run time', () => {
    const m = medianRun([run(5.2, { peak_rss_mb: 700 }), run(4.1), run(4.6, { peak_rss_mb: 650 })]);
    expect(m).toMatchObject({ seconds: 4.6, rows_per_s: Math.round(100 / 4.6), peak_rss_mb: 700, runs_s: [5.2, 4.1, 4.6], ok: true });
    expect(m.note).toBe('median of 3 runs: 5.20, 4.10, 4.60 s');
    // an even number of runs: the lower of the two middle ones
    expect(medianRun([run(3), run(1), run(4), run(2)]).seconds).toBe(2);
    expect(medianRun([run(3)]).seconds).toBe(3);
  });

  it('runs three times up to scale 1, where the targets are, and once above', () => {
    expect([0.01, 1, 2, 5].map(defaultRepeat)).toEqual([3, 3, 1, 1]);
  });

  it('takes --repeat as a whole number of runs, and says so otherwise', () => {
    for (const bad of ['0', '1.5', 'x']) {
      const r = cli(['bench', '--scale', '0.01', '--repeat', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--repeat must be a whole number of runs, 1 or more/);
    }
  });

  it('fails when any run failed or loaded other rows, naming that run', () => {
    const failed = medianRun([run(4), run(null, { ok: false, note: 'exit 1: boom' }), run(5)]);
    expect(failed).toMatchObject({ ok: false, note: 'run 2 of 3: exit 1: boom', runs_s: [4, null, 5] });
    const other = medianRun([run(4), run(4.5), run(5, { rows: 99 })]);
    expect(other).toMatchObject({ ok: false, note: 'run 3 of 3: rows 99 (run 1: 100)' });
  });
});

describe('bench data generation', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed different ones', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    const world = buildWorld('s1', 0.01);
    for (const set of SET_NAMES) {
      const ra = generateFile({ set, index: 0 }, a, 's1', 0.01, 6, world);
      const rb = generateFile({ set, index: 0 }, b, 's1', 0.01, 6, buildWorld('s1', 0.01));
      const rc = generateFile({ set, index: 0 }, c, 's2', 0.01, 6, buildWorld('s2', 0.01));
      expect(rb).toEqual(ra);
      expect(fs.readFileSync(path.join(b, rb.rel)).equals(fs.readFileSync(path.join(a, ra.rel)))).toBe(true);
      expect(fs.readFileSync(path.join(c, rc.rel)).equals(fs.readFileSync(path.join(a, ra.rel)))).toBe(false);
    }
  });

  it('scales every count, keeping files at least one', () => {
    expect(planSets(1)).toEqual({
      ct: { files: 500, perFile: 2000 },
      small: { files: 20_000, perFile: 50 },
      flow: { files: 200, perFile: 50_000 },
      lambda: { files: 500, perFile: 2000 },
      eni: { files: 3, perFile: 0 },
      'ct-cwl': { files: 100, perFile: 2000 },
      'flow-cwl': { files: 20, perFile: 50_000 },
    });
    expect(planSets(0.01).small.files).toBe(200);
    expect(planSets(0.0001).ct.files).toBe(1);
  });

  it('builds the world of a large scale (more ENIs than one /24 holds) with every private IP unique', () => {
    for (const scale of [1, 5, 20]) {
      const w = buildWorld('seed', scale);
      const ips = w.enis.map((e) => e.ip);
      expect(w.enis.length).toBeGreaterThan(scale >= 5 ? 600 : 100);
      expect(new Set(ips).size, `scale ${scale}`).toBe(ips.length);
      expect(ips.every((ip) => /^10\.0\.\d+\.\d+$/.test(ip))).toBe(true);
    }
  });

  it('lays files out the way AWS delivers them', async () => {
    const dir = tempDir();
    const world = buildWorld('s1', 0.01);
    const ct = generateFile({ set: 'small', index: 3 }, dir, 's1', 0.01, 6, world);
    expect(ct.rel).toMatch(/^small\/AWSLogs\/123456789012\/CloudTrail\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/123456789012_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/);
    const flow = generateFile({ set: 'flow', index: 0 }, dir, 's1', 0.01, 6, world);
    expect(flow.rel).toMatch(/^flow\/AWSLogs\/123456789012\/vpcflowlogs\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/123456789012_vpcflowlogs_us-east-1_fl-0[0-9a-f]{16}_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$/);
    const logs = generateFile({ set: 'lambda', index: 0 }, dir, 's1', 0.01, 6, world);
    expect(logs.rel).toMatch(/^lambda\/exportedlogs\/aws\/lambda\/[a-z-]+\/[0-9a-f-]{36}\/\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}\/000000\.gz$/);
    // CloudWatch Logs exports: a timestamp and one record per line, recognised as such
    for (const [set, format, message] of [
      ['ct-cwl', 'cloudtrail-cwl-export', /^\{"eventVersion":"1\.\d+"/],
      ['flow-cwl', 'flow-cwl-export', /^2 123456789012 eni-[0-9a-f]+ /],
    ] as const) {
      const f = generateFile({ set, index: 0 }, dir, 's1', 0.01, 6, world);
      const lines = zlib.gunzipSync(fs.readFileSync(path.join(dir, f.rel))).toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(f.records);
      for (const l of [lines[0]!, lines[lines.length - 1]!]) {
        expect(l).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /);
        expect(l.slice(25)).toMatch(message);
      }
      expect(detect(await readFacts(path.join(dir, f.rel)))).toMatchObject({ kind: 'load', format });
    }
  });
});

describe('bench measurement', () => {
  it('reads the peak RSS from GNU time -v output', () => {
    const text = '\tCommand being timed: "x"\n\tMaximum resident set size (kbytes): 204800\n\tExit status: 0\n';
    expect(parseGnuTime(text)).toEqual({ peakRssMb: 200 });
    expect(parseGnuTime('nothing')).toEqual({ peakRssMb: null });
  });

  it('without GNU time, polls /proc VmHWM of the child (and its children)', async () => {
    // a child that holds ~120 MB for a moment
    const r = await runMeasured(process.execPath, ['-e', 'const b = Buffer.alloc(120 * 1024 * 1024, 1); setTimeout(() => console.log(b[5]), 400);'], { rss: 'proc' });
    expect(r.code).toBe(0);
    expect(r.rssMethod).toBe('proc');
    expect(r.stdout.trim()).toBe('1');
    expect(r.peakRssMb).toBeGreaterThan(120);
    expect(r.peakRssMb).toBeLessThan(1024);

    // a grandchild's memory counts too
    const child = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} -e "const b = Buffer.alloc(150 * 1024 * 1024, 1); setTimeout(() => b[0], 600)"`]);
    const stop = pollPeakRss(child.pid!, 20);
    await new Promise((res) => child.on('close', res));
    expect(stop()).toBeGreaterThan(150);
  });

  it('prints a table with a header, a rule and one line per step', () => {
    const t = formatTable([
      { id: 'ct.import', what: 'import', set: 'ct', seconds: 1.5, rows: 1000, rows_per_s: 667, mb_per_s_compressed: 1, mb_per_s_uncompressed: 9, peak_rss_mb: 300, ok: true },
      { id: 'report', what: 'report', set: 'all', seconds: null, rows: null, rows_per_s: null, mb_per_s_compressed: null, mb_per_s_uncompressed: null, peak_rss_mb: null, ok: false, note: 'boom' },
    ]);
    expect(t).toHaveLength(4);
    expect(t[0]).toMatch(/^step\s+what\s+seconds\s+rows\s+rows\/s/);
    expect(t[2]).toMatch(/^ct\.import\s+import\s+1\.50\s+1,000\s+667\s+1\.0\s+9\.0\s+300\s+ok$/);
    expect(t[3]).toMatch(/FAIL\s+boom$/);
  });
});
