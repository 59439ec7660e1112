import { describe, expect, it } from 'vitest';
import { anchorId, attr, cut, internalHref, scriptJson, text } from '../../src/report/escape.ts';
import { PAYLOADS } from './fixture.ts';

const ALL = Object.values(PAYLOADS);

describe('text() for element content', () => {
  it('turns markup characters into entities', () => {
    expect(text('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text('"><img src=x onerror=alert(1)>')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(text("a & b ' c")).toBe('a &amp; b &#39; c');
    expect(text('&lt;')).toBe('&amp;lt;');
  });

  it('leaves no markup character of any payload unescaped', () => {
    for (const p of ALL) {
      // the only tags text() emits are its own markers for hidden characters
      const withoutMarkers = text(p).replace(/<span class="cc" title="U\+[0-9A-F]{4,5} [^"<>]*">⟨U\+[0-9A-F]{4,5}⟩<\/span>/g, '');
      expect(withoutMarkers).not.toMatch(/[<>"']/);
    }
  });

  it('shows bidi overrides, zero-width and control characters as visible markers', () => {
    expect(text('invoice\u202Efdp.exe')).toBe(
      'invoice<span class="cc" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>fdp.exe',
    );
    expect(text('adm\u200Bin')).toBe('adm<span class="cc" title="U+200B ZERO WIDTH SPACE">⟨U+200B⟩</span>in');
    expect(text('\u2066x\u2069')).toContain('⟨U+2066⟩</span>x<span class="cc" title="U+2069 POP DIRECTIONAL ISOLATE">');
    expect(text('a\u0000b\u001bc')).toBe(
      'a<span class="cc" title="U+0000 (invisible or control character)">⟨U+0000⟩</span>b<span class="cc" title="U+001B (invisible or control character)">⟨U+001B⟩</span>c',
    );
    // a tag character (U+E0041), written as a surrogate pair
    expect(text('x\u{E0041}y')).toBe('x<span class="cc" title="U+E0041 (invisible or control character)">⟨U+E0041⟩</span>y');
    // tab and newline are ordinary white space
    expect(text('a\tb\nc')).toBe('a\tb\nc');
  });

  it('replaces lone surrogates and cuts long values', () => {
    expect(text('a\ud800b')).toBe('a\ufffdb');
    expect(text('😀\udc00')).toBe('😀\ufffd');
    expect(text('abcdefghij', { max: 5 })).toBe('abcd…');
    expect(cut('😀😀😀😀', 3)).toBe('😀😀…');
    expect(text(null)).toBe('');
    expect(text({ a: '<b>' })).toBe('{&quot;a&quot;:&quot;&lt;b&gt;&quot;}');
  });
});

describe('attr() for double-quoted attribute values', () => {
  it('cannot close the attribute or the tag', () => {
    for (const p of ALL) {
      const a = attr(p);
      expect(a).not.toMatch(/[<>"'`=\n\r\t]/);
    }
    expect(attr(PAYLOADS.attrBreak)).toBe('&#39; onmouseover&#61;&#39;window.__pwned&#61;4&#39; x&#61;&#39;');
  });

  it('writes hidden characters as \\u escapes', () => {
    expect(attr('a\u202Eb\u200Bc')).toBe('a\\u202eb\\u200bc');
    expect(attr('x\u{E0041}')).toBe('x\\u{e0041}');
    expect(attr('line1\nline2')).toBe('line1&#10;line2');
  });
});

describe('scriptJson() for JSON inside a script block', () => {
  it('round-trips every payload exactly', () => {
    const value = { payloads: ALL, nested: { k: PAYLOADS.closeScript, list: [PAYLOADS.comment, 1, null, true] } };
    const out = scriptJson(value);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('cannot end the script block or open a comment in it', () => {
    const out = scriptJson({ a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a&b', d: '\u2028\u2029' });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out.toLowerCase()).not.toContain('</script');
    expect(out).toBe('{"a":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e","b":"\\u003c!-- x --\\u003e","c":"a\\u0026b","d":"\\u2028\\u2029"}');
    expect(scriptJson(undefined)).toBe('null');
    expect(scriptJson({ n: 10n })).toBe('{"n":"10"}');
  });
});

describe('links', () => {
  it('only fragment links to generated ids', () => {
    expect(internalHref('ev-12')).toBe('#ev-12');
    expect(anchorId('fn', 3, 'api')).toBe('fn-3-api');
    for (const bad of [PAYLOADS.jsUrl, 'javascript:alert(1)', 'https://evil.example/', 'ev-1" onclick="x', 'Ev-1', '1ev', '']) {
      expect(() => internalHref(bad)).toThrow(/report anchor id/);
    }
  });
});
