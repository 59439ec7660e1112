/**
 * A strict structural check of the report's HTML. Data never brings a `<` into the output (text()
 * escapes it), so every `<` outside the one <style> and the two <script> blocks starts markup the
 * report itself wrote; this walks all of it and checks tags, attributes and links against
 * allowlists. Anything an attacker smuggled in as markup fails here.
 */
import { createHash } from 'node:crypto';

const TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'script', 'body', 'header', 'nav', 'main', 'section', 'div', 'h1', 'h2', 'h3', 'h4',
  'p', 'strong', 'em', 'a', 'span', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ol', 'li', 'dl', 'dt', 'dd', 'br',
  'abbr', 'article', 'footer', 'figure', 'svg', 'g', 'rect', 'line', 'polyline', 'polygon', 'text', 'label', 'input', 'details',
  'summary', 'ul',
]);
const ATTRS = new Set([
  'class', 'id', 'href', 'title', 'lang', 'charset', 'http-equiv', 'content', 'name', 'type', 'placeholder', 'aria-label',
  'aria-live', 'role', 'checked', 'data-src', 'data-start', 'data-end', 'data-function', 'viewBox', 'xmlns', 'x', 'y', 'x1', 'x2',
  'y1', 'y2', 'width', 'height', 'points', 'transform', 'text-anchor',
]);

export interface HtmlCheck {
  tags: Array<{ name: string; attrs: Record<string, string> }>;
  ids: Set<string>;
  hrefs: string[];
  style: string;
  script: string;
  json: string;
  csp: string;
  problems: string[];
}

const decode = (s: string) =>
  s.replace(/&(#(\d+)|#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, ent: string, dec?: string, hex?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[ent.toLowerCase()]!,
  );

export function checkHtml(html: string): HtmlCheck {
  const problems: string[] = [];
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  const scripts = [...html.matchAll(/<script( type="application\/json" id="report-data")?>([\s\S]*?)<\/script>/g)];
  if (styles.length !== 1) problems.push(`${styles.length} <style> blocks`);
  if (scripts.length !== 2) problems.push(`${scripts.length} <script> blocks`);
  const json = scripts.find((m) => m[1])?.[2] ?? '';
  const script = scripts.find((m) => !m[1])?.[2] ?? '';
  const style = styles[0]?.[1] ?? '';
  // blank out the blocks' contents, then every remaining < must open a known tag
  const markup = html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>').replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>');
  const tags: HtmlCheck['tags'] = [];
  const ids = new Set<string>();
  const hrefs: string[] = [];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:="[^"<>]*")?)*)\s*(\/?)>|<!doctype html>/gy;
  let pos = 0;
  while (pos < markup.length) {
    const lt = markup.indexOf('<', pos);
    if (lt < 0) break;
    re.lastIndex = lt;
    const m = re.exec(markup);
    if (!m) {
      problems.push(`unparsed markup at ${lt}: ${JSON.stringify(markup.slice(lt, lt + 80))}`);
      pos = lt + 1;
      continue;
    }
    pos = re.lastIndex;
    if (!m[2]) continue; // doctype
    const name = m[2]!;
    if (!TAGS.has(name)) problems.push(`tag <${name}>`);
    if (m[1]) continue;
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(/([a-zA-Z][a-zA-Z0-9-]*)(?:="([^"]*)")?/g)) {
      const key = a[1]!;
      if (!ATTRS.has(key)) problems.push(`attribute ${key} on <${name}>`);
      attrs[key] = decode(a[2] ?? '');
    }
    if (attrs.id !== undefined) {
      if (ids.has(attrs.id)) problems.push(`duplicate id ${attrs.id}`);
      ids.add(attrs.id);
    }
    if (attrs.href !== undefined) hrefs.push(attrs.href);
    tags.push({ name, attrs });
  }
  for (const h of hrefs) {
    if (!h.startsWith('#')) problems.push(`href ${h}`);
    else if (!ids.has(h.slice(1))) problems.push(`href ${h} points nowhere`);
  }
  const csp = tags.find((t) => t.name === 'meta' && t.attrs['http-equiv'] === 'Content-Security-Policy')?.attrs.content ?? '';
  return { tags, ids, hrefs, style, script, json, csp, problems };
}

export const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
