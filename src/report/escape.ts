/**
 * Context-specific escaping for the HTML report. Every value shown in the report comes from logs
 * an attacker could write (user agents, request parameters, log lines, function names), so every
 * value goes through exactly one of these, chosen by where it lands:
 *
 *  - text(): element content (HTML body or inline SVG). Markup characters become entities, and
 *    characters that hide or reorder text (bidi overrides and isolates, zero-width characters,
 *    C0/C1 controls) become a visible ⟨U+XXXX⟩ marker, so `admin\u202Etxt.exe` cannot pose as
 *    something else in front of a reader.
 *  - attr(): a double-quoted attribute value. Same entities, plus quotes, and the hiding
 *    characters as literal \uXXXX text (an attribute cannot hold markup).
 *  - scriptJson(): JSON inside a <script type="application/json"> block. `<`, `>`, `&`, U+2028
 *    and U+2029 become \u escapes, so no `</script>` or `<!--` can appear in the block, and the
 *    parsed value is exactly the input.
 *
 * Attacker values never go into href/src/style/on* attributes, URLs or CSS: links in the report
 * are fragment links (#id) to ids the report itself generates (see internalHref()).
 */

/** Characters that change how surrounding text is displayed or are invisible. */
// C0 controls except TAB/LF/CR, DEL and C1, soft hyphen, combining grapheme joiner, Arabic letter
// mark, Hangul fillers, Mongolian vowel separator, zero-width and bidi marks/embeddings/overrides,
// line/paragraph separators, word joiner and invisible operators, bidi isolates, deprecated
// format characters, BOM / zero-width no-break space, interlinear annotation and tag characters.
const HIDING =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0]|\udb40[\udc00-\udc7f]/g;

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

function codePointLabel(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Lone surrogates cannot be encoded as UTF-8; they become U+FFFD, as a browser would show them. */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export interface TextOptions {
  /** Cut to this many characters (before escaping), ending with "…". */
  max?: number;
}

/** Any value as display text: null is empty, objects and arrays as JSON. */
export function plain(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  return JSON.stringify(v);
}

/** Cuts a string to at most max code points plus "…". */
export function cut(s: string, max: number | undefined): string {
  if (!max || s.length <= max) return s;
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Escapes a value for HTML element content (including inline SVG <text>/<title>). */
export function text(v: unknown, opts: TextOptions = {}): string {
  const s = wellFormed(cut(plain(v), opts.max));
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(HIDING, (c) => {
    const label = codePointLabel(c);
    const name = NAMES[c.codePointAt(0)!];
    return `<span class="cc" title="${name ? `${label} ${name}` : `${label} (invisible or control character)`}">⟨${label}⟩</span>`;
  });
}

/** The text a reader sees for a value (text() without the markup): hidden characters as ⟨U+XXXX⟩. */
export function visibleText(v: unknown, opts: TextOptions = {}): string {
  return wellFormed(cut(plain(v), opts.max)).replace(HIDING, (c) => `⟨${codePointLabel(c)}⟩`);
}

/** Escapes a value for a double-quoted attribute value. */
export function attr(v: unknown, opts: TextOptions = {}): string {
  const s = wellFormed(cut(plain(v), opts.max));
  return s
    .replace(HIDING, (c) => {
      const cp = c.codePointAt(0)!;
      return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    })
    .replace(/[&<>"'`=]/g, (c) => ENTITIES[c] ?? `&#${c.charCodeAt(0)};`)
    .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serialises a value as JSON safe to place inside a <script type="application/json"> block. */
export function scriptJson(v: unknown): string {
  const json = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
  return wellFormed(json).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An id the report generates for an anchor: letters, digits and dashes only. */
export function anchorId(...parts: Array<string | number>): string {
  const id = parts.join('-');
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`report anchor id '${id}' is not of the form [a-z][a-z0-9-]*`);
  return id;
}

/** href for a link inside the report. Only fragment links to generated ids exist in the report. */
export function internalHref(id: string): string {
  return `#${anchorId(id)}`;
}
