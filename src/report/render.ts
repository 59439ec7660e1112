/**
 * The report as one self-contained HTML string: no external resource of any kind (no CDN, font,
 * image or script by URL), one hashed <style>, one hashed <script>, and a Content-Security-Policy
 * meta tag that allows exactly those two and nothing else (`default-src 'none'`).
 */
import { createHash } from 'node:crypto';
import { CSS, SCRIPT } from './assets.ts';
import { attr, scriptJson, text } from './escape.ts';
import { fmtMinute, fmtTime } from './format.ts';
import type { ReportModel } from './model.ts';
import { evidenceSection, findingsSection } from './sections/findings.ts';
import { functionSection } from './sections/function.ts';
import { coverageSection, importIssuesSection, summarySection } from './sections/summary.ts';

export const sha256 = (s: string): string => `sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}`;

/** The policy of the report: nothing may load, only the report's own style and script may run. */
export function contentSecurityPolicy(css: string, js: string): string {
  return [
    "default-src 'none'",
    `style-src '${sha256(css)}'`,
    `script-src '${sha256(js)}'`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A machine-readable digest of the report for tools: windows and the listed findings. */
function reportData(m: ReportModel) {
  return {
    generated_at: m.generatedAt,
    window: m.window,
    findings_total: m.findings.total,
    findings: m.findings.rows.map((f) => ({ n: f.n, severity: f.severity, analyzer: f.analyzer, function: f.function, time: f.time, title: f.title })),
    functions: m.functions.map((f) => ({ id: f.id, name: f.name })),
  };
}

export function renderReport(m: ReportModel): string {
  const fnIds = new Map(m.functions.map((f) => [f.name, f.id]));
  const fnLinks = m.functions.map((f) => `<a href="#${attr(f.id)}">${text(f.name, { max: 40 })}</a>`).join('');
  const title = `Lambda incident report — ${fmtMinute(m.window.incidentStart)} to ${fmtMinute(m.window.dataEnd)} UTC`;
  const body = [
    `<header class="masthead" id="top"><div class="wrap">`,
    `<h1>AWS Lambda incident report</h1>`,
    `<div class="sub">Incident window <strong>${text(fmtTime(m.window.incidentStart))}</strong> → <strong>${text(fmtTime(m.window.dataEnd))}</strong> UTC · baseline from ${text(fmtTime(m.window.dataStart))} · generated ${text(fmtTime(m.generatedAt))} UTC${m.source ? ` from ${text(m.source, { max: 120 })}` : ''}</div>`,
    `</div></header>`,
    `<nav class="toc" aria-label="Contents"><div class="wrap"><a href="#summary">Summary</a><a href="#coverage">Data coverage</a><a href="#import-issues">Import issues</a><a href="#findings">Findings</a>${m.functions.length ? `<span class="sep">|</span><span class="fn-links">${fnLinks}</span>` : ''}<span class="sep">|</span><a href="#evidence">Evidence</a></div></nav>`,
    `<main class="wrap">`,
    summarySection(m),
    coverageSection(m),
    importIssuesSection(m),
    findingsSection(m, fnIds),
    m.functionsOmitted.length
      ? `<section class="block" id="functions-omitted"><h2>Other functions with findings</h2><p class="intro">${text(`${m.functionsOmitted.length} more function(s) have findings but no section here (the report details ${m.limits.functions}); ask for them with --function: `)}${m.functionsOmitted.map((f) => `<code>${text(f, { max: 80 })}</code>`).join(' ')}</p></section>`
      : '',
    ...m.functions.map((f) => functionSection(f, m)),
    evidenceSection(m, fnIds),
    `<footer class="colophon">lambda-forensics · all times UTC · every value shown is text from the imported logs and is escaped; this file loads nothing from the network.</footer>`,
    `</main>`,
  ].join('\n');

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(CSS, SCRIPT))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${text(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    body,
    `<script type="application/json" id="report-data">${scriptJson(reportData(m))}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
